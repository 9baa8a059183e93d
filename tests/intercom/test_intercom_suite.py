"""Intercom against the conformance suite plugin authors subclass."""

from deskmigrate.plugins.intercom.platform import IntercomPlatform
from deskmigrate.testing import PlatformConformance


class TestIntercom(PlatformConformance):
    platform = IntercomPlatform()

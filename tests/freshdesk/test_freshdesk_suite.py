"""Freshdesk against the conformance suite plugin authors subclass."""

from deskmigrate.plugins.freshdesk.platform import FreshdeskPlatform
from deskmigrate.testing import PlatformConformance


class TestFreshdesk(PlatformConformance):
    platform = FreshdeskPlatform()

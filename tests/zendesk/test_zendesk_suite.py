"""Zendesk against the conformance suite plugin authors subclass."""

from deskmigrate.plugins.zendesk.platform import ZendeskPlatform
from deskmigrate.testing import PlatformConformance


class TestZendesk(PlatformConformance):
    platform = ZendeskPlatform()

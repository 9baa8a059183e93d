"""Intercom against the conformance suite plugin authors subclass, plus the counts its own
seed promises."""

from deskmigrate.plugins.intercom.platform import IntercomPlatform
from deskmigrate.testing import PlatformConformance


class TestIntercom(PlatformConformance):
    platform = IntercomPlatform()

    def test_the_seed_gives_conversations_tickets_and_a_help_center(self, kit):
        counts = kit.source.count()
        # listing_tickets (12) conversations + 2 Intercom tickets (12 // 5)
        assert counts["ticket"] == self.listing_tickets + self.listing_tickets // 5 == 14
        # 2 top collections x 2 sections x 2 articles, + 1 straight in the first collection
        # (its folder is made for it: 2 x 2 sections + 1)
        assert counts["kb_article"] == 9 and counts["kb_category"] == 2
        assert counts["kb_folder"] == 5

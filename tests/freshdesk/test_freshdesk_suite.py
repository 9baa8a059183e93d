"""Freshdesk against the conformance suite plugin authors subclass."""

import pytest

from deskmigrate.core import connector
from deskmigrate.plugins.freshdesk.platform import FreshdeskPlatform
from deskmigrate.testing import PlatformConformance


class TestFreshdesk(PlatformConformance):
    platform = FreshdeskPlatform()

    @pytest.mark.xfail(not hasattr(connector, "Found"), strict=True,
                       reason="find() matches contacts by email and reports them as created; "
                              "the ownership contract (find() -> Found.owned, issue 9) fixes it")
    def test_find_ignores_what_other_runs_created(self, kit):
        super().test_find_ignores_what_other_runs_created(kit)

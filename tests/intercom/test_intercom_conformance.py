"""The Intercom plugin keeps the connector contract against its own sandbox: every kind
reads back with consistent counts, and sandbox -> sandbox migrates every ticket."""

from __future__ import annotations

from deskmigrate.plugins.intercom import IntercomPlatform
from deskmigrate.testing import assert_conforms


def test_intercom_conforms(tmp_path):
    counts = assert_conforms(IntercomPlatform(), tmp_path, tickets=10, seed=3)
    assert counts["ticket"] == 12  # 10 conversations + 2 Intercom tickets (10 // 5)
    assert counts["kb_article"] == 8 and counts["kb_category"] == 2

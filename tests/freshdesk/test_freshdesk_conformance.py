"""The conformance kit, as a plugin author would run it, against the built-in freshdesk plugin."""

from deskmigrate.plugins.freshdesk.platform import FreshdeskPlatform
from deskmigrate.testing import assert_conforms


def test_freshdesk_conforms(tmp_path):
    counts = assert_conforms(FreshdeskPlatform(), tmp_path)
    assert counts["ticket"] == 12

"""The conformance kit, as a plugin author would run it, against the built-in zendesk plugin."""

from deskmigrate.plugins.zendesk.platform import ZendeskPlatform
from deskmigrate.testing import assert_conforms


def test_zendesk_conforms(tmp_path):
    counts = assert_conforms(ZendeskPlatform(), tmp_path)
    assert counts["ticket"] == 12

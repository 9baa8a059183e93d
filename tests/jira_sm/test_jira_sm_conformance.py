"""The conformance kit against the built-in jira_sm plugin (JSM -> JSM through the engine)."""

from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform
from deskmigrate.testing import assert_conforms


def test_jira_sm_conforms(tmp_path):
    counts = assert_conforms(JiraSmPlatform(), tmp_path)
    assert counts["ticket"] == 12

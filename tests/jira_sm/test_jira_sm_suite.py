"""Jira Service Management against the conformance suite plugin authors subclass."""

from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform
from deskmigrate.testing import PlatformConformance


class TestJiraSm(PlatformConformance):
    platform = JiraSmPlatform()

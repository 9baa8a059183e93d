"""Each first-party platform's agent-facing page of a record (``Platform.record_url``)."""

from __future__ import annotations

import pytest

from deskmigrate.core import host


@pytest.mark.parametrize(("platform", "url", "kind", "target_id", "page"), [
    ("zendesk", "https://acme.zendesk.com", "ticket", "42",
     "https://acme.zendesk.com/agent/tickets/42"),
    ("zendesk", "https://acme.zendesk.com/", "company", "7",
     "https://acme.zendesk.com/agent/organizations/7"),
    ("freshdesk", "https://acme.freshdesk.com", "contact", "43000000001",
     "https://acme.freshdesk.com/a/contacts/43000000001"),
    ("freshdesk", "https://acme.freshdesk.com", "kb_article", "9",
     "https://acme.freshdesk.com/a/solutions/articles/9"),
    ("jira_sm", "https://acme.atlassian.net", "ticket", "HELP-12",
     "https://acme.atlassian.net/browse/HELP-12"),
    ("jira_sm", "https://acme.atlassian.net", "agent", "5b10a2844c20165700ede21g",
     "https://acme.atlassian.net/jira/people/5b10a2844c20165700ede21g"),
    ("intercom", "https://api.intercom.io", "ticket", "215",
     "https://app.intercom.com/a/apps/_/inbox/inbox/conversation/215"),
    ("intercom", "https://api.eu.intercom.io", "company", "6a1",
     "https://app.eu.intercom.com/a/apps/_/companies/6a1"),
    ("intercom", "http://127.0.0.1:8104", "contact", "c 1/2",  # quoted, on the sandbox
     "http://127.0.0.1:8104/a/apps/_/users/c%201%2F2"),
])
def test_record_url(platform, url, kind, target_id, page):
    assert host.platform(platform).record_url(url, kind, target_id) == page


@pytest.mark.parametrize("platform", ["zendesk", "freshdesk", "jira_sm", "intercom"])
def test_kinds_without_a_page_have_no_link(platform):
    assert host.platform(platform).record_url("https://x.example", "field", "1") is None

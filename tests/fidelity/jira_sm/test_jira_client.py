"""The pycontribs ``jira`` client (REST API v3, as its docs configure Cloud) against the
sandbox: server info, JQL search with nextPageToken, issues, comments (internal and
public), attachments, transitions, entity properties, customers and requests."""

from __future__ import annotations

import pytest
from jira import JIRA
from jira.exceptions import JIRAError


def doc(text: str) -> dict:
    """Comment bodies in v3 are Atlassian documents."""
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


@pytest.fixture
def jira(site) -> JIRA:
    return JIRA(server=site.url, basic_auth=(site.email, site.token),
                options={"rest_api_version": "3"})


def test_server_info_says_cloud_and_myself_is_the_token_user(jira, site):
    assert jira.server_info()["deploymentType"] == "Cloud"
    assert jira._is_cloud
    assert jira.myself()["emailAddress"] == site.email


def test_enhanced_search_follows_next_page_tokens(jira, site):
    issues = jira.enhanced_search_issues(f"project = {site.desk} ORDER BY created ASC",
                                         maxResults=False, fields="summary,status")
    assert [i.key for i in issues] == [f"{site.desk}-{n}" for n in range(1, 7)]
    page = jira.enhanced_search_issues(f"project = {site.desk}", maxResults=4,
                                       json_result=True)
    assert len(page["issues"]) == 4 and page["isLast"] is False
    rest = jira.enhanced_search_issues(f"project = {site.desk}", maxResults=4,
                                       nextPageToken=page["nextPageToken"], json_result=True)
    assert [i["key"] for i in rest["issues"]] == [f"{site.desk}-5", f"{site.desk}-6"]


def test_bad_jql_is_an_atlassian_error(jira):
    with pytest.raises(JIRAError) as caught:
        jira.enhanced_search_issues("project = HELP AND nonsense ~ x", json_result=True)
    assert caught.value.status_code == 400
    assert "Error in the JQL Query" in caught.value.text


def test_issue_comments_internal_and_public_attachments_and_properties(jira, site, tmp_path):
    created = jira.create_issue(project=site.desk, summary="Printer on fire ✓",
                                description=doc("Smoke everywhere"),
                                issuetype={"name": "Service Request"})
    public = jira.add_comment(created.key, doc("We are on it"))
    internal = jira.add_comment(created.key, doc("Call the fire brigade"), is_internal=True)
    flags = {c.id: c.raw["jsdPublic"] for c in jira.comments(created.key)}
    assert flags == {public.id: True, internal.id: False}
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG fake bytes")
    attachment = jira.add_attachment(created.key, str(path))
    assert jira.attachment(attachment.id).get() == b"\x89PNG fake bytes"  # via the 303
    jira.add_issue_property(created.key, "deskmigrate.origin", {"sourceId": "42"})
    assert jira.issue_property(created.key, "deskmigrate.origin").value.sourceId == "42"
    moves = {t["name"]: t["id"] for t in jira.transitions(created.key)}
    jira.transition_issue(created.key, moves["Resolved"])
    issue = jira.issue(created.key)
    assert issue.fields.status.name == "Resolved" and issue.fields.resolutiondate
    issue.update(fields={"labels": ["migrated", "fire"]})
    assert sorted(jira.issue(created.key).fields.labels) == ["fire", "migrated"]


def test_labels_with_spaces_are_refused(jira, site):
    with pytest.raises(JIRAError) as caught:
        jira.issue(f"{site.desk}-1").update(fields={"labels": ["two words"]})
    assert caught.value.status_code == 400


def test_service_desk_customers_and_requests(jira, site):
    desk = jira.service_desk(site.desk)
    assert desk.projectKey == site.desk
    customer = jira.create_customer("new.customer@example.test", "Nouveau Client")
    request = jira.create_customer_request(fields={
        "serviceDeskId": desk.id, "requestTypeId": "Ask a question",
        "requestFieldValues": {"summary": "Where is my order?",
                               "description": "Ordered last week"},
        "raiseOnBehalfOf": customer.accountId})
    assert request.fields.reporter.emailAddress == "new.customer@example.test"
    types = {t.name for t in jira.request_types(desk)}
    assert {"Get IT help", "Report a bug", "Ask a question"} <= types


def test_assign_issue_to_an_agent_unassign_and_a_customer_is_refused(jira, site):
    """``assign_issue`` finds the person by ``GET /user/search?query=EMAIL`` then sends
    ``PUT /issue/{key}/assignee {"accountId": …}``; a customer (no licence) is a 400."""
    key = f"{site.desk}-1"
    assert jira.assign_issue(key, site.email)
    assert jira.issue(key).fields.assignee.emailAddress == site.email
    assert jira.assign_issue(key, None)  # null: unassigned
    assert jira.issue(key).fields.assignee is None
    assert jira.assign_issue(key, site.email) and jira.assign_issue(key, "-1")
    assert jira.issue(key).fields.assignee is None  # the project's default: unassigned
    jira.assign_issue(key, site.email)
    customer = jira.create_customer("not.an.agent@example.test", "Not An Agent")
    with pytest.raises(JIRAError) as caught:
        jira.assign_issue(key, "not.an.agent@example.test")
    assert caught.value.status_code == 400
    assert f"User '{customer.accountId}' cannot be assigned issues." in caught.value.text
    assert jira.issue(key).fields.assignee.emailAddress == site.email  # unchanged
    with pytest.raises(JIRAError, match="No matching user found"):
        jira.assign_issue(key, "nobody@example.test")  # user/search found no one

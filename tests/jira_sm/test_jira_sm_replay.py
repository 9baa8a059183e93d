"""Published Jira Cloud responses (the examples of Atlassian's OpenAPI files in
../shared/specs/jira_sm) replayed through the source: the shapes real sites answer with,
not the sandbox's."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from deskmigrate.core.connect import connect
from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform, error_message

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs" / "jira_sm"
SITE = "https://your-domain.atlassian.net"
MEDIA = "https://api.media.atlassian.com/file/6f1c/binary?token=signed"
FILE_BYTES = b"debug log line\n"


def example(spec: str, path: str, status: str = "200", method: str = "get") -> dict:
    document = json.loads((SPECS / spec).read_text())
    content = document["paths"][path][method]["responses"][status]["content"]
    body = content["application/json"]["example"]
    return json.loads(body) if isinstance(body, str) else body


def platform(path: str) -> dict:
    return example("jira-platform-v3.json", path)


def servicedesk(path: str) -> dict:
    return example("jira-service-management.json", path)


def last_page(page: dict) -> dict:
    """The published page, then an empty last one (the examples say isLastPage false)."""
    return {**page, "values": [], "isLastPage": True, "start": page["start"] + page["size"]}


def replay(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    start = request.url.params.get("start", "0")
    routes = {
        "/rest/api/3/field": lambda: platform("/rest/api/3/field"),
        "/rest/api/3/search/jql": lambda: platform("/rest/api/3/search/jql"),
        "/rest/api/3/issue/ED-1/comment": lambda: platform(
            "/rest/api/3/issue/{issueIdOrKey}/comment"),
        "/rest/servicedeskapi/servicedesk/ITH": lambda: servicedesk(
            "/rest/servicedeskapi/servicedesk/{serviceDeskId}"),
    }
    pages = {
        "/rest/servicedeskapi/servicedesk/10001/customer":
            "/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer",
        "/rest/servicedeskapi/servicedesk/10001/organization":
            "/rest/servicedeskapi/servicedesk/{serviceDeskId}/organization",
    }
    if path in routes:
        return httpx.Response(200, json=routes[path]())
    if path in pages:
        page = servicedesk(pages[path])
        return httpx.Response(200, json=page if start == "0" else last_page(page))
    if path.startswith("/rest/servicedeskapi/organization/") and path.endswith("/user"):
        page = servicedesk("/rest/servicedeskapi/organization/{organizationId}/user")
        return httpx.Response(200, json=page if start == "0" else last_page(page))
    if path == "/jira/rest/api/3/attachment/content/10001":
        return httpx.Response(303, headers={"Location": MEDIA})
    if request.url.host == "api.media.atlassian.com":
        return httpx.Response(200, content=FILE_BYTES)
    return httpx.Response(404, json={"errorMessages": [f"not replayed: {path}"], "errors": {}})


@pytest.fixture
def source():
    jsm = JiraSmPlatform()
    connection = connect(jsm, SITE, {"email": "mia@example.com", "token": "t",
                                     "service_desk": "ITH"},
                         transport=httpx.MockTransport(replay), rate_per_minute=100_000)
    yield jsm.source(connection)
    connection.http.close()


def test_published_search_and_comments_become_a_ticket(source):
    [ticket] = list(source.read("ticket"))
    assert ticket.source_id == "ED-1"
    description, comment = ticket.comments
    assert description.source_id == "10002-description"
    assert description.body_text == "Main order flow broken"  # a plain-text description
    assert description.body_html == "<p>Main order flow broken</p>"
    assert comment.source_id == "10000"
    assert comment.author_id == "5b10a2844c20165700ede21g"
    assert comment.body_text.startswith("Lorem ipsum dolor sit amet")
    assert comment.public is True  # no jsdPublic: a plain Jira comment is public
    assert ticket.updated_at is not None
    [attachment] = [a for c in ticket.comments for a in c.attachments]
    assert (attachment.file_name, attachment.size) == ("debuglog.txt", 2460)
    assert attachment.read() == FILE_BYTES  # the 303 followed to Atlassian's media host


def test_published_customers_and_organizations(source):
    customers = list(source.read("contact"))
    assert [c.email for c in customers] == ["fred@example.com"]
    assert customers[0].company_id is not None
    organizations = list(source.read("company"))
    assert organizations and all(o.name for o in organizations)


def test_published_error_bodies_read_as_one_line():
    platform_body = {"errorMessages": ["Issue does not exist"], "errors": {"summary": "bad"}}
    sd_body = {"errorMessage": "The request type does not exist.",
               "i18nErrorMessage": {"i18nKey": "sd.x", "parameters": []}}
    assert error_message(httpx.Response(404, json=platform_body)) == \
        "Issue does not exist; summary: bad"
    assert error_message(httpx.Response(400, json=sd_body)) == \
        "The request type does not exist."

"""Intercom's own response examples (the 2.14 OpenAPI file, MIT) replayed through the
source: what the real API returns becomes the right neutral records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from deskmigrate.core.connect import connect
from deskmigrate.plugins.intercom import IntercomPlatform

SPEC = Path(__file__).parents[3] / ".." / "shared" / "specs" / "intercom" / \
    "api.intercom.io-2.14.yaml"


@pytest.fixture(scope="module")
def examples() -> dict[tuple[str, str], Any]:
    """(METHOD, path template) -> the first 200 example of that operation."""
    spec = yaml.load(SPEC.read_text(), Loader=yaml.CSafeLoader)
    out = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue  # path-level parameters
            content = (operation.get("responses", {}).get("200", {}) or {}).get("content", {})
            found = (content.get("application/json") or {}).get("examples") or {}
            if found:
                out[(method.upper(), path)] = next(iter(found.values()))["value"]
    return out


@pytest.fixture
def source(examples):
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Intercom-Version", ""))
        path = request.url.path
        key = {"/conversations": "/conversations", "/contacts": "/contacts",
               "/admins": "/admins", "/teams": "/teams", "/tags": "/tags",
               "/data_attributes": "/data_attributes", "/articles": "/articles",
               "/help_center/collections": "/help_center/collections",
               "/tickets/search": "/tickets/search", "/ticket_types": "/ticket_types",
               "/me": "/me"}.get(path)
        if path == "/companies/scroll":
            if request.url.params.get("scroll_param"):
                return httpx.Response(200, json={"type": "list", "data": [],
                                                 "scroll_param": "done"})
            key = path
        elif path.startswith("/conversations/"):
            key = "/conversations/{conversation_id}"
        elif path.startswith("/tickets/") and request.method == "GET":
            key = "/tickets/{ticket_id}"
        return httpx.Response(200, json=examples[(request.method, key)])

    connection = connect(IntercomPlatform(), "https://api.intercom.io", {"token": "t"},
                         transport=httpx.MockTransport(answer), rate_per_minute=100_000)
    made = IntercomPlatform().source(connection)
    made.versions = seen
    yield made
    connection.http.close()


def test_conversation_example_becomes_a_ticket(source):
    ticket = next(iter(source.get("ticket", ["503"])))
    assert ticket.source_id == "503" and ticket.status == "solved"
    assert ticket.requester_id == "6762f1261bb69f9f2193bba7"  # admin-initiated: the contact
    assert (ticket.assignee_id, ticket.group_id) == ("991267715", "5017691")
    assert ticket.tags == ["Test tag"]
    bodies = [(c.body_html, c.public, c.author_id) for c in ticket.comments]
    assert bodies == [("<p>this is the message body</p>", True, "991267645"),
                      ("<p>Okay!</p>", True, "274")]  # custom actions are not messages
    assert set(source.versions) == {"2.14"}


def test_list_example_reads_through_the_detail(source):
    tickets = list(source.read("ticket"))
    assert [t.source_id for t in tickets] == ["503", "ticket-631"]
    intercom_ticket = tickets[1]
    assert intercom_ticket.subject == "attribute_value" and intercom_ticket.status == "new"
    assert intercom_ticket.assignee_id is None  # "0" is unassigned
    assert intercom_ticket.custom_fields == {"Intercom ticket type": "my-ticket-type-30"}


def test_workspace_examples(source, examples):
    agents = list(source.read("agent"))
    assert [(a.source_id, a.email) for a in agents] == [("991267466", "admin7@email.com")]
    companies = list(source.read("company"))
    assert [c.name for c in companies] == ["IntercomQATest1"]
    fields = {f.key: f for f in source.read("field")}
    assert fields["Intercom ticket type"].options == ["Bug Report"]  # /ticket_types' example
    assert all(not f.key.startswith("_") for f in fields.values())
    folders = list(source.read("kb_folder"))
    assert [(f.name, f.category_id) for f in folders] == [("English section title", "159")]
    categories = [c.name for c in source.read("kb_category")]
    assert categories == ["English collection title"]
    listed = json.dumps(examples[("GET", "/articles")])
    assert "parent_id" in listed  # its article hangs in collection 143, not in the list:
    assert list(source.read("kb_article")) == []  # left out with a log line

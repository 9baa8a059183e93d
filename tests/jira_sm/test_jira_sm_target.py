"""The target's tricky parts in process: a request a crash left half written is found by
the reference in its first line and completed, never written twice; customers already on
the site are matched (409), never owned; required request type fields are filled or
reported in one sentence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fd_support import MemoryContext

from deskmigrate.core.connect import connect
from deskmigrate.core.records import Attachment, Comment, Contact, Ticket
from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform
from deskmigrate.plugins.jira_sm.sandbox import JiraSmSandbox


@pytest.fixture
def target(tmp_path):
    app = JiraSmSandbox(tmp_path / "t.sqlite")
    app.seed(tickets=0, seed=1)
    jsm = JiraSmPlatform()
    connection = connect(jsm, "http://127.0.0.1:1", app.credentials(),
                         transport=app.transport(), rate_per_minute=100_000)
    writer = jsm.target(connection)
    writer.check()
    yield writer
    connection.http.close()


def ticket(source_id: str = "7", **extra) -> Ticket:
    when = datetime(2024, 3, 1, 10, 22, tzinfo=UTC)
    files = [Attachment(source_id=f"f{i}", file_name="same.txt", content_type="text/plain",
                        size=len(data), fetch=lambda data=data: data)
             for i, data in enumerate((b"first", b"second!"))]
    return Ticket(source_id=source_id, subject="Broken ✓", status="pending", tags=["a b"],
                  comments=[Comment(source_id="c1", author_id=None, body_html="<p>Hi</p>",
                                    created_at=when),
                            Comment(source_id="c2", author_id=None, body_html="<p>Note</p>",
                                    public=False, created_at=when, attachments=files)],
                  **extra)


def requests(target) -> list[dict]:
    return target.api.get("rest/api/3/search/jql", {
        "jql": "project = HELP", "fields": "*all", "properties": "deskmigrate.origin"})["issues"]


def test_a_half_written_request_is_found_and_completed(target):
    ctx = MemoryContext(default_agent=target.requests.me)
    record = ticket()
    # The crash: the request was raised (its first line carries the reference), nothing else.
    chosen = target.requests.types.choose(record, lambda m: None)
    target.http.request("POST", "rest/servicedeskapi/request", json={
        "serviceDeskId": "1", "requestTypeId": chosen["id"], "isAdfRequest": True,
        "requestFieldValues": {"summary": record.subject, "description": target.requests._body(
            record.comments[0], ctx, ctx.external_id("ticket", "7"), None)}})
    found = target.find("ticket", record, ctx)
    assert (found.target_id, found.owned) == ("HELP-1", True)
    assert target.find("ticket", record, ctx) == found  # completing twice adds nothing
    key = found.target_id
    [issue] = requests(target)
    assert issue["properties"]["deskmigrate.origin"]["sourceId"] == "7"
    assert issue["fields"]["labels"] == ["a_b"]
    assert issue["fields"]["status"]["name"] == "Waiting for customer"
    assert sorted(a["size"] for a in issue["fields"]["attachment"]) == [5, 7]  # same name
    comments = target.api.get(f"rest/api/3/issue/{key}/comment")["comments"]
    assert [c["jsdPublic"] for c in comments] == [False]
    assert target.find("ticket", ticket("8"), ctx) is None  # another record: not ours


def test_an_existing_customer_is_matched_and_never_owned(target):
    ctx = MemoryContext()
    target.http.request("POST", "rest/servicedeskapi/customer",
                        json={"email": "old@example.test", "displayName": "Old"})
    [old, new] = target.write("contact", [
        Contact(source_id="1", name="Old", email="old@example.test"),
        Contact(source_id="2", name="Néw", email="new@example.test")], ctx)
    assert old.matched and old.target_id
    assert not new.matched and new.target_id
    assert target.find("contact", Contact(source_id="1", name="Old",
                                          email="old@example.test"), ctx) is None
    found = target.find("contact", Contact(source_id="2", name="Néw",
                                           email="new@example.test"), ctx)
    assert (found.target_id, found.owned) == (new.target_id, True)


def test_a_required_field_without_a_value_is_one_sentence(target):
    ctx = MemoryContext(default_agent=target.requests.me)
    target.requests.types.mapping["request_type"] = "Report a bug"
    [result] = target.write("ticket", [ticket()], ctx)
    assert result.error == ("the request type 'Report a bug' requires 'Product' and the "
                            "ticket has no value for it: set [mapping] \"field.Product\" or "
                            "map a source field")
    target.requests.types.mapping["field.product"] = "Pro"
    [result] = target.write("ticket", [ticket()], ctx)
    assert result.target_id == "HELP-1"
    [issue] = requests(target)
    assert issue["fields"]["customfield_10050"] == {"id": "10101", "value": "Pro"}


def test_file_names_every_system_accepts(target):
    ctx = MemoryContext(default_agent=target.requests.me)
    long_name = "r" * 300 + ".pdf"
    files = [Attachment(source_id=f"f{i}", file_name=name, content_type="text/plain",
                        size=2, fetch=lambda: b"ok")
             for i, name in enumerate(("CON", long_name, "a/b\\c?.txt"))]
    record = ticket("9")
    record.comments[1].attachments = files
    [result] = target.write("ticket", [record], ctx)
    assert result.error is None, result.error
    [issue] = requests(target)
    names = sorted(a["filename"] for a in issue["fields"]["attachment"])
    # A device name gets a suffix, a 300-character name is cut keeping its extension and a
    # path keeps only its last part, without the reserved character.
    assert names[0] == "CON_"
    assert names[1] == "c_.txt"
    assert names[2].endswith(".pdf") and len(names[2]) == 200

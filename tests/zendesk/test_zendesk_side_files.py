"""Files of side-conversation messages. Zendesk documents them in its Side Conversation
Attachment reference (``POST /tickets/side_conversations/attachments``, then the message's
``attachment_ids``) and shows them, with a ``content_url``, in the message of its Create and
Import Side Conversation responses; the attachment object itself has no ``content_url``.
The source carries files that have one and names on the ticket those it cannot carry; the
target uploads each file and names it in its message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from zendesk_oas import Replay, example
from zendesk_support import PLATFORM, UNLIMITED, URL, MapContext, api_client, connection, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.errors import ApiError
from deskmigrate.core.records import Attachment, Comment, SideConversation, Ticket

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x96\x00\x00\x00\xd6quote"
CSV = b"item,amount\nrepair,120.00\n"
SC_ID = "8566255a-ece5-11e8-857d-493066fa7b17"


def side_upload(client: httpx.Client, name: str, data: bytes, ctype: str) -> dict[str, Any]:
    """``POST /tickets/side_conversations/attachments`` as the reference's curl sample."""
    answer = client.post("/api/v2/tickets/side_conversations/attachments.json",
                         files={"file": (name, data, ctype)})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_files_go_both_ways_through_the_documented_endpoints(tmp_path: Path) -> None:
    source_app = sandbox(tmp_path / "source.sqlite", tickets=0, seed=2)
    target_app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=3)
    client = api_client(source_app)
    ticket = client.post("/api/v2/tickets.json", json={"ticket": {
        "subject": "Broken printer", "description": "It smokes"}}).json()["ticket"]
    photo = side_upload(client, "smoke.png", PNG, "image/png")
    assert photo["id"].startswith("s3-") and (photo["name"], photo["size"], photo["width"],
                                               photo["height"]) == ("smoke.png", len(PNG),
                                                                    406, 214)
    base = f"/api/v2/tickets/{ticket['id']}/side_conversations"
    created = client.post(f"{base}.json", json={"message": {
        "subject": "Repair quote", "body": "Photo attached", "to": [
            {"email": "repairs@vendor.example"}], "attachment_ids": [photo["id"]]}}).json()
    [listed] = created["event"]["message"]["attachments"]
    assert listed["content_url"].startswith("http://127.0.0.1/api/v2/tickets/")
    assert client.get(listed["content_url"]).content == PNG
    quote = side_upload(client, "quote.csv", CSV, "text/csv")
    client.post(f"{base}/{created['side_conversation']['id']}/reply.json", json={"message": {
        "body": "Quote attached", "to": [{"email": "repairs@vendor.example"}],
        "attachment_ids": [quote["id"]]}}).raise_for_status()
    unknown = client.post(f"{base}.json", json={"message": {
        "subject": "x", "body": "y", "to": [{"email": "a@b.example"}],
        "attachment_ids": ["s3-not-uploaded"]}})
    assert unknown.status_code == 422

    source = PLATFORM.source(connection(source_app))
    [read] = source.get("ticket", [str(ticket["id"])])
    assert isinstance(read, Ticket) and read.warnings == []
    [conversation] = read.side_conversations
    assert [[(a.file_name, a.read()) for a in m.attachments] for m in conversation.messages] \
        == [[("smoke.png", PNG)], [("quote.csv", CSV)]]

    target = PLATFORM.target(connection(target_app))
    ctx = MapContext(default_agent=target.check().id or "")
    [result] = target.write("ticket", [read], ctx)
    assert result.error is None and result.warnings == []
    [copy] = PLATFORM.source(connection(target_app)).get("ticket", [result.target_id or ""])
    assert isinstance(copy, Ticket)
    [written] = copy.side_conversations
    assert [[(a.file_name, a.content_type, a.read()) for a in m.attachments]
            for m in written.messages] == [[("smoke.png", "image/png", PNG)],
                                           [("quote.csv", "text/csv", CSV)]]
    source_app.store.close()
    target_app.store.close()


def test_a_file_the_target_cannot_read_is_named_and_the_rest_is_written(
        tmp_path: Path) -> None:
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    target = PLATFORM.target(connection(app))
    ctx = MapContext(default_agent=target.check().id or "")

    def refused() -> bytes:
        raise ApiError("the attachment host answered 403")

    files = [Attachment(source_id="f1", file_name="quote.pdf", content_type="application/pdf",
                        size=3, fetch=lambda: b"pdf"),
             Attachment(source_id="f2", file_name="scan.tif", content_type="image/tiff",
                        size=3, fetch=refused)]
    ticket = Ticket(source_id="8", subject="Side", status="open", comments=[
        Comment(source_id="8-1", author_id=None, body_html="<p>hello</p>")],
        side_conversations=[SideConversation(
            source_id="s8", subject="Ask billing", participants=["billing@x.example"],
            messages=[Comment(source_id="s8-1", author_id=None, body_html="<p>quote</p>",
                              attachments=files)])])
    [result] = target.write("ticket", [ticket], ctx)
    assert [c.kind for c in result.children].count("side_conversation") == 1
    assert result.warnings == [
        "side conversation 'Ask billing': attachment 'scan.tif' could not be read (the "
        "attachment host answered 403); not copied"]
    [copy] = PLATFORM.source(connection(app)).get("ticket", [result.target_id or ""])
    assert isinstance(copy, Ticket)
    assert [(a.file_name, a.read()) for a in copy.side_conversations[0].messages[0]
            .attachments] == [("quote.pdf", b"pdf")]
    app.store.close()


def test_replayed_side_files_with_and_without_content_url() -> None:
    # The Create Side Conversation response's event (its message lists the file with a
    # content_url, here on the account's host) and a reply whose file is shaped like the
    # Side Conversation Attachment object, which has no content_url.
    data = example("TicketResponseExample")["ticket"]
    download = (f"{URL}/api/v2/tickets/{data['id']}/side_conversations/{SC_ID}/attachments/"
                "s3-d2a3111e-26d9-4e1c-88b4-cf7c0649d81d/download/image.png")
    sender = {"email": "sally@example.com", "name": "Agent Sally", "user_id": 2}
    to = [{"email": "someone@example.com", "name": None, "user_id": None}]
    events = [
        {"actor": sender, "created_at": "2017-10-27T17:56:16.678Z",
         "id": "9e19e100-abd5-11e8-b66e-af698c6d193c", "side_conversation_id": SC_ID,
         "type": "create", "via": "api", "message": {
             "attachments": [{"content_type": "image/png", "content_url": download,
                              "file_name": "image.png", "height": 214,
                              "id": "s3-d2a3111e-26d9-4e1c-88b4-cf7c0649d81d",
                              "inline": False, "size": 50645, "width": 406}],
             "body": "The smoke is very colorful.", "from": sender,
             "html_body": "<div class=\"zd-comment\"><p>The smoke is very colorful.</p></div>",
             "preview_text": "My printer is on fire!", "subject": "My printer is on fire!",
             "to": to}},
        {"actor": sender, "created_at": "2017-10-28T09:00:00.000Z",
         "id": "9e19e100-abd5-11e8-b66e-af698c6d193d", "side_conversation_id": SC_ID,
         "type": "reply", "via": "api", "message": {
             "attachments": [{"content_type": "application/pdf", "height": None,
                              "id": "s3-5b4d0e3c-1f0a-4a53-9d0e-0b5c7e9f2a11",
                              "name": "invoice.pdf", "size": 20311, "width": None}],
             "body": "Invoice attached", "from": sender, "html_body": "<p>Invoice attached</p>",
             "subject": "My printer is on fire!", "to": to}}]
    conversation = {"id": SC_ID, "subject": "Help, my printer is on fire!", "state": "open",
                    "participants": [sender, to[0]], "external_ids": {},
                    "ticket_id": data["id"]}
    replay = Replay({
        ("GET", "/api/v2/tickets/show_many"): {"tickets": [data]},
        ("GET", "/api/v2/ticket_fields"): {"ticket_fields": [], "meta": {"has_more": False}},
        ("GET", f"/api/v2/tickets/{data['id']}/comments"):
            example("TicketCommentsResponseExample"),
        ("GET", f"/api/v2/tickets/{data['id']}/side_conversations"):
            {"side_conversations": [conversation, {"subject": "no id"}], "events": events,
             "next_page": None, "count": 2}})
    transport = replay.transport()

    def files(request: httpx.Request) -> httpx.Response:
        if "/download/" in request.url.path:
            return httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})
        return transport.handle_request(request)

    source = PLATFORM.source(connect(PLATFORM, URL, {"email": "admin@example.com",
                                                     "token": "t0ken"},
                                     transport=httpx.MockTransport(files),
                                     rate_per_minute=UNLIMITED))
    [ticket] = source.get("ticket", [str(data["id"])])
    assert isinstance(ticket, Ticket)
    first, second = ticket.side_conversations[0].messages
    assert [(a.file_name, a.size, a.read()) for a in first.attachments] == [
        ("image.png", 50645, PNG)]
    assert second.attachments == []
    assert ticket.warnings == [
        "side conversation 'Help, my printer is on fire!': attachment 'invoice.pdf' has no "
        "content_url; left out", "a side conversation without an id was left out"]

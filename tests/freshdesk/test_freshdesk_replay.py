"""Real-shaped Freshdesk responses replayed into the source: accounts in every data centre,
refused files as warnings, solved times and conversation channels."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from payloads import attachment, conversation, s3_url, ticket_view

from deskmigrate.core.connect import connect
from deskmigrate.core.records import Ticket
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.hosts import file_url_refusal

ACCOUNT = "https://acme.freshdesk.com"
PNG = b"\x89PNG\r\n\x1a\n-recorded-"
# (data centre, S3 host, bucket, region, inline host) as real URLs of each show them.
CENTRES = [
    ("US", "s3.amazonaws.com", "cdn.freshdesk.com", "us-east-1", "attachment.freshdesk.com"),
    ("EU", "s3.eu-central-1.amazonaws.com", "euc-cdn.freshdesk.com", "eu-central-1",
     "eucattachment.freshdesk.com"),
    ("EU legacy", "s3-eu-central-1.amazonaws.com", "euc-cdn.freshdesk.com", "eu-central-1",
     "eucattachment.freshdesk.com"),
    ("India", "s3.ap-south-1.amazonaws.com", "ind-cdn.freshdesk.com", "ap-south-1",
     "indattachment.freshdesk.com"),
    ("India legacy", "s3-ap-south-1.amazonaws.com", "ind-cdn.freshdesk.com", "ap-south-1",
     "indattachment.freshdesk.com"),
    ("Australia", "s3-ap-southeast-2.amazonaws.com", "aus-cdn.freshdesk.com",
     "ap-southeast-2", "ausattachment.freshdesk.com"),
]


def replay(view: dict, conversations: list[dict]) -> tuple[Ticket, list[str]]:
    """The ticket the source builds from these responses, and every URL it fetched."""
    fetched: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        fetched.append(url)
        path = request.url.path
        if request.url.host == "acme.freshdesk.com":
            body = {"/api/v2/tickets/13": view, "/api/v2/ticket_fields": [],
                    "/api/v2/tickets/13/conversations": conversations}[path]
            return httpx.Response(200, json=body)
        return httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})

    platform = FreshdeskPlatform()
    connection = connect(platform, ACCOUNT, {"api_key": "k"},
                         transport=httpx.MockTransport(answer), rate_per_minute=1_000_000)
    tickets = list(platform.source(connection).get("ticket", ["13"]))
    assert len(tickets) == 1
    return tickets[0], fetched


@pytest.mark.parametrize(("centre", "host", "bucket", "region", "inline_host"), CENTRES,
                         ids=[c[0] for c in CENTRES])
def test_files_of_every_data_centre_are_read(centre: str, host: str, bucket: str,
                                             region: str, inline_host: str) -> None:
    url = s3_url(host, bucket, 80012226885, "standalone_attachment.png", region)
    note_url = s3_url(host, bucket, 80012226886, "log.txt", region)
    view = ticket_view(inline_host=inline_host,
                       files=[attachment(80012226885, "standalone_attachment.png",
                                         "image/png", 11447, url)])
    notes = [conversation(80027218656, source=2, private=True, incoming=False,
                          user_id=80000000476,
                          files=[attachment(80012226886, "log.txt", "text/plain", 3,
                                            note_url)])]
    ticket, fetched = replay(view, notes)
    assert ticket.warnings == []
    description = ticket.comments[0]
    files = [a for a in description.attachments if not a.inline]
    assert [(a.file_name, a.read()) for a in files] == [("standalone_attachment.png", PNG)]
    inline = [a for a in description.attachments if a.inline]
    assert [a.source_id for a in inline] == ["inline-80000000001"]
    assert inline[0].url.startswith(f"https://{inline_host}/inline/attachment?token=")
    assert inline[0].read() == PNG
    assert [a.file_name for a in ticket.comments[1].attachments] == ["log.txt"]
    assert url in fetched and note_url in fetched


def test_a_refused_file_is_a_warning_on_its_ticket_not_an_aborted_read() -> None:
    good = s3_url("s3.eu-central-1.amazonaws.com", "euc-cdn.freshdesk.com", 1, "ok.png",
                  "eu-central-1")
    other_bucket = s3_url("s3.eu-central-1.amazonaws.com", "someone-else", 2, "x.png",
                          "eu-central-1")
    elsewhere = "https://files.example.net/data/helpdesk/attachments/production/3/original/y"
    view = ticket_view(inline_host="attachment.freshdesk.example.net", files=[
        attachment(1, "ok.png", "image/png", 10, good),
        attachment(2, "x.png", "image/png", 10, other_bucket),
        attachment(3, "y", "text/plain", 1, elsewhere)])
    ticket, fetched = replay(view, [])
    assert [a.file_name for a in ticket.comments[0].attachments] == ["ok.png"]
    assert ticket.warnings == [
        "attachment 'x.png' left out: S3 bucket 'someone-else' on "
        "s3.eu-central-1.amazonaws.com is not a Freshdesk bucket",
        "attachment 'y' left out: files.example.net is not a Freshdesk file host",
        "inline image left out: attachment.freshdesk.example.net is not a Freshdesk file "
        "host"]
    assert other_bucket not in fetched and elsewhere not in fetched


def test_solved_at_comes_from_the_stats_resolved_time() -> None:
    resolved, _ = replay(ticket_view(inline_host="attachment.freshdesk.com", files=[]), [])
    assert resolved.status == "solved"
    assert resolved.solved_at == datetime(2021, 5, 18, 9, 0, tzinfo=UTC)
    closed_only = ticket_view(inline_host="attachment.freshdesk.com", files=[], status=5,
                              stats={"resolved_at": None, "closed_at": "2021-05-19T10:00:00Z"})
    assert replay(closed_only, [])[0].solved_at == datetime(2021, 5, 19, 10, 0, tzinfo=UTC)
    still_open = ticket_view(inline_host="attachment.freshdesk.com", files=[], status=2,
                             stats={"resolved_at": None, "closed_at": None})
    assert replay(still_open, [])[0].solved_at is None


def test_conversation_sources_become_their_channels() -> None:
    # Freshdesk's conversation source codes: 0 reply, 2 note, 5 tweet, 6 survey feedback,
    # 7 Facebook post, 8 forwarded email, 9 phone, 10 Mobihelp, 11 e-commerce; 42 is a
    # future code.
    codes = [0, 2, 5, 6, 7, 8, 9, 10, 11, 42]
    rows = [conversation(100 + code, source=code, private=False, incoming=True,
                         user_id=80000000475, files=[]) for code in codes]
    ticket, _ = replay(ticket_view(inline_host="attachment.freshdesk.com", files=[]), rows)
    assert ticket.channel == "phone"  # ticket source 3 (a different table)
    assert [c.channel for c in ticket.comments[1:]] == [
        "email", "web", "twitter", "survey", "facebook", "email", "phone", "mobile",
        "ecommerce", "other"]


def test_the_host_rule_knows_each_data_centre_and_nothing_else() -> None:
    for _, host, bucket, region, inline_host in CENTRES:
        assert file_url_refusal(s3_url(host, bucket, 1, "a", region), "acme.freshdesk.com") \
            is None
        assert file_url_refusal(f"https://{inline_host}/inline/attachment?token=t",
                                "acme.freshdesk.com") is None
    assert file_url_refusal("http://127.0.0.1:8002/inline/attachment?token=t",
                            "127.0.0.1") is None  # the account's own host (a sandbox)
    refused = ["http://s3.amazonaws.com/cdn.freshdesk.com/a",  # not https
               "https://s3.amazonaws.com/cdn.freshdesk.com.evil/a",
               "https://s3.us-west-2.amazonaws.com/cdn.freshdesk.com/a",
               "https://evilattachment.freshdesk.com.example.net/inline/attachment",
               "https://other.freshdesk.com/inline/attachment?token=t"]
    assert all(file_url_refusal(url, "acme.freshdesk.com") for url in refused)


"""The Freshdesk sandbox behaves like Freshdesk's API: auth, pagination, windows, limits,
errors, signed attachment URLs, writes and the outbox."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from fd_support import client

from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.plugins.freshdesk.sandbox.account import now
from deskmigrate.sandbox import app as sandbox_kit


def test_wrong_api_key_gets_freshdesks_401_body(seeded: FreshdeskSandbox) -> None:
    response = client(seeded, api_key="not-the-key").get("/tickets")
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials",
                               "message": "You have to be logged in to perform this action."}
    assert client(seeded).get("/agents/me").json()["contact"]["email"].startswith("owner@")


def test_link_header_names_the_next_page_only_while_there_is_one(
        seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    params = {"updated_since": "2000-01-01T00:00:00Z", "per_page": 15}
    first = api.get("/tickets", params=params)
    assert len(first.json()) == 15
    next_url = first.headers["link"].split(";")[0].strip("<>")
    assert next_url.startswith("http://127.0.0.1/api/v2/tickets?") and "page=2" in next_url
    second = api.get(next_url)
    total = seeded.store.count("tickets", "json_extract(doc, '$.spam') = 0 AND "
                               "json_extract(doc, '$.deleted') = 0")
    third = api.get(second.headers["link"].split(";")[0].strip("<>"))
    assert len(third.json()) == total - 30
    assert "link" not in third.headers
    assert api.get("/tickets", params={**params, "per_page": 101}).status_code == 400


def test_ticket_list_without_updated_since_shows_only_the_last_30_days(
        seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    assert api.get("/tickets").json() == []  # seeded history ends before the window
    created = api.post("/tickets", json={"subject": "Fresh", "description": "<p>new</p>",
                                         "email": "fresh@example.com"}).json()
    assert [t["id"] for t in api.get("/tickets").json()] == [created["id"]]


def test_page_301_is_refused_with_freshdesks_error(seeded: FreshdeskSandbox) -> None:
    response = client(seeded).get("/tickets", params={"page": 301})
    assert response.status_code == 400
    assert response.json() == {"description": "Validation failed", "errors": [{
        "field": "page", "message": "You cannot access tickets beyond the 300th page. "
        "Please provide a smaller page number.", "code": "invalid_value"}]}


def test_rate_limit_headers_then_429_with_retry_after(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # one fixed instant 20 s into a minute: the 51 requests never straddle two windows
    monkeypatch.setattr(sandbox_kit, "time", SimpleNamespace(time=lambda: 60_000_020.0))
    app = FreshdeskSandbox(tmp_path / "fd.sqlite", plan="trial")
    api = client(app)
    first = api.get("/groups")
    assert first.headers["x-ratelimit-total"] == "50"
    assert first.headers["x-ratelimit-remaining"] == "49"
    assert first.headers["x-ratelimit-used-currentrequest"] == "1"
    for _ in range(49):
        api.get("/groups")
    refused = api.get("/groups")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "40"
    assert refused.headers["x-ratelimit-remaining"] == "0"


def _an_attachment(app: FreshdeskSandbox) -> tuple[dict, bytes]:
    doc = app.store.query("attachments", "json_extract(doc, '$.inline') = 0", limit=1)[0]
    return doc, app.store.blob(f"attachment:{doc['id']}") or b""


def test_attachment_urls_are_signed_and_expire(tmp_path: Path) -> None:
    fresh = FreshdeskSandbox(tmp_path / "fd.sqlite")
    fresh.seed(tickets=20, seed=2)
    doc, data = _an_attachment(fresh)
    url = fresh.files.signed_url(doc, "http://127.0.0.1")
    anonymous = httpx.Client(transport=fresh.transport())
    assert anonymous.get(url).content == data
    assert anonymous.get(url.replace("Signature=", "Signature=0")).status_code == 403
    expired = FreshdeskSandbox(tmp_path / "fd.sqlite", attachment_ttl=0)
    response = anonymous.get(expired.files.signed_url(doc, "http://127.0.0.1"))
    assert response.status_code == 403 and "Request has expired" in response.text


def test_inline_images_live_in_the_html_and_are_served(seeded: FreshdeskSandbox) -> None:
    ticket = next(t for t in seeded.store.query("tickets")
                  if "inline/attachment" in t["description"])
    view = client(seeded).get(f"/tickets/{ticket['id']}").json()
    src = view["description"].split('src="')[1].split('"')[0]
    assert src.startswith("http://127.0.0.1/inline/attachment?token=")
    image = httpx.Client(transport=seeded.transport()).get(src)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_validation_failed_lists_every_bad_field(seeded: FreshdeskSandbox) -> None:
    response = client(seeded).post("/tickets", json={
        "subject": "x", "description": "<p>x</p>", "email": "a@example.com", "status": 9,
        "created_at": now(), "custom_fields": {"cf_product": "Nope", "cf_nothing": 1}})
    assert response.status_code == 400
    body = response.json()
    assert body["description"] == "Validation failed"
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("created_at", "invalid_field"), ("status", "invalid_value"),
        ("cf_product", "invalid_value"), ("cf_nothing", "invalid_field")}


def test_reply_and_outbound_email_record_emails_but_notes_do_not(
        seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    ticket = api.post("/tickets", json={"subject": "Hi", "description": "<p>x</p>",
                                        "email": "someone@example.com"}).json()
    note = api.post(f"/tickets/{ticket['id']}/notes", json={"body": "<p>note</p>",
                                                            "private": False})
    assert note.status_code == 201 and seeded.emails_sent() == 0
    reply = api.post(f"/tickets/{ticket['id']}/reply", json={"body": "<p>reply</p>"})
    assert reply.status_code == 201
    api.post("/tickets/outbound_email", json={
        "subject": "Out", "description": "<p>o</p>", "email": "other@example.com",
        "email_config_id": api.get("/email_configs").json()[0]["id"], "priority": 1})
    emails = api.get("http://127.0.0.1/_sandbox/emails").json()
    assert [(e["kind"], e["to"]) for e in emails] == [("reply", "someone@example.com"),
                                                      ("outbound_email", "other@example.com")]


def test_multipart_create_keeps_files_and_refuses_over_20_mb(seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    created = api.post("/tickets", data={"subject": "Files", "description": "<p>f</p>",
                                         "email": "f@example.com", "priority": "2",
                                         "tags[]": ["a", "b"], "custom_fields[cf_units]": "3"},
                       files=[("attachments[]", ("a.txt", b"hello", "text/plain"))])
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["priority"], body["tags"], body["custom_fields"]["cf_units"]) == (2, ["a", "b"], 3)
    url = body["attachments"][0]["attachment_url"]
    assert httpx.Client(transport=seeded.transport()).get(url).content == b"hello"
    big = b"x" * (20 * 1024 * 1024 + 1)
    refused = api.post("/tickets", data={"subject": "Big", "description": "<p>b</p>",
                                         "email": "f@example.com"},
                       files=[("attachments[]", ("big.bin", big, "application/octet-stream"))])
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "attachments"


def test_unique_emails_and_agent_seats(seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    taken = api.get("/contacts").json()[0]
    duplicate = api.post("/contacts", json={"name": "Twin", "email": taken["email"]})
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["additional_info"] == {"user_id": taken["id"]}
    statuses = [api.post("/agents", json={"email": f"new{i}@example.com", "ticket_scope": 1})
                .status_code for i in range(3)]
    assert statuses == [201, 201, 400]


def test_contacts_lists_hide_deleted_and_blocked_unless_asked(seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    listed = {c["id"] for c in api.get("/contacts", params={"per_page": 100}).json()}
    deleted = api.get("/contacts", params={"state": "deleted"}).json()
    blocked = api.get("/contacts", params={"state": "blocked"}).json()
    assert deleted and blocked and all(c["deleted"] for c in deleted)
    assert not listed & {c["id"] for c in deleted + blocked}
    assert len(listed) + len(deleted) + len(blocked) == seeded.store.count("contacts")


def test_solutions_translations_by_language_suffix(seeded: FreshdeskSandbox) -> None:
    api = client(seeded)
    category = api.get("/solutions/categories").json()[0]
    french = api.get(f"/solutions/categories/{category['id']}/fr").json()
    assert french["id"] == category["id"] and french["name"] != category["name"]
    assert api.get(f"/solutions/categories/{category['id']}/xx").status_code == 400


def test_seeding_is_deterministic_and_zero_tickets_is_empty(tmp_path: Path) -> None:
    one, two = (FreshdeskSandbox(tmp_path / f"{n}.sqlite") for n in ("one", "two"))
    one.seed(tickets=15, seed=9)
    two.seed(tickets=15, seed=9)
    for collection in ("tickets", "conversations", "contacts", "solution_articles"):
        # inline image tokens are signed with each sandbox's own secret
        docs = [re.sub(r"token=[\w.-]+", "token=", json.dumps(app.store.query(collection)))
                for app in (one, two)]
        assert docs[0] == docs[1]
    empty = FreshdeskSandbox(tmp_path / "empty.sqlite")
    empty.seed(tickets=0, seed=9)
    assert empty.store.count("tickets") == empty.store.count("contacts") == 0

"""Issue 10, defect 6, on real-shaped payloads both sides: a Zendesk agent (as Zendesk's
``users/show_many`` answers, ids of Zendesk's size) who has no Freshdesk seat. The Zendesk
source reads the agent; the Freshdesk target (answered with Freshdesk's documented agent,
ticket and note responses, transcribed by hand) maps it to the default agent, says so, and
opens the agent's note with the agent's own name and email — never "source user 3610…"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from fd_support import MemoryContext
from payloads import ticket_view

from deskmigrate.core.connect import connect
from deskmigrate.core.records import Agent, Comment, Ticket
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.zendesk.platform import ZendeskPlatform

ZD_AGENT = {"id": 361000000004, "url": "https://acme.zendesk.com/api/v2/users/361000000004.json",
            "name": "Ada Lovelace", "email": "ada@example.org", "created_at":
            "2019-02-11T09:12:44Z", "updated_at": "2024-03-02T08:00:00Z", "time_zone": "London",
            "iana_time_zone": "Europe/London", "phone": None, "shared_phone_number": None,
            "photo": None, "locale_id": 1, "locale": "en-US", "organization_id": None,
            "role": "agent", "verified": True, "external_id": None, "tags": [],
            "alias": "", "active": True, "shared": False, "shared_agent": False,
            "last_login_at": "2024-03-01T17:40:02Z", "two_factor_auth_enabled": None,
            "signature": "", "details": "", "notes": "", "role_type": None,
            "custom_role_id": 360001234567, "moderator": True, "ticket_restriction": None,
            "only_private_comments": False, "restricted_agent": False, "suspended": False,
            "default_group_id": 360000998877, "report_csv": True, "user_fields": {}}
OWNER_ID = 80000000476
FD_OWNER = {"available": True, "occasional": False, "id": OWNER_ID, "ticket_scope": 1,
            "signature": None, "group_ids": [], "role_ids": [80000061234], "skill_ids": [],
            "available_since": None, "type": "support_agent",
            "created_at": "2021-05-10T08:00:00Z", "updated_at": "2021-05-10T08:00:00Z",
            "last_active_at": "2021-05-18T09:00:00Z", "contact": {
                "active": True, "email": "olive@acme.example", "job_title": None,
                "language": "en", "last_login_at": "2021-05-18T08:55:00Z", "mobile": None,
                "name": "Olive Owner", "phone": None, "time_zone": "Eastern Time (US & Canada)",
                "created_at": "2021-05-10T08:00:00Z", "updated_at": "2021-05-18T08:55:00Z"}}

CUSTOMER = {"active": True, "address": None, "company_id": None, "description": None,
            "email": "zoe@example.com", "id": 80000000475, "job_title": None, "language": "en",
            "mobile": None, "name": "Zoë Customer", "phone": None,
            "time_zone": "Eastern Time (US & Canada)", "twitter_id": None, "custom_fields": {},
            "facebook_id": None, "created_at": "2021-05-14T12:29:27Z",
            "updated_at": "2021-05-14T12:29:27Z", "csat_rating": None,
            "preferred_source": "email", "unique_external_id": None, "other_emails": [],
            "other_companies": [], "tags": [], "view_all_tickets": None, "deleted": False}


def zendesk_agent() -> Agent:
    """The agent as the Zendesk source reads it from a recorded-shape answer."""
    def answer(request: httpx.Request) -> httpx.Response:
        bodies = {"/api/v2/users/show_many.json": {"users": [ZD_AGENT]},
                  "/api/v2/user_fields.json": {"user_fields": [], "meta": {"has_more": False}},
                  "/api/v2/group_memberships.json": {
                      "group_memberships": [{"id": 4, "user_id": ZD_AGENT["id"],
                                             "group_id": 360000998877, "default": True}],
                      "meta": {"has_more": False}}}
        return httpx.Response(200, json=bodies[request.url.path])

    platform = ZendeskPlatform()
    source = platform.source(connect(platform, "https://acme.zendesk.com",
                                     {"email": "admin@acme.example", "token": "t"},
                                     transport=httpx.MockTransport(answer),
                                     rate_per_minute=1_000_000))
    [agent] = source.get("agent", [str(ZD_AGENT["id"])])
    assert isinstance(agent, Agent)
    return agent


class Freshdesk:
    """Freshdesk answering with its documented shapes; keeps the note bodies it was sent."""

    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = []

    def answer(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path.removeprefix("/api/v2/"), request.method
        if (method, path) == ("GET", "agents"):
            return httpx.Response(200, json=[])  # nobody has this email: no seat
        if (method, path) == ("GET", f"contacts/{OWNER_ID}"):
            return httpx.Response(404, json={"code": "access_denied", "message": "…"})
        if (method, path) == ("GET", f"contacts/{CUSTOMER['id']}"):
            return httpx.Response(200, json=CUSTOMER)
        if (method, path) == ("GET", f"agents/{OWNER_ID}"):
            return httpx.Response(200, json=FD_OWNER)
        if (method, path) == ("GET", "ticket_fields"):
            return httpx.Response(200, json=[])
        if (method, path) == ("POST", "tickets"):
            return httpx.Response(201, json=ticket_view(inline_host="attachment.freshdesk.com",
                                                        files=[], status=2))
        if (method, path) == ("POST", "tickets/13/notes"):
            sent = json.loads(request.content)
            self.notes.append(sent)
            return httpx.Response(201, json={
                "body_text": "…", "body": sent["body"], "id": 80027218700,
                "incoming": False, "private": True, "user_id": sent.get("user_id"),
                "support_email": None, "ticket_id": 13, "notified_to": [],
                "attachments": [], "created_at": "2024-03-02T08:06:00Z",
                "updated_at": "2024-03-02T08:06:00Z"})
        raise AssertionError(f"unexpected {method} {path}")


def test_an_agent_without_a_seat_keeps_its_name_on_its_notes() -> None:
    agent = zendesk_agent()
    assert (agent.name, agent.email, agent.group_ids) == ("Ada Lovelace", "ada@example.org",
                                                          ["360000998877"])
    freshdesk = Freshdesk()
    platform = FreshdeskPlatform()
    target = platform.target(connect(platform, "https://acme.freshdesk.com", {"api_key": "k"},
                                     transport=httpx.MockTransport(freshdesk.answer),
                                     rate_per_minute=1_000_000))
    ctx = MemoryContext(default_agent=str(OWNER_ID))
    ctx.people[agent.source_id] = agent  # what the engine asks the source
    ctx.ids["contact"]["361000000777"] = str(CUSTOMER["id"])
    [result] = target.write("agent", [agent], ctx)
    assert result.skipped == (
        "no Freshdesk seat for Ada Lovelace <ada@example.org>: not created; mapped to the "
        f"default agent Olive Owner <olive@acme.example> (id {OWNER_ID}), their messages "
        "still open with their own name")
    when = datetime(2024, 3, 2, 8, 5, tzinfo=UTC)
    ticket = Ticket(source_id="35436", subject="Export fails", requester_id="361000000777",
                    assignee_id=agent.source_id, comments=[
                        Comment(source_id="1", author_id="361000000777", created_at=when,
                                body_html="<p>The export fails</p>"),
                        Comment(source_id="2", author_id=agent.source_id, public=False,
                                created_at=when, body_html="<p>Refund sent</p>")])
    [written] = target.write("ticket", [ticket], ctx)
    assert written.error is None and written.target_id == "13"
    [note] = freshdesk.notes
    assert note["user_id"] == OWNER_ID
    assert "Originally posted by Ada Lovelace &lt;ada@example.org&gt; on 2024-03-02 08:05 " \
        "UTC" in note["body"]
    assert "source user" not in note["body"]

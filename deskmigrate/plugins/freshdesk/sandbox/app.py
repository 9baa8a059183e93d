"""FreshdeskSandbox: a local emulator of Freshdesk's REST API v2 (``/api/v2/...``).

It answers with Freshdesk's JSON shapes, ``page``/``per_page`` pagination and ``Link``
headers, the 30-day default window and 300-page cap of ticket lists, per-plan per-minute
limits with ``X-RateLimit-*`` headers, signed attachment URLs that expire, inline image
URLs, and an outbox (``GET /_sandbox/emails``) that records every email a reply or
outbound email would have sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .agents import AgentRoutes
from .fields import FieldRoutes
from .search import SearchRoutes
from .seed import seed_helpdesk
from .solutions import SolutionRoutes
from .tickets import TicketRoutes
from .time_entries import TimeEntryRoutes


class FreshdeskSandbox(TicketRoutes, SearchRoutes, AgentRoutes, FieldRoutes, SolutionRoutes,
                       TimeEntryRoutes):
    """The whole Freshdesk API surface a migration uses; state in one SQLite file."""

    def rules(self) -> Iterable[Rule]:
        return [
            *self.ticket_rules(), *self.people_rules(), *self.field_rules(),
            *self.solution_rules(), *self.search_rules(), *self.time_entry_rules(),
            Rule("/data/helpdesk/attachments/production/<path:rest>", methods=["GET"],
                 endpoint="serve_attachment"),
            Rule("/inline/attachment", methods=["GET"], endpoint="serve_inline"),
            Rule("/_sandbox/emails", methods=["GET"], endpoint="list_emails"),
        ]

    def seed(self, *, tickets: int, seed: int, attachments: bool = True,
             conversations: bool = True) -> None:
        """Fill the help desk deterministically; ``tickets=0`` leaves it empty."""
        seed_helpdesk(self, tickets=tickets, seed=seed, attachments=attachments,
                      conversations=conversations)

    def activity(self, client: httpx.Client, *, new: int, updated: int, seed: int
                 ) -> dict[str, int]:
        """New tickets and new messages through the public API (see ``activity.py``)."""
        from .activity import simulate

        return simulate(client, new=new, updated=updated, seed=seed)

    def serve_attachment(self, request: Request, user: None, rest: str) -> Response:
        return self.files.serve_signed(request)

    def serve_inline(self, request: Request, user: None, **_: Any) -> Response:
        return self.files.serve_inline(request)

    def list_emails(self, request: Request, user: dict, **_: Any) -> list[dict]:
        """Sandbox only: every email replies and outbound emails would have sent."""
        return self.store.query("emails")

    def emails_sent(self) -> int:
        return self.store.count("emails")

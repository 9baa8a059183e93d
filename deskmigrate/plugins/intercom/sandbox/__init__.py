"""IntercomSandbox: a local emulator of Intercom's REST API 2.14 (``api.intercom.io``).

Bearer-token auth, the ``Intercom-Version`` header, ``error.list`` bodies, rate limits in
10-second windows (``X-RateLimit-Limit/Remaining/Reset``, reset as an epoch, 429
``rate_limit_exceeded``), cursor pages with ``pages.next.starting_after``, search queries,
conversation detail capped at the newest 500 parts, the one-at-a-time companies scroll,
tickets, and the help center with translations. It never imports the connector.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import httpx
from werkzeug.routing import Rule

from .conversations import ConversationRoutes
from .kb import KbRoutes
from .seed import ensure_owner, long_conversation, seed_workspace
from .tickets import TicketRoutes

__all__ = ["IntercomSandbox"]


class IntercomSandbox(ConversationRoutes, TicketRoutes, KbRoutes):
    """The Intercom API surface a migration uses; state in one SQLite file."""

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 fault_rate: float = 0.0, fault_seed: int = 0) -> None:
        super().__init__(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                         fault_seed=fault_seed)
        ensure_owner(self)

    def rules(self) -> Iterable[Rule]:
        return [*self.workspace_rules(), *self.people_rules(), *self.conversation_rules(),
                *self.ticket_rules(), *self.kb_rules(),
                Rule("/downloads/<number>/<name>", methods=["GET"], endpoint="serve_file")]

    def seed(self, *, tickets: int, seed: int, attachments: bool = True) -> None:
        """``tickets`` conversations and everything around them; 0 leaves it empty."""
        seed_workspace(self, tickets=tickets, seed=seed, attachments=attachments)

    def activity(self, client: httpx.Client, *, new: int, updated: int, seed: int
                 ) -> dict[str, int]:
        """New conversations and answered ones through the public API (``activity.py``)."""
        from .activity import simulate

        return simulate(client, new=new, updated=updated, seed=seed)

    def add_long_conversation(self, parts: int) -> str:
        """A conversation with ``parts`` parts (its detail view shows the newest 500)."""
        return long_conversation(self, parts)

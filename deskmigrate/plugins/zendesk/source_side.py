"""Side conversations of a ticket, read in one request (the ``events`` sideload carries every
message), and how the source knows which tickets have any without asking each ticket."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from deskmigrate.core.paging import NextUrlPaginator, PageRequest

from .client import ZendeskApi
from .convert import SideData
from .shape import via_channel

# Each side-conversation change updates its ticket with an audit whose via channel is this;
# the ticket-event export the source already reads for comments shows those audits.
SIDE_CHANNEL = "side_conversation"
PER_PAGE = 100


def has_side_activity(event: dict[str, Any]) -> bool:
    """Whether an audit of the ticket-event export comes from a side conversation."""
    return via_channel(event.get("via")) == SIDE_CHANNEL


def read_side_conversations(api: ZendeskApi, ticket_id: int | str) -> list[SideData]:
    """Every side conversation of a ticket with its events (``convert.ticket`` reads them):
    ``GET /tickets/{id}/side_conversations?include=events`` (offset pages of 100)."""
    request = PageRequest(f"api/v2/tickets/{ticket_id}/side_conversations.json",
                          {"include": "events", "per_page": PER_PAGE})
    conversations: list[dict[str, Any]] = []
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for page in NextUrlPaginator("next_page", items="side_conversations").pages(
            api.http, request):
        conversations += page.items
        for event in page.body.get("events") or []:
            if isinstance(event, dict):
                events[str(event.get("side_conversation_id"))].append(event)
    return [(c, events[str(c.get("id"))]) for c in conversations if isinstance(c, dict)]

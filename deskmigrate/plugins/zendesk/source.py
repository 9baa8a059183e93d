"""Read a Zendesk account: tickets through the incremental exports (comments in bulk from
the ticket-event export read in step, spooled to disk), people, organizations, groups, field
schemas and the Help Center."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from deskmigrate.core.connector import Connection, Identity, Source
from deskmigrate.core.records import Record, readable

from . import convert
from .client import ZendeskApi
from .mapping import parse_time
from .platform import KINDS
from .source_side import read_side_conversations
from .spool import CommentSpool
from .ticket_events import TicketEvents, last_change

AGENT_ROLES = {"role[]": ["agent", "admin"]}
FIELD_COLLECTIONS = ("ticket_fields", "user_fields", "organization_fields")
HC = "api/v2/help_center"


class ZendeskSource(Source):
    """A Zendesk account as a source (the credentials must belong to an admin)."""

    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = ZendeskApi(self.http)
        self._schemas: dict[str, convert.Schemas] = {}
        self._lists: dict[str, list[dict[str, Any]]] = {}  # field schemas, read once a run
        self._changed_users: tuple[int, list[dict[str, Any]]] | None = None
        self._spools: list[CommentSpool] = []
        self._index: list[tuple[str, str | None]] | None = None  # ids() and ticket_agents()

    # -- contract -----------------------------------------------------------------------
    def check(self) -> Identity:
        return self.api.admin("exports")

    def count(self) -> dict[str, int]:
        api = self.api
        return {
            "field": sum(1 for _ in self._read_fields(None)),
            "group": api.count("api/v2/groups/count.json"),
            "agent": api.count("api/v2/users/count.json", AGENT_ROLES),
            "company": api.count("api/v2/organizations/count.json"),
            "contact": api.count("api/v2/users/count.json", {"role": "end-user"})
            + api.count("api/v2/deleted_users/count.json"),
            "ticket": api.count("api/v2/tickets/count.json"),
            "kb_category": self._hc_count("categories"),
            "kb_folder": self._hc_count("sections"),
            "kb_article": self._hc_count("articles"),
        }

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        readers = {
            "field": self._read_fields, "group": self._read_groups,
            "agent": self._read_agents, "company": self._read_companies,
            "contact": self._read_contacts, "ticket": self._read_tickets,
            "kb_category": self._read_categories, "kb_folder": self._read_folders,
            "kb_article": self._read_articles,
        }
        if kind not in readers:
            raise ValueError(f"zendesk cannot read '{kind}'")
        return readers[kind](since)

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        if kind == "ticket":
            return self._get_tickets(ids)
        if kind in ("contact", "agent", "company"):
            return self._get_people(kind, ids)
        wanted = set(ids)
        return (r for r in self.read(kind) if r.source_id in wanted)

    def ids(self, kind: str) -> Iterator[str]:
        if kind != "ticket":
            return super().ids(kind)
        return (ticket for ticket, _ in self._ticket_index())

    def ticket_agents(self) -> set[str]:
        """Assignees from the ticket export's rows alone (no comments read)."""
        return {agent for _, agent in self._ticket_index() if agent}

    def close(self) -> None:
        for spool in self._spools:
            spool.close()
        self._spools.clear()

    # -- tickets ------------------------------------------------------------------------
    def _read_tickets(self, since: datetime | None) -> Iterator[Record]:
        """Tickets from the cursor export, each with its comments from the ticket-event
        export read in step (``ticket_events.py``); a ticket the events read cannot prove
        complete has its comments and side conversations read on their own."""
        start = _start(since)
        spool = CommentSpool()
        self._spools.append(spool)
        events = TicketEvents(self.api, start, spool)
        try:
            schemas = self._ticket_schemas()
            for item, solved_at in self._export_tickets(start, sideload=True,
                                                        with_solved=True):
                if item.get("status") == "deleted":
                    continue
                moment = last_change(item)
                if moment is None or not events.cover(moment):
                    yield self._ticket(item, schemas, solved_at)
                    continue
                comments = spool.comments(item["id"])
                if any(self._has_inline_image(c) for c in comments):
                    comments = self._comments(item["id"])
                side = (read_side_conversations(self.api, item["id"])
                        if item["id"] in events.with_side else [])
                yield readable(item.get("id"), partial(
                    convert.ticket, item, comments, schemas, self.api.download, solved_at, side))
        finally:
            spool.close()
            if spool in self._spools:  # close() released it already when a run aborted
                self._spools.remove(spool)

    def _export_tickets(self, start: int, *, sideload: bool, with_solved: bool = False
                        ) -> Iterator[Any]:
        params = {"include": "metric_sets"} if sideload else {}
        for items, page in self.api.export_cursor("api/v2/incremental/tickets/cursor.json",
                                                  "tickets", start, params):
            solved = {m["ticket_id"]: m.get("solved_at") for m in page.get("metric_sets") or []}
            for item in items:
                yield (item, solved.get(item["id"])) if with_solved else item

    def _ticket_index(self) -> list[tuple[str, str | None]]:
        """``(id, assignee id)`` of every ticket not deleted, from one export read a run."""
        if self._index is None:
            self._index = [(str(t["id"]), str(t["assignee_id"]) if t.get("assignee_id")
                            else None) for t in self._export_tickets(0, sideload=False)
                           if t.get("status") != "deleted"]
        return self._index

    def _get_tickets(self, ids: Sequence[str]) -> Iterator[Record]:
        schemas = self._ticket_schemas()
        for start in range(0, len(ids), 100):
            chunk = ",".join(ids[start:start + 100])
            for item in self.api.get("api/v2/tickets/show_many.json", {"ids": chunk})["tickets"]:
                yield self._ticket(item, schemas)

    def _ticket(self, item: dict[str, Any], schemas: convert.Schemas,
                solved_at: str | None = None) -> Record:
        """A ticket with its comments and side conversations read on their own."""
        comments = self._comments(item["id"])
        side = read_side_conversations(self.api, item["id"])
        return readable(item.get("id"), partial(convert.ticket, item, comments, schemas,
                                                self.api.download, solved_at, side))

    def _comments(self, ticket_id: int) -> list[dict[str, Any]]:
        return list(self.api.cursor_list(f"api/v2/tickets/{ticket_id}/comments.json",
                                         "comments", {"include_inline_images": "true"}))

    def _has_inline_image(self, comment: dict[str, Any]) -> bool:
        """Whether the HTML embeds an image stored on the account (listed only when the
        comments endpoint is asked for inline images)."""
        body = comment.get("html_body") or ""
        return "<img" in body and "/attachments/token/" in body

    # -- people and organizations -------------------------------------------------------
    def _get_people(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        """Users or organizations by id, 100 per ``show_many`` request."""
        collection = "organizations" if kind == "company" else "users"
        groups = self._memberships() if kind == "agent" else {}
        schemas = self._keyed_schemas("organization_fields" if kind == "company"
                                      else "user_fields")
        extra = {"include": "identities"} if kind == "contact" else {}  # other emails
        for start in range(0, len(ids), 100):
            chunk = ",".join(ids[start:start + 100])
            page = self.api.get(f"api/v2/{collection}/show_many.json", {"ids": chunk, **extra})
            emails = convert.other_emails(page.get("identities"))
            for item in page[collection]:
                if kind == "company":
                    yield convert.company(item, schemas)
                elif kind == "contact" and item.get("role") == "end-user":
                    yield convert.contact(item, schemas, emails.get(str(item["id"])))
                elif kind == "agent" and item.get("role") in ("agent", "admin"):
                    yield convert.agent(item, groups.get(str(item["id"]), []))

    def _memberships(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for membership in self.api.cursor_list("api/v2/group_memberships.json",
                                               "group_memberships"):
            groups[str(membership["user_id"])].append(str(membership["group_id"]))
        return groups

    def _read_agents(self, since: datetime | None) -> Iterator[Record]:
        if since is not None:  # a delta: the agents among the users that changed
            agents = [u for u in self._users_since(since) if u.get("role") in ("agent", "admin")]
            groups = self._memberships() if agents else {}
            yield from (convert.agent(u, groups.get(str(u["id"]), [])) for u in agents)
            return
        groups = self._memberships()
        for user in self.api.cursor_list("api/v2/users.json", "users", AGENT_ROLES):
            yield convert.agent(user, groups[str(user["id"])])

    def _read_contacts(self, since: datetime | None) -> Iterator[Record]:
        schemas = self._keyed_schemas("user_fields")
        users: Iterator[dict[str, Any]] | list[dict[str, Any]]
        if since is None:
            users = (u for page, _ in self.api.export_cursor(
                "api/v2/incremental/users/cursor.json", "users", 0) for u in page)
        else:
            users = self._users_since(since)
        for user in users:
            if user.get("role") == "end-user":
                yield readable(user.get("id"), partial(convert.contact, user, schemas))

    def _users_since(self, since: datetime) -> list[dict[str, Any]]:
        """The users changed since ``since`` (a delta's agents and contacts), exported once."""
        start = _start(since)
        if self._changed_users is None or self._changed_users[0] != start:
            users = [u for page, _ in self.api.export_cursor(
                "api/v2/incremental/users/cursor.json", "users", start) for u in page]
            self._changed_users = (start, users)
        return self._changed_users[1]

    def _read_companies(self, since: datetime | None) -> Iterator[Record]:
        schemas = self._keyed_schemas("organization_fields")
        if since is None:
            orgs = self.api.cursor_list("api/v2/organizations.json", "organizations")
        else:
            orgs = self.api.export_time("api/v2/incremental/organizations.json",
                                        "organizations", _start(since))
        for org in orgs:
            if not org.get("deleted_at"):
                yield readable(org.get("id"), partial(convert.company, org, schemas))

    def _read_groups(self, since: datetime | None) -> Iterator[Record]:
        for item in self.api.cursor_list("api/v2/groups.json", "groups"):
            if not item.get("deleted") and _changed(item, since):
                yield convert.group(item)

    def _read_fields(self, since: datetime | None) -> Iterator[Record]:
        for collection in FIELD_COLLECTIONS:
            for item in self._schema_list(collection):
                if item.get("removable", True) and _changed(item, since):
                    yield convert.field(item, collection)

    def _schema_list(self, collection: str) -> list[dict[str, Any]]:
        if collection not in self._lists:
            self._lists[collection] = list(self.api.cursor_list(f"api/v2/{collection}.json",
                                                                collection))
        return self._lists[collection]

    def _ticket_schemas(self) -> convert.Schemas:
        if "ticket_fields" not in self._schemas:
            self._schemas["ticket_fields"] = {f["id"]: f for f in
                                              self._schema_list("ticket_fields")}
        return self._schemas["ticket_fields"]

    def _keyed_schemas(self, collection: str) -> convert.Schemas:
        if collection not in self._schemas:
            self._schemas[collection] = {f["key"]: f for f in self._schema_list(collection)}
        return self._schemas[collection]

    # -- Help Center --------------------------------------------------------------------
    def _hc_count(self, collection: str) -> int:
        return int(self.api.get(f"{HC}/{collection}.json", {"per_page": 1}).get("count") or 0)

    def _read_categories(self, since: datetime | None) -> Iterator[Record]:
        for item in self.api.cursor_list(f"{HC}/categories.json", "categories"):
            if _changed(item, since):
                yield convert.category(item, self._translations("categories", item["id"]))

    def _read_folders(self, since: datetime | None) -> Iterator[Record]:
        for item in self.api.cursor_list(f"{HC}/sections.json", "sections"):
            if _changed(item, since):
                yield convert.folder(item, self._translations("sections", item["id"]))

    def _read_articles(self, since: datetime | None) -> Iterator[Record]:
        for item in self.api.cursor_list(f"{HC}/articles.json", "articles"):
            if _changed(item, since):
                attachments = list(self.api.cursor_list(
                    f"{HC}/articles/{item['id']}/attachments.json", "article_attachments"))
                yield convert.article(item, self._translations("articles", item["id"]),
                                      attachments, self.api.download)

    def _translations(self, collection: str, item_id: Any) -> list[dict[str, Any]]:
        return list(self.api.cursor_list(f"{HC}/{collection}/{item_id}/translations.json",
                                         "translations"))


def _aware(since: datetime) -> datetime:
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def _start(since: datetime | None) -> int:
    return int(_aware(since).timestamp()) if since else 0


def _changed(item: dict[str, Any], since: datetime | None) -> bool:
    if since is None:
        return True
    updated = parse_time(item.get("updated_at"))
    return updated is None or updated >= _aware(since)

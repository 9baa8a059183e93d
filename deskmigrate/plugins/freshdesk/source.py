"""FreshdeskSource: reads every record kind through Freshdesk's REST API v2."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from deskmigrate.core.connector import Connection, Identity, Source
from deskmigrate.core.records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    Record,
    readable,
)

from .mapping import FIELD_TYPES, format_time, parse_time
from .paging import FreshdeskApi, pages, rows
from .platform import KINDS
from .source_kb import KbReader
from .source_tickets import TicketReader

ADMIN_ROLES = ("Account Administrator", "Administrator")
FIELD_LISTS = {"ticket": "ticket_fields", "contact": "contact_fields",
               "company": "company_fields"}
CONTACT_STATES = (None, "deleted", "blocked")


class FreshdeskSource(Source):
    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = FreshdeskApi(self.http)
        self._fields: dict[str, list[dict]] = {}
        self._roles: set[int] | None = None
        self._lock = threading.Lock()
        self.tickets = TicketReader(self.api, lambda: self.labels("ticket"))
        self.kb = KbReader(self.api)

    def check(self) -> Identity:
        me = self.api.get_json("agents/me")
        return Identity(name=me["contact"]["name"], id=str(me["id"]),
                        email=me["contact"]["email"], role=self._role(me),
                        account=self.connection.url)

    # -- counting and reading -----------------------------------------------------------
    def count(self) -> dict[str, int]:
        counts = {kind: sum(1 for _ in self.ids(kind)) for kind in self.kinds
                  if kind not in ("field", "kb_category", "kb_folder", "kb_article")}
        counts["field"] = sum(1 for _ in self._read_fields())
        counts.update(self.kb.count())
        return counts

    def ids(self, kind: str) -> Iterator[str]:
        """Ids from list pages alone (no per-record requests)."""
        if kind == "ticket":
            yield from (str(row["id"]) for row in self.tickets.listed())
        elif kind == "contact":
            yield from (str(row["id"]) for row in self._contacts())
        elif kind in ("agent", "company", "group"):
            yield from (str(row["id"]) for row in rows(self.api, f"{kind}s"
                                                         if kind != "company" else "companies"))
        else:
            yield from super().ids(kind)

    def ticket_agents(self) -> set[str]:
        """Responders from the ticket list pages alone (no conversation read)."""
        return {str(row["responder_id"]) for row in self.tickets.listed()
                if row.get("responder_id")}

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        if kind == "ticket":
            for row in self.tickets.listed(since):
                ticket = readable(row.get("id"), partial(self.tickets.ticket, row["id"],
                                                         row["_filter"]))
                if ticket is not None:
                    yield ticket
        elif kind == "contact":
            yield from (readable(r.get("id"), partial(self._contact, r))
                        for r in self._contacts(since))
        elif kind == "field":
            yield from self._read_fields()
        elif kind in ("agent", "company", "group"):
            path = "companies" if kind == "company" else f"{kind}s"
            build = {"agent": self._agent, "company": self._company, "group": self._group}[kind]
            yield from (readable(r.get("id"), partial(build, r)) for r in rows(self.api, path)
                        if _since(r, since))
        elif kind.startswith("kb_"):
            yield from self.kb.read(kind, since)
        else:
            raise ValueError(f"Freshdesk has no record kind '{kind}'.")

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        wanted = [i for i in ids if str(i).isdigit()]
        if kind == "ticket":
            yield from filter(None, (readable(i, partial(self.tickets.ticket, i))
                                     for i in wanted))
        elif kind in ("contact", "agent", "company", "group"):
            path = {"contact": "contacts", "agent": "agents", "company": "companies",
                    "group": "groups"}[kind]
            build = {"contact": self._contact, "agent": self._agent,
                     "company": self._company, "group": self._group}[kind]
            for item in wanted:
                response = self.api.request("GET", f"{path}/{item}", ok_404=True)
                if response.status_code != 404:
                    yield readable(item, partial(build, response.json()))
        elif kind.startswith("kb_"):
            yield from self.kb.get(kind, wanted)
        elif kind == "field":
            keep = set(ids)
            yield from (f for f in self._read_fields() if f.source_id in keep)
        else:
            raise ValueError(f"Freshdesk has no record kind '{kind}'.")

    # -- fields -------------------------------------------------------------------------
    def fields(self, object_type: str) -> list[dict]:
        """The custom fields of tickets, contacts or companies (fetched once)."""
        with self._lock:
            if object_type not in self._fields:
                listed = self.api.get_json(FIELD_LISTS[object_type])
                self._fields[object_type] = [f for f in listed if not f.get("default")]
            return self._fields[object_type]

    def labels(self, object_type: str) -> dict[str, str]:
        """API name (``cf_order_number``) -> label (``Order number``)."""
        return {f["name"]: f["label"] for f in self.fields(object_type)}

    def _read_fields(self) -> Iterator[FieldDefinition]:
        for object_type in FIELD_LISTS:
            for f in self.fields(object_type):
                choices = f.get("choices") or []
                yield FieldDefinition(
                    source_id=str(f["id"]), object_type=object_type, key=f["name"],
                    title=f["label"], field_type=FIELD_TYPES.get(f["type"], "text"),
                    options=[str(c) for c in choices] if isinstance(choices, list) else [],
                    required=bool(f.get("required_for_agents")))

    def _custom(self, object_type: str, values: dict[str, Any] | None) -> dict[str, Any]:
        labels = self.labels(object_type)
        return {labels.get(k, k): v for k, v in (values or {}).items() if v is not None}

    # -- people ---------------------------------------------------------------------------
    def _contacts(self, since: datetime | None = None) -> Iterator[dict]:
        """Active, deleted and blocked contacts, once each."""
        seen: set[int] = set()
        for state in CONTACT_STATES:
            params: dict[str, Any] = {"state": state} if state else {}
            if since is not None:
                params["_updated_since"] = format_time(since)
            for page in pages(self.api, "contacts", params):
                for row in page:
                    if row["id"] not in seen:
                        seen.add(row["id"])
                        yield row

    def _contact(self, row: dict) -> Contact:
        return Contact(
            source_id=str(row["id"]), name=row.get("name") or "", email=row.get("email"),
            other_emails=list(row.get("other_emails") or []),
            phone=row.get("phone") or row.get("mobile"),
            company_id=None if row.get("company_id") is None else str(row["company_id"]),
            tags=list(row.get("tags") or []),
            custom_fields=self._custom("contact", row.get("custom_fields")),
            active=not row.get("blocked", False), deleted=bool(row.get("deleted")))

    def _agent(self, row: dict) -> Agent:
        contact = row.get("contact") or {}
        return Agent(source_id=str(row["id"]), name=contact.get("name") or "",
                     email=contact.get("email") or "", role=self._role(row),
                     active=bool(contact.get("active", True)),
                     group_ids=[str(g) for g in row.get("group_ids") or []])

    def _role(self, agent: dict) -> str:
        with self._lock:
            if self._roles is None:
                self._roles = {r["id"] for r in self.api.get_json("roles")
                               if r.get("name") in ADMIN_ROLES}
            admin_roles = self._roles
        return "admin" if admin_roles & set(agent.get("role_ids") or []) else "agent"

    def _company(self, row: dict) -> Company:
        return Company(source_id=str(row["id"]), name=row.get("name") or "",
                       domains=list(row.get("domains") or []),
                       custom_fields=self._custom("company", row.get("custom_fields")),
                       notes=row.get("note") or row.get("description") or "")

    @staticmethod
    def _group(row: dict) -> Group:
        return Group(source_id=str(row["id"]), name=row.get("name") or "",
                     description=row.get("description") or "")


def _since(row: dict, since: datetime | None) -> bool:
    """Lists without an ``updated_since`` filter are filtered here (a time that cannot be
    read lets the record through: it is read, never silently left out)."""
    try:
        stamp = parse_time(row.get("updated_at"))
    except ValueError:
        return True
    return since is None or stamp is None or stamp >= since


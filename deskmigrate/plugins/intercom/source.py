"""IntercomSource: reads every record kind through Intercom's REST API 2.14."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from deskmigrate.core.connector import Connection, Identity, Source
from deskmigrate.core.records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    Record,
)

from .api import cursor_list, scroll_companies, search
from .mapping import FIELD_TYPES, from_epoch, to_epoch
from .platform import ATTACHMENT_HOSTS, KINDS
from .source_conversations import STAMP, TICKET_TYPE_FIELD, ConversationReader
from .source_kb import KbReader

MODELS = {"contact": "contact", "company": "company", "conversation": "ticket"}


class IntercomSource(Source):
    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        hosts = {urlsplit(self.http.base_url).hostname, *ATTACHMENT_HOSTS}
        self.conversations = ConversationReader(self.http, hosts)
        self.kb = KbReader(self.http)
        self._tags: dict[str, str] | None = None
        self._lock = threading.Lock()

    def check(self) -> Identity:
        me = self.http.get_json("me")
        app = me.get("app") or {}
        return Identity(name=me.get("name") or "", id=str(me["id"]), email=me.get("email"),
                        role="admin", account=app.get("name") or self.connection.url)

    # -- counting and reading -------------------------------------------------------------
    def count(self) -> dict[str, int]:
        counts = {kind: sum(1 for _ in self.ids(kind))
                  for kind in ("field", "group", "agent", "company", "contact")}
        counts["ticket"] = (sum(1 for _ in self.conversations.conversation_ids())
                            + sum(1 for _ in self.conversations.ticket_ids()))
        counts.update(self.kb.count())
        return counts

    def ids(self, kind: str) -> Iterator[str]:
        if kind == "ticket":
            yield from self.conversations.conversation_ids()
            yield from self.conversations.ticket_ids()
        elif kind == "contact":
            yield from (str(r["id"]) for r in cursor_list(self.http, "contacts", "data"))
        elif kind == "company":
            yield from (str(r["id"]) for r in scroll_companies(self.http))
        else:
            yield from super().ids(kind)

    def ticket_agents(self) -> set[str]:
        return self.conversations.assignees()

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        if kind == "ticket":
            yield from self.conversations.read(since)
        elif kind == "contact":
            yield from (self._contact(r) for r in self._contacts(since))
        elif kind == "company":
            yield from (self._company(r) for r in scroll_companies(self.http)
                        if _since(r, since))
        elif kind == "agent":
            yield from (self._agent(r) for r in self.http.get_json("admins")["admins"])
        elif kind == "group":
            yield from (Group(source_id=str(t["id"]), name=t.get("name") or "")
                        for t in self.http.get_json("teams")["teams"])
        elif kind == "field":
            yield from self._fields()
        elif kind.startswith("kb_"):
            yield from self.kb.read(kind, since)
        else:
            raise ValueError(f"Intercom has no record kind '{kind}'.")

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        if kind == "ticket":
            yield from filter(None, (self.conversations.get(str(i)) for i in ids))
        elif kind in ("contact", "company"):
            path = "contacts" if kind == "contact" else "companies"
            build = self._contact if kind == "contact" else self._company
            for item in ids:
                if not str(item).isalnum() or str(item).isdigit():
                    continue  # contacts and companies have hexadecimal ids, admins numbers
                response = self.http.request("GET", f"{path}/{item}", ok_404=True)
                if response.status_code != 404:
                    yield build(response.json())
        elif kind.startswith("kb_"):
            yield from self.kb.get(kind, list(ids))
        else:
            wanted = {str(i) for i in ids}
            yield from (r for r in self.read(kind) if r.source_id in wanted)

    # -- people and companies -------------------------------------------------------------
    def _contacts(self, since: datetime | None) -> Iterator[dict]:
        if since is None:
            yield from cursor_list(self.http, "contacts", "data")
        else:
            query = {"field": "updated_at", "operator": ">", "value": to_epoch(since)}
            yield from search(self.http, "contacts/search", "data", query)

    def tag_names(self) -> dict[str, str]:
        with self._lock:
            if self._tags is None:
                self._tags = {str(t["id"]): t["name"]
                              for t in self.http.get_json("tags").get("data", [])}
            return self._tags

    def _contact(self, row: dict) -> Contact:
        names = self.tag_names()
        companies = (row.get("companies") or {}).get("data") or []
        return Contact(
            source_id=str(row["id"]), name=row.get("name") or "", email=row.get("email") or None,
            phone=row.get("phone"), company_id=str(companies[0]["id"]) if companies else None,
            tags=[names.get(str(t["id"]), str(t["id"]))
                  for t in (row.get("tags") or {}).get("data", [])],
            custom_fields={k: v for k, v in (row.get("custom_attributes") or {}).items()
                           if v is not None})

    @staticmethod
    def _company(row: dict) -> Company:
        website = row.get("website") or ""
        domain = urlsplit(website if "://" in website else f"https://{website}").hostname
        return Company(source_id=str(row["id"]), name=row.get("name") or "",
                       domains=[domain] if website and domain else [],
                       tags=[t["name"] for t in (row.get("tags") or {}).get("tags", [])],
                       custom_fields={k: v for k, v in (row.get("custom_attributes") or {})
                                      .items() if v is not None})

    @staticmethod
    def _agent(row: dict) -> Agent:
        return Agent(source_id=str(row["id"]), name=row.get("name") or "",
                     email=row.get("email") or "", role="agent",
                     group_ids=[str(t) for t in row.get("team_ids") or []])

    def _fields(self) -> Iterator[FieldDefinition]:
        types = [t["name"] for t in self.http.get_json("ticket_types").get("data", [])]
        if types:  # the type of Intercom tickets, kept as a drop-down ticket field
            yield FieldDefinition(source_id="ticket-type", object_type="ticket",
                                  key=TICKET_TYPE_FIELD, title=TICKET_TYPE_FIELD,
                                  field_type="dropdown", options=types)
        for row in self.http.get_json("data_attributes").get("data", []):
            if not row.get("custom") or row.get("archived") or row.get("name") == STAMP:
                continue
            model = MODELS.get(row.get("model", ""))
            if model is None:
                continue
            yield FieldDefinition(
                source_id=f"{row['model']}-{row.get('id') or row['name']}", object_type=model,
                key=row["name"], title=row.get("label") or row["name"],
                field_type="dropdown" if row.get("options") else FIELD_TYPES.get(
                    row.get("data_type", ""), "text"),
                options=[str(o) for o in row.get("options") or []])


def _since(row: dict, since: datetime | None) -> bool:
    stamp = from_epoch(row.get("updated_at"))
    return since is None or stamp is None or stamp >= since

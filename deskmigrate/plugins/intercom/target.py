"""IntercomTarget: writes data attributes, contacts, companies, conversations and the help
center; matches admins (by email) and teams (by name), which the API cannot create."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import structlog

from deskmigrate.core.connector import (
    Connection,
    Found,
    Identity,
    Seats,
    Target,
    WriteContext,
    WriteResult,
    delete_each,
    write_each,
)
from deskmigrate.core.errors import ApiError, ConfigError
from deskmigrate.core.records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    Record,
    Ticket,
)

from .platform import KINDS
from .target_conversations import ConversationWriter
from .target_fields import MODELS, STAMP, Attributes
from .target_kb import KbWriter

log = structlog.get_logger("deskmigrate.intercom")
DELETE_PATHS = {"ticket": "conversations/{}", "contact": "contacts/{}",
                "company": "companies/{}", "kb_article": "articles/{}",
                "kb_folder": "help_center/collections/{}",
                "kb_category": "help_center/collections/{}"}


class IntercomTarget(Target):
    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.attributes = Attributes(self.http)
        self.conversations = ConversationWriter(self.http, self.attributes, self.admin_id)
        self.kb = KbWriter(self.http, self.admin_id)
        self._me: str | None = None
        self._lock = threading.Lock()

    def admin_id(self) -> str:
        """The admin the token belongs to: author of notes and state changes."""
        with self._lock:
            if self._me is None:
                self._me = str(self.http.get_json("me")["id"])
            return self._me

    def check(self) -> Identity:
        me = self.http.get_json("me")
        with self._lock:
            self._me = str(me["id"])
        if STAMP not in self.attributes.model("conversation", fresh=True):
            raise ConfigError(f"Create the conversation data attribute '{STAMP}' (text) in "
                              "Intercom's settings (Data > Conversations) before migrating: "
                              "it finds what an interrupted run created.")
        return Identity(name=me.get("name") or "", id=str(me["id"]), email=me.get("email"),
                        role="admin", account=(me.get("app") or {}).get("name"))

    # -- writing --------------------------------------------------------------------------
    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        return write_each(records, lambda record: self._write_one(kind, record, ctx))

    def _write_one(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        if isinstance(record, Ticket):
            return self.conversations.write(record, ctx)
        if isinstance(record, Contact):
            return self._contact(record, ctx)
        if isinstance(record, Company):
            return self._company(record, ctx)
        if isinstance(record, Agent):
            found = self.find_agent(record.email) if record.email else None
            if found is None:
                return WriteResult(source_id=record.source_id, skipped=(
                    f"no Intercom admin with the email {record.email}: admins cannot be "
                    "created, their messages go to the default agent"))
            return WriteResult(source_id=record.source_id, target_id=found, matched=True)
        if isinstance(record, Group):
            found = self._team(record.name)
            if found is None:
                return WriteResult(source_id=record.source_id, skipped=(
                    f"no Intercom team named '{record.name}': teams cannot be created"))
            return WriteResult(source_id=record.source_id, target_id=found, matched=True)
        if isinstance(record, FieldDefinition):
            return self._field(record)
        if kind.startswith("kb_"):
            return self.kb.write(kind, record, ctx)
        return WriteResult(source_id=record.source_id,
                           skipped=f"Intercom does not take '{kind}' records")

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """A delta: conversations get the messages the id map does not know, tags and
        state; contacts and companies their fields (both idempotent)."""
        results = []
        for record, target_id in records:
            try:
                if isinstance(record, Ticket):
                    new = [c for c in record.comments if not ctx.known("comment", c.source_id)]
                    planned = self.conversations.plan(record, ctx, new)
                    children = self.conversations.complete(target_id, record, ctx, planned)
                    results.append(WriteResult(source_id=record.source_id,
                                               target_id=target_id, children=children))
                    continue
                if isinstance(record, Contact | Company):
                    self._fields_of(record, target_id, ctx)
                results.append(WriteResult(source_id=record.source_id, target_id=target_id))
            except ApiError as exc:
                results.append(WriteResult(source_id=record.source_id, error=str(exc)))
        return results

    def _fields_of(self, record: Contact | Company, target_id: str, ctx: WriteContext) -> None:
        def warn(message: str) -> None:
            ctx.warn(record.source_id, message)

        object_type = "contact" if isinstance(record, Contact) else "company"
        path = "contacts" if object_type == "contact" else "companies"
        self.http.request("PUT", f"{path}/{target_id}", json={
            "name": record.name,
            "custom_attributes": self.attributes.values(object_type, record.custom_fields,
                                                        warn)})

    def _contact(self, contact: Contact, ctx: WriteContext) -> WriteResult:
        """A user with the same email is matched (never deleted); others are created with
        the run's stamp as ``external_id``, attached to their company and tagged."""
        existing = self._contact_where("email", contact.email) if contact.email else None
        if existing is not None:
            return WriteResult(source_id=contact.source_id, target_id=existing, matched=True)

        def warn(message: str) -> None:
            ctx.warn(contact.source_id, message)

        payload = {"role": "user", "email": contact.email, "phone": contact.phone,
                   "name": contact.name or None,
                   "external_id": ctx.external_id("contact", contact.source_id),
                   "custom_attributes": self.attributes.values("contact",
                                                               contact.custom_fields, warn)}
        body = self.http.request("POST", "contacts", json={
            k: v for k, v in payload.items() if v is not None}).json()
        target_id = str(body["id"])
        self._contact_extras(target_id, contact, ctx)
        return WriteResult(source_id=contact.source_id, target_id=target_id)

    def _contact_extras(self, target_id: str, contact: Contact, ctx: WriteContext) -> None:
        company = ctx.target_id("company", contact.company_id)
        if company is not None:
            self.http.request("POST", f"contacts/{target_id}/companies", json={"id": company},
                              idempotent=True)
        for name in contact.tags:
            self.http.request("POST", "tags", json={"name": name, "users": [{"id": target_id}]},
                              idempotent=True)

    def _company(self, company: Company, ctx: WriteContext) -> WriteResult:
        """Upserted on ``company_id`` = the run's stamp: sending it twice is harmless."""
        def warn(message: str) -> None:
            ctx.warn(company.source_id, message)

        payload: dict[str, Any] = {
            "company_id": ctx.external_id("company", company.source_id), "name": company.name,
            "custom_attributes": self.attributes.values("company", company.custom_fields,
                                                        warn)}
        if company.domains:
            payload["website"] = f"https://{company.domains[0]}"
        body = self.http.request("POST", "companies", json=payload, idempotent=True).json()
        for name in company.tags:
            self.http.request("POST", "tags", json={"name": name,
                                                    "companies": [{"id": body["id"]}]},
                              idempotent=True)
        return WriteResult(source_id=company.source_id, target_id=str(body["id"]))

    def _field(self, definition: FieldDefinition) -> WriteResult:
        existing = self.attributes.existing(definition)
        if existing is not None:
            return WriteResult(source_id=definition.source_id, matched=True,
                               target_id=f"{existing['model']}:{existing['id']}")
        if MODELS[definition.object_type] == "conversation":
            return WriteResult(source_id=definition.source_id, skipped=(
                f"conversation attribute '{definition.title}' must be created in Intercom's "
                "settings (the API cannot)"))
        row = self.attributes.create(definition)
        return WriteResult(source_id=definition.source_id,
                           target_id=f"{row['model']}:{row['id']}")

    # -- finding --------------------------------------------------------------------------
    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        """Conversations, contacts and companies by their stamp (owned); admins, teams,
        attributes and articles by name (never owned: they may have been there before)."""
        found = self._find(kind, record, ctx)
        return Found(found, owned=isinstance(record, Ticket | Contact | Company)) \
            if found else None

    def _find(self, kind: str, record: Record, ctx: WriteContext) -> str | None:
        if isinstance(record, Ticket):
            return self.conversations.find(record, ctx)
        if isinstance(record, Contact):
            found = self._contact_where("external_id",
                                        ctx.external_id("contact", record.source_id))
            if found is not None:
                self._contact_extras(found, record, ctx)
            return found
        if isinstance(record, Company):
            stamp = ctx.external_id("company", record.source_id)
            rows = self.http.get_json("companies", {"company_id": stamp}).get("data") or []
            return str(rows[0]["id"]) if rows else None
        if isinstance(record, Agent):
            return self.find_agent(record.email) if record.email else None
        if isinstance(record, Group):
            return self._team(record.name)
        if isinstance(record, FieldDefinition):
            attribute = self.attributes.existing(record, fresh=True)
            return None if attribute is None else f"{attribute['model']}:{attribute['id']}"
        if kind.startswith("kb_"):
            return self.kb.find(kind, record, ctx)
        return None

    def find_agent(self, email: str) -> str | None:
        return next((str(a["id"]) for a in self.http.get_json("admins")["admins"]
                     if (a.get("email") or "").lower() == email.lower()), None)

    def seats(self) -> Seats:
        """``GET /admins``: the teammates holding a paid inbox seat (``has_inbox_seat``);
        the seats bought are not in Intercom's API."""
        admins = self.http.get_json("admins")["admins"]
        return Seats(used=sum(1 for a in admins if a.get("has_inbox_seat")),
                     basis="Intercom's API tells which teammates hold a seat, not the seats "
                           "bought")

    def _team(self, name: str) -> str | None:
        return next((str(t["id"]) for t in self.http.get_json("teams")["teams"]
                     if t["name"].lower() == name.lower()), None)

    def _contact_where(self, field: str, value: str | None) -> str | None:
        query = {"field": field, "operator": "=", "value": value}
        rows = self.http.request("POST", "contacts/search", json={"query": query},
                                 idempotent=True).json().get("data") or []
        return str(rows[0]["id"]) if rows else None

    # -- rollback -------------------------------------------------------------------------
    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        """Delete what this tool created; the ids done with. Data attributes cannot be
        deleted through the API: they are archived, and each one is logged."""
        if kind == "field":
            def archive(target_id: str) -> None:
                model, _, number = target_id.partition(":")
                if model == "conversation":
                    return
                self.http.request("PUT", f"data_attributes/{number}", json={"archived": True},
                                  ok_404=True)
                log.warning("intercom.field_archived", target_id=target_id,
                            reason="Intercom cannot delete data attributes; archived instead")
            return delete_each(target_ids, archive)
        template = DELETE_PATHS.get(kind)
        if template is None:
            return []
        return delete_each(target_ids, lambda i: self.http.request(
            "DELETE", template.format(i), ok_404=True))

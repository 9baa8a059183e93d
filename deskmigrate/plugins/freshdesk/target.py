"""FreshdeskTarget: writes custom fields, groups, agents (matched only), companies,
contacts, tickets and solutions through Freshdesk's REST API v2."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
from deskmigrate.core.errors import ApiError, AuthError
from deskmigrate.core.records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    Record,
    Ticket,
)

from .paging import FreshdeskApi, rows
from .platform import KINDS
from .target_fields import FieldMapper
from .target_kb import PLURALS, KbWriter
from .target_schema import FieldSchemas, field_path, target_field_id
from .target_tickets import People, TicketWriter

DELETE_PATHS = {"ticket": "tickets/{}", "contact": "contacts/{}/hard_delete?force=true",
                "company": "companies/{}", "group": "groups/{}"}


class FreshdeskTarget(Target):
    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = FreshdeskApi(self.http)
        self.people = People(self.api)
        self.schemas = FieldSchemas(self.api, connection.settings)
        self.tickets = TicketWriter(self.api, self.people, self._ticket_fields)
        self.kb = KbWriter(self.api)

    def check(self) -> Identity:
        me = self.api.get_json("agents/me")
        contact = me.get("contact") or {}
        self.people.remember(str(me["id"]), contact.get("name") or "", contact.get("email"))
        return Identity(name=contact.get("name") or "", id=str(me["id"]),
                        email=contact.get("email"), account=self.connection.url)

    # -- writing ----------------------------------------------------------------------------
    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        """One result per record; API refusals become that record's error."""
        return write_each(records, lambda record: self._write_one(kind, record, ctx))

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """A delta: tickets get changed fields and new comments as notes; contacts and
        companies their fields; matched groups and agents stay as they are."""
        results = []
        for record, target_id in records:
            try:
                results.append(self._update_one(kind, record, target_id, ctx))
            except ApiError as exc:
                results.append(WriteResult(source_id=record.source_id, error=str(exc)))
        return results

    def _update_one(self, kind: str, record: Record, target_id: str, ctx: WriteContext
                    ) -> WriteResult:
        if isinstance(record, Ticket):
            return self.tickets.update(record, target_id, ctx)
        if isinstance(record, Contact | Company):
            object_type = "contact" if isinstance(record, Contact) else "company"

            def warn(message: str) -> None:
                ctx.warn(record.source_id, message)

            payload: dict[str, Any] = {
                "name": record.name, "tags": record.tags,
                "custom_fields": self._mapper(object_type).values(record.custom_fields, warn)}
            if isinstance(record, Company):
                payload = {**payload, "domains": record.domains}
                del payload["tags"]
            path = "companies" if object_type == "company" else "contacts"
            self.api.request("PUT", f"{path}/{target_id}", json=payload)
        return WriteResult(source_id=record.source_id, target_id=target_id)

    def _write_one(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        if isinstance(record, Ticket):
            return self.tickets.write(record, ctx)
        if isinstance(record, Contact):
            return self._contact(record, ctx)
        if isinstance(record, Company):
            return self._company(record, ctx)
        if isinstance(record, Group):
            return self._group(record, ctx)
        if isinstance(record, Agent):
            return self._agent(record, ctx)
        if isinstance(record, FieldDefinition):
            return self._field(record, ctx)
        if kind in PLURALS:
            return self.kb.write(kind, record, ctx)
        return WriteResult(source_id=record.source_id,
                           skipped=f"Freshdesk does not take '{kind}' records")

    def _contact(self, contact: Contact, ctx: WriteContext) -> WriteResult:
        """An existing contact with the email is matched (Freshdesk emails are unique)."""
        existing = self._contact_by_email(contact.email)
        if existing is not None:
            return WriteResult(source_id=contact.source_id, target_id=existing, matched=True)

        def warn(message: str) -> None:
            ctx.warn(contact.source_id, message)

        payload: dict[str, Any] = {
            "name": contact.name or contact.email or contact.phone or "Unknown",
            "email": contact.email, "phone": contact.phone,
            "other_emails": [e for e in contact.other_emails if e != contact.email][:10],
            "tags": contact.tags + ([] if contact.active else ["suspended"]),
            "custom_fields": self._mapper("contact").values(contact.custom_fields, warn),
        }
        company = ctx.target_id("company", contact.company_id)
        if company is not None:
            payload["company_id"] = int(company)
        if not (contact.email or contact.phone):
            payload["unique_external_id"] = ctx.external_id("contact", contact.source_id)
        else:
            ctx.creating("contact", contact.source_id)
        body = self.api.request("POST", "contacts",
                                json={k: v for k, v in payload.items() if v is not None}).json()
        target_id = str(body["id"])
        self.people.remember(target_id, body.get("name") or "", body.get("email"))
        if contact.deleted:
            self.api.request("DELETE", f"contacts/{target_id}")
        return WriteResult(source_id=contact.source_id, target_id=target_id)

    def _company(self, company: Company, ctx: WriteContext) -> WriteResult:
        existing = self._company_by_name(company.name)
        if existing is not None:
            return WriteResult(source_id=company.source_id, target_id=existing, matched=True)

        def warn(message: str) -> None:
            ctx.warn(company.source_id, message)

        payload = {"name": company.name, "domains": company.domains,
                   "note": company.notes or None,
                   "custom_fields": self._mapper("company").values(company.custom_fields, warn)}
        ctx.creating("company", company.source_id)
        body = self.api.request("POST", "companies",
                                json={k: v for k, v in payload.items() if v is not None}).json()
        return WriteResult(source_id=company.source_id, target_id=str(body["id"]))

    def _group(self, group: Group, ctx: WriteContext) -> WriteResult:
        existing = self._group_by_name(group.name)
        if existing is not None:
            return WriteResult(source_id=group.source_id, target_id=existing, matched=True)
        ctx.creating("group", group.source_id)
        body = self.api.request("POST", "groups", json={
            "name": group.name, "description": group.description or None}).json()
        return WriteResult(source_id=group.source_id, target_id=str(body["id"]))

    def _field(self, definition: FieldDefinition, ctx: WriteContext) -> WriteResult:
        """A field with the same label is used; a missing one is created."""
        existing = self.schemas.existing(definition)
        if existing is not None:
            return WriteResult(source_id=definition.source_id, matched=True,
                               target_id=target_field_id(definition.object_type,
                                                         existing["id"]))
        ctx.creating("field", definition.source_id)
        created = self.schemas.create(definition)
        return WriteResult(source_id=definition.source_id,
                           target_id=target_field_id(definition.object_type, created["id"]))

    def _agent(self, agent: Agent, ctx: WriteContext) -> WriteResult:
        """Agents are matched by email, never created: each one needs a paid seat. An
        unmatched agent's messages go to the default agent, still naming their author."""
        found = self.find_agent(agent.email) if agent.email else None
        if found is not None:
            return WriteResult(source_id=agent.source_id, target_id=found, matched=True)
        stand_in = ctx.user(agent.source_id, agent=True)
        default = f"{self.people.describe(stand_in)} (id {stand_in})" if stand_in else "none"
        return WriteResult(
            source_id=agent.source_id,
            skipped=f"no Freshdesk seat for {agent.name} <{agent.email}>: not created; mapped "
                    f"to the default agent {default}, their messages still open with "
                    f"their own name")

    # -- finding ----------------------------------------------------------------------------
    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        """Tickets and contacts without email or phone by their stamp (owned); everything
        else by email, name or label, never owned (it may have been there before)."""
        if isinstance(record, Ticket):
            ticket = self.tickets.find(record, ctx)
            return Found(ticket, owned=True) if ticket else None
        if isinstance(record, Contact):
            if not (record.email or record.phone):
                stamped = self._contact_by_external_id(ctx.external_id("contact",
                                                                       record.source_id))
                return Found(stamped, owned=True) if stamped else None
            found = self._contact_by_email(record.email)
        elif isinstance(record, Company):
            found = self._company_by_name(record.name)
        elif isinstance(record, Group):
            found = self._group_by_name(record.name)
        elif isinstance(record, Agent):
            found = self.find_agent(record.email) if record.email else None
        elif isinstance(record, FieldDefinition):
            field = self.schemas.existing(record, fresh=True)
            found = None if field is None else target_field_id(record.object_type,
                                                               field["id"])
        elif kind in PLURALS:
            found = self.kb.find(kind, record, ctx)
        else:
            found = None
        return Found(found, owned=False) if found else None

    def find_agent(self, email: str) -> str | None:
        for agent in self.api.get_json("agents", {"email": email}):
            contact = agent.get("contact") or {}
            self.people.remember(str(agent["id"]), contact.get("name") or "", email)
            return str(agent["id"])
        return None

    def seats(self) -> Seats:
        """``GET /api/v2/account`` counts the full-time agents (each holds a seat); the
        seats bought are not in Freshdesk's API."""
        try:
            agents = self.api.get_json("account").get("total_agents") or {}
        except (ApiError, AuthError) as exc:
            return Seats(basis=f"Freshdesk refused GET /api/v2/account: {exc}")
        return Seats(used=agents.get("full_time"), basis="Freshdesk's API counts the agents "
                                                         "but not the seats bought")

    def _contact_by_email(self, email: str | None) -> str | None:
        if not email:
            return None
        for row in self.api.get_json("contacts", {"email": email}):
            self.people.remember(str(row["id"]), row.get("name") or "", row.get("email"))
            return str(row["id"])
        return None

    def _contact_by_external_id(self, external_id: str) -> str | None:
        rows_found = self.api.get_json("contacts", {"unique_external_id": external_id})
        return str(rows_found[0]["id"]) if rows_found else None

    def _company_by_name(self, name: str) -> str | None:
        found = self.api.get_json("companies/autocomplete", {"name": name})
        return next((str(c["id"]) for c in found.get("companies", [])
                     if c["name"].lower() == name.lower()), None)

    def _group_by_name(self, name: str) -> str | None:
        return next((str(g["id"]) for g in rows(self.api, "groups")
                     if g["name"].lower() == name.lower()), None)

    # -- fields -----------------------------------------------------------------------------
    def _mapper(self, object_type: str) -> FieldMapper:
        return self.schemas.mapper(object_type)

    def _ticket_fields(self) -> tuple[FieldMapper, list[str]]:
        return self.schemas.mapper("ticket"), self.schemas.type_choices()

    # -- rollback ---------------------------------------------------------------------------
    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        """Delete what this tool created; agents are never created, so never deleted."""
        if kind == "field":
            return delete_each(target_ids, lambda i: self.api.request(
                "DELETE", field_path(i), ok_404=True))
        if kind in PLURALS:
            template = f"solutions/{PLURALS[kind]}/{{}}"
        elif kind in DELETE_PATHS:
            template = DELETE_PATHS[kind]
        else:
            return []
        return delete_each(target_ids, lambda i: self.api.request(
            "DELETE", template.format(i), ok_404=True))

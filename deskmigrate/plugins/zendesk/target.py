"""Write to a Zendesk account: field schemas, groups, people (:mod:`.people_writer`),
tickets through the import API, and the Help Center; find what an interrupted run wrote;
delete for rollback."""

from __future__ import annotations

import threading
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
)
from deskmigrate.core.errors import ApiError
from deskmigrate.core.records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    Record,
    Ticket,
)

from .client import ZendeskApi
from .fields import FieldCache, split_field_id, target_field_id
from .kb_writer import KbWriter
from .people_writer import MEMBERSHIP, PeopleWriter
from .platform import KINDS
from .side_writer import SideConversationWriter
from .ticket_writer import TicketWriter

BULK = 100  # create_many, destroy_many and the ticket import take 100 records


class ZendeskTarget(Target):
    """A Zendesk account as a target (the credentials must belong to an admin)."""

    kinds = KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = ZendeskApi(self.http)
        self.fields = FieldCache(self.api)
        self.tickets = TicketWriter(self.api, self.fields,
                                    SideConversationWriter(self.api, self._my_email))
        self.kb = KbWriter(self.api)
        self.people = PeopleWriter(self.api, self.fields)
        self._groups: dict[str, str] | None = None
        self._me: Identity | None = None
        self._lock = threading.Lock()

    def check(self) -> Identity:
        """Who the token acts as (an admin), asked once per target."""
        with self._lock:
            if self._me is None:
                self._me = self.api.admin("imports")
            return self._me

    def _my_email(self) -> str:
        """The email of the token's agent (side conversations are sent as this agent)."""
        return self.check().email or ""

    def batch_size(self, kind: str) -> int:
        return BULK if kind in ("ticket", "contact", "company", "agent") else 1

    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        if kind == "ticket":
            return self.tickets.write([r for r in records if isinstance(r, Ticket)], ctx)
        if kind == "contact":
            return self.people.write_contacts([r for r in records if isinstance(r, Contact)],
                                              ctx)
        if kind == "agent":
            return self.people.write_agents([r for r in records if isinstance(r, Agent)], ctx)
        if kind == "company":
            return self.people.write_companies([r for r in records if isinstance(r, Company)],
                                               ctx)
        return [self._one(kind, record, ctx) for record in records]

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """Tickets get their changed fields and new comments; other kinds are kept as they
        were first written."""
        if kind != "ticket":
            return super().update(kind, records, ctx)
        pairs = [(record, target_id) for record, target_id in records
                 if isinstance(record, Ticket)]
        try:
            return self.tickets.update_many(pairs, ctx)
        except (ApiError, ValueError) as exc:
            return [WriteResult(source_id=r.source_id, error=str(exc)) for r, _ in pairs]

    def _one(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        try:
            if isinstance(record, FieldDefinition):
                return self._field(record, ctx)
            if isinstance(record, Group):
                existing = self._group_ids().get(record.name.lower())
                if existing is not None:
                    return WriteResult(source_id=record.source_id, target_id=existing,
                                       matched=True,
                                       warnings=["a group with this name already exists"])
                ctx.creating("group", record.source_id)
                group = self.api.http.request("POST", "api/v2/groups.json", json={"group": {
                    "name": record.name, "description": record.description}}).json()["group"]
                self._remember_group(record.name, str(group["id"]))
                return WriteResult(source_id=record.source_id, target_id=str(group["id"]))
            return self.kb.write(kind, record, ctx)
        except (ApiError, ValueError) as exc:
            return WriteResult(source_id=record.source_id, error=str(exc))

    # -- fields -------------------------------------------------------------------------
    def _field(self, record: FieldDefinition, ctx: WriteContext) -> WriteResult:
        existing = self.fields.find(record)
        if existing is not None:
            return WriteResult(source_id=record.source_id,
                               target_id=target_field_id(record.object_type, existing["id"]),
                               matched=True,
                               warnings=["a field with this title already exists; reused"])
        ctx.creating("field", record.source_id)
        created = self.fields.create(record)
        return WriteResult(source_id=record.source_id,
                           target_id=target_field_id(record.object_type, created["id"]))

    def find_agent(self, email: str) -> str | None:
        return self.people.agents.find(email)

    def seats(self) -> Seats:
        """Zendesk's API has no endpoint for the seats an account has bought: only the
        agents and admins holding one are counted."""
        used = self.api.count("api/v2/users/count.json", {"role[]": ["agent", "admin"]})
        return Seats(used=used, basis="Zendesk's API does not tell how many seats the "
                                      "account has bought")

    # -- groups -------------------------------------------------------------------------
    def _group_ids(self) -> dict[str, str]:
        with self._lock:
            if self._groups is None:
                self._groups = {g["name"].lower(): str(g["id"]) for g in
                                self.api.cursor_list("api/v2/groups.json", "groups")}
            return self._groups

    def _remember_group(self, name: str, group_id: str) -> None:
        groups = self._group_ids()
        with self._lock:
            groups[name.lower()] = group_id

    # -- find and delete ----------------------------------------------------------------
    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        """By the stamp (external_id) where Zendesk keeps one; by email or name otherwise
        (never owned: it may have been there before)."""
        external = ctx.external_id(kind, record.source_id)
        if isinstance(record, Ticket):
            found = self.api.get("api/v2/tickets.json", {"external_id": external})["tickets"]
            return Found(str(found[0]["id"]), owned=True) if found else None
        if isinstance(record, Contact | Agent | Company):
            return self.people.find(record, external, ctx)
        if isinstance(record, Group):
            group = self._group_ids().get(record.name.lower())
            return Found(group, owned=False) if group else None
        if isinstance(record, FieldDefinition):
            existing = self.fields.find(record)
            return Found(target_field_id(record.object_type, existing["id"]),
                         owned=False) if existing else None
        item = self.kb.find(kind, record, ctx)
        return Found(item, owned=False) if item else None

    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        ids = [str(i) for i in target_ids]
        bulk = {"ticket": "tickets", "contact": "users", "agent": "users",
                "company": "organizations"}
        if kind in bulk:
            gone: list[str] = []
            for start in range(0, len(ids), BULK):
                chunk = ids[start:start + BULK]
                try:
                    job = self.api.http.request(
                        "DELETE", f"api/v2/{bulk[kind]}/destroy_many.json",
                        params={"ids": ",".join(chunk)}).json()["job_status"]
                    done = _deleted(self.api.wait_for_job(job), chunk)
                except ApiError:
                    done = []
                gone += done + [i for i in chunk if i not in done and self._gone(bulk[kind], i)]
            if kind == "agent":
                self.people.agents.forget()
            return gone
        if kind == MEMBERSHIP:
            return delete_each(ids, lambda i: self.api.http.request(
                "DELETE", f"api/v2/group_memberships/{i}.json", ok_404=True))
        if kind == "group":
            gone = delete_each(ids, lambda i: self.api.http.request(
                "DELETE", f"api/v2/groups/{i}.json", ok_404=True))
            with self._lock:
                self._groups = None
            return gone
        if kind == "field":
            def drop(target_id: str) -> None:
                collection, field_id = split_field_id(target_id)
                self.api.http.request("DELETE", f"api/v2/{collection}/{field_id}.json",
                                      ok_404=True)
                self.fields.forget(collection)
            return delete_each(ids, drop)
        return self.kb.delete(kind, ids)

    def _gone(self, collection: str, target_id: str) -> bool:
        """Whether a record a delete job did not confirm is gone anyway (deleted before,
        or a user already deactivated, as Zendesk leaves deleted users)."""
        try:
            response = self.api.http.request("GET", f"api/v2/{collection}/{target_id}.json",
                                             ok_404=True)
        except ApiError:
            return False
        if response.status_code == 404:
            return True
        return collection == "users" and response.json()["user"].get("active") is False


def _deleted(job: dict[str, Any], ids: list[str]) -> list[str]:
    """The ids a finished destroy_many job deleted or found already gone."""
    if job.get("status") != "completed":
        return []
    results = [r for r in job.get("results") or [] if isinstance(r, dict)]
    if not results:  # Zendesk may report a bulk delete without per-id results
        return ids
    return [str(r["id"]) for r in results if str(r.get("id")) in ids and (
        r.get("success") or r.get("error") == "RecordNotFound")]

"""Write to a Zendesk account: field schemas, groups, agents (matched by email first),
organizations and end users in bulk jobs, tickets through the import API, and the Help
Center; find what an interrupted run wrote; delete for rollback."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from deskmigrate.core.connector import (
    ChildResult,
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
    nested_id,
)

from .client import ZendeskApi
from .fields import FieldCache, split_field_id, target_field_id
from .jobs import created_id, failure, job_results
from .kb_writer import KbWriter
from .platform import KINDS
from .side_writer import SideConversationWriter
from .ticket_writer import TicketWriter

BULK = 100  # create_many, destroy_many and the ticket import take 100 records
TAKEN = ("already being used", "already been taken")
MEMBERSHIP = "group_membership"


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
        self._groups: dict[str, str] | None = None
        self._me: str | None = None
        self._lock = threading.Lock()

    def check(self) -> Identity:
        return self.api.admin("imports")

    def _my_email(self) -> str:
        """The email of the token's agent (side conversations are sent as this agent)."""
        with self._lock:
            if self._me is None:
                self._me = str(self.api.get("api/v2/users/me.json")["user"].get("email") or "")
            return self._me

    def batch_size(self, kind: str) -> int:
        return BULK if kind in ("ticket", "contact", "company", "agent") else 1

    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        if kind == "ticket":
            return self.tickets.write([r for r in records if isinstance(r, Ticket)], ctx)
        if kind == "contact":
            return self._bulk_users([r for r in records if isinstance(r, Contact)], ctx)
        if kind == "agent":
            return self._agents([r for r in records if isinstance(r, Agent)], ctx)
        if kind == "company":
            return self._bulk_create("organizations", [
                (r, self._organization(r, ctx)) for r in records if isinstance(r, Company)])
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

    # -- people and organizations -------------------------------------------------------
    def _agents(self, agents: list[Agent], ctx: WriteContext) -> list[WriteResult]:
        results: dict[str, WriteResult] = {}
        new: list[tuple[Record, dict[str, Any]]] = []
        for agent in agents:
            found = self.find_agent(agent.email) if agent.email else None
            if found:
                results[agent.source_id] = WriteResult(
                    source_id=agent.source_id, target_id=found, matched=True,
                    warnings=["matched the existing agent with the same email"])
            else:
                new.append((agent, {"name": agent.name, "email": agent.email, "role": "agent",
                                    "external_id": ctx.external_id("agent", agent.source_id),
                                    "verified": True, "suspended": not agent.active}))
        for result in self._bulk_create("users", new):
            results[result.source_id] = result
        for agent in agents:
            result = results[agent.source_id]
            if result.target_id:
                fresh = not result.matched  # a user just created has no membership yet
                result.children += self._memberships(agent, result.target_id, ctx,
                                                     owned=fresh, fresh=fresh)
        return [results[a.source_id] for a in agents]

    def _memberships(self, agent: Agent, target_id: str, ctx: WriteContext, *, owned: bool,
                     fresh: bool = False) -> list[ChildResult]:
        """Put the agent in its groups (a look-up after an interrupted write completes what
        it left out); the memberships this run added, which rollback removes even from an
        agent that was there before. Each is announced before it is added; one already
        there is the run's only when the agent is, or an interrupted attempt announced it."""
        groups: dict[str, str] = {}
        for group_id in agent.group_ids:
            group = ctx.target_id("group", group_id)
            if group is None:
                ctx.warn(agent.source_id, f"group {group_id} is not in the target")
            else:
                groups[group_id] = group
        have = {} if fresh or not groups else {
            str(m["group_id"]): str(m["id"]) for m in self.api.cursor_list(
                f"api/v2/users/{target_id}/group_memberships.json", "group_memberships")}
        added = []
        for group_id, group in groups.items():
            key = nested_id(agent.source_id, group_id)
            if group in have:
                if owned or ctx.was_absent(MEMBERSHIP, key):
                    added.append(ChildResult(MEMBERSHIP, key, have[group], owned=True))
                continue
            ctx.creating(MEMBERSHIP, key)
            try:
                made = self.api.http.request("POST", "api/v2/group_memberships.json", json={
                    "group_membership": {"user_id": int(target_id), "group_id": int(group)}})
            except ApiError as exc:
                ctx.warn(agent.source_id, f"group membership not added: {exc}")
                continue
            added.append(ChildResult(MEMBERSHIP, key,
                                     str(made.json()["group_membership"]["id"]), owned=True))
        return added

    def _bulk_users(self, contacts: list[Contact], ctx: WriteContext) -> list[WriteResult]:
        items: list[tuple[Record, dict[str, Any]]] = []
        for contact in contacts:
            values, remarks = self.fields.values("contact", contact.custom_fields)
            user = {"name": contact.name or contact.email or "(no name)", "role": "end-user",
                    "email": contact.email, "phone": contact.phone, "tags": contact.tags,
                    "external_id": ctx.external_id("contact", contact.source_id),
                    "organization_id": _int(ctx.target_id("company", contact.company_id)),
                    "user_fields": values, "verified": True,
                    "suspended": contact.deleted or not contact.active}
            items.append((contact, {k: v for k, v in user.items() if v is not None}))
            for remark in remarks:
                ctx.warn(contact.source_id, remark)
            if contact.deleted:
                ctx.warn(contact.source_id, "deleted in the source; created suspended so its "
                                            "tickets keep their requester")
        return self._bulk_create("users", items)

    def _organization(self, company: Company, ctx: WriteContext) -> dict[str, Any]:
        values, remarks = self.fields.values("company", company.custom_fields)
        for remark in remarks:
            ctx.warn(company.source_id, remark)
        return {"name": company.name, "domain_names": company.domains, "tags": company.tags,
                "notes": company.notes, "organization_fields": values,
                "external_id": ctx.external_id("company", company.source_id)}

    def _bulk_create(self, collection: str, items: list[tuple[Record, dict[str, Any]]]
                     ) -> list[WriteResult]:
        """``{collection}/create_many`` (one job per 100); a record whose email or name is
        already taken is matched to the existing user or organization."""
        results = [WriteResult(source_id=r.source_id) for r, _ in items]
        if not items:
            return results
        try:
            job = self.api.http.request(
                "POST", f"api/v2/{collection}/create_many.json",
                json={collection: [payload for _, payload in items]}).json()["job_status"]
            job = self.api.wait_for_job(job)
        except ApiError as exc:
            for result in results:
                result.error = str(exc)
            return results
        for item, result, (_, payload) in zip(job_results(job, len(items)), results, items,
                                              strict=True):
            created = created_id(item) or (
                self._by_external(collection, payload) if item is None else None)
            if created is not None:
                result.target_id = created
                continue
            detail = failure(item)
            existing = self._existing(collection, payload) if any(
                t in detail for t in TAKEN) else None
            if existing:
                result.target_id, result.matched = existing, True
                result.warnings.append(f"matched the existing record ({detail})")
            else:
                result.error = f"zendesk refused it: {detail}"
        return results

    def _by_external(self, collection: str, payload: dict[str, Any]) -> str | None:
        """The record this job made for ``payload``, when its result could not be matched
        (found by the ``external_id`` it was sent with)."""
        external = payload.get("external_id")
        if not external:
            return None
        found = self.api.get(f"api/v2/{collection}/search.json",
                             {"external_id": external})[collection]
        return str(found[0]["id"]) if found else None

    def _existing(self, collection: str, payload: dict[str, Any]) -> str | None:
        if collection == "users" and payload.get("email"):
            return self._search_user(f"email:{payload['email']}")
        if collection == "organizations":
            found = self.api.get("api/v2/organizations/search.json",
                                 {"name": payload["name"]})["organizations"]
            return str(found[0]["id"]) if found else None
        return None

    def _search_user(self, query: str, *, agents_only: bool = False) -> str | None:
        users = self.api.get("api/v2/users/search.json", {"query": query})["users"]
        for user in users:
            if not agents_only or user.get("role") in ("agent", "admin"):
                return str(user["id"])
        return None

    def find_agent(self, email: str) -> str | None:
        return self._search_user(f"email:{email}", agents_only=True)

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
        if isinstance(record, Contact | Agent):
            users = self.api.get("api/v2/users/search.json", {"external_id": external})["users"]
            found = (Found(str(users[0]["id"]), owned=True) if users else None)
            if isinstance(record, Agent):
                email = self.find_agent(record.email) if found is None and record.email else None
                found = found or (Found(email, owned=False) if email else None)
                if found is not None:  # the groups an interrupted write left out
                    owned = found.owned or ctx.was_absent("agent", record.source_id)
                    found = Found(found.target_id, found.owned, tuple(self._memberships(
                        record, found.target_id, ctx, owned=owned)))
            return found
        if isinstance(record, Company):
            for params, owned in (({"external_id": external}, True), ({"name": record.name},
                                                                       False)):
                found = self.api.get("api/v2/organizations/search.json",
                                     params)["organizations"]
                if found:
                    return Found(str(found[0]["id"]), owned=owned)
            return None
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


def _int(value: str | None) -> int | None:
    return int(value) if value else None

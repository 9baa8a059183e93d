"""Write Zendesk people and organizations: agents (matched by email to the account's
agents, listed once), their group memberships, end users and organizations in bulk jobs;
find them again after an interrupted write."""

from __future__ import annotations

import threading
from typing import Any

from deskmigrate.core.connector import ChildResult, Found, WriteContext, WriteResult
from deskmigrate.core.errors import ApiError
from deskmigrate.core.records import Agent, Company, Contact, Record, nested_id

from .client import ZendeskApi
from .fields import FieldCache
from .jobs import created_id, failure, job_results

TAKEN = ("already being used", "already been taken")
MEMBERSHIP = "group_membership"
AGENT_ROLES = {"role[]": ["agent", "admin"]}


class AgentDirectory:
    """The account's agents and admins by email: one paged listing of
    ``users.json?role[]=agent&role[]=admin`` instead of a search per agent, kept up to date
    with the agents the run creates."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api
        self._by_email: dict[str, str] | None = None
        self._lock = threading.Lock()

    def find(self, email: str) -> str | None:
        """The id of the agent or admin with this email (case-insensitive), if any."""
        with self._lock:
            if self._by_email is None:
                self._by_email = {}
                for user in self.api.cursor_list("api/v2/users.json", "users", AGENT_ROLES):
                    if user.get("email"):
                        self._by_email.setdefault(user["email"].lower(), str(user["id"]))
            return self._by_email.get(email.lower())

    def add(self, email: str, user_id: str) -> None:
        """An agent the run has just created."""
        with self._lock:
            if self._by_email is not None:
                self._by_email.setdefault(email.lower(), user_id)

    def forget(self) -> None:
        """Read the listing again next time (after agents were deleted)."""
        with self._lock:
            self._by_email = None


class PeopleWriter:
    """Agents, end users and organizations of one target account."""

    def __init__(self, api: ZendeskApi, fields: FieldCache) -> None:
        self.api = api
        self.fields = fields
        self.agents = AgentDirectory(api)

    # -- agents -------------------------------------------------------------------------
    def write_agents(self, agents: list[Agent], ctx: WriteContext) -> list[WriteResult]:
        results: dict[str, WriteResult] = {}
        new: list[tuple[Record, dict[str, Any]]] = []
        for agent in agents:
            found = self.agents.find(agent.email) if agent.email else None
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
                if fresh and agent.email:
                    self.agents.add(agent.email, result.target_id)
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

    # -- end users and organizations ----------------------------------------------------
    def write_contacts(self, contacts: list[Contact], ctx: WriteContext) -> list[WriteResult]:
        items: list[tuple[Record, dict[str, Any]]] = []
        for contact in contacts:
            values, remarks = self.fields.values("contact", contact.custom_fields)
            user = {"name": contact.name or contact.email or "(no name)", "role": "end-user",
                    "email": contact.email, "phone": contact.phone, "tags": contact.tags,
                    "external_id": ctx.external_id("contact", contact.source_id),
                    "organization_id": _int(ctx.target_id("company", contact.company_id)),
                    "user_fields": values, "verified": True,
                    "suspended": contact.deleted or not contact.active,
                    "identities": _other_emails(contact)}
            items.append((contact, {k: v for k, v in user.items() if v is not None}))
            for remark in remarks:
                ctx.warn(contact.source_id, remark)
            if contact.deleted:
                ctx.warn(contact.source_id, "deleted in the source; created suspended so its "
                                            "tickets keep their requester")
        results = self._bulk_create("users", items)
        return self._without_taken_identities(items, results)

    def _without_taken_identities(self, items: list[tuple[Record, dict[str, Any]]],
                                  results: list[WriteResult]) -> list[WriteResult]:
        """Create again, without their other emails, the users refused because one of those
        emails belongs to another user (one more job, only when it happens)."""
        again = [n for n, ((_, payload), result) in enumerate(zip(items, results, strict=True))
                 if result.error and payload.get("identities")
                 and any(t in result.error for t in TAKEN)
                 and str(payload.get("email")) not in result.error]
        retried = self._bulk_create("users", [
            (items[n][0], {k: v for k, v in items[n][1].items() if k != "identities"})
            for n in again])
        for n, result in zip(again, retried, strict=True):
            result.warnings.append(f"other emails not added: {results[n].error}")
            results[n] = result
        return results

    def write_companies(self, companies: list[Company], ctx: WriteContext
                        ) -> list[WriteResult]:
        items: list[tuple[Record, dict[str, Any]]] = []
        for company in companies:
            values, remarks = self.fields.values("company", company.custom_fields)
            for remark in remarks:
                ctx.warn(company.source_id, remark)
            items.append((company, {
                "name": company.name, "domain_names": company.domains, "tags": company.tags,
                "notes": company.notes, "organization_fields": values,
                "external_id": ctx.external_id("company", company.source_id)}))
        return self._bulk_create("organizations", items)

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
            email = payload["email"].lower()  # the user whose email it is, not another identity
            users = self.api.get("api/v2/users/search.json", {"query": f"email:{email}"})["users"]
            return next((str(u["id"]) for u in users if (u.get("email") or "").lower() == email),
                        None)
        if collection == "organizations":
            found = self.api.get("api/v2/organizations/search.json",
                                 {"name": payload["name"]})["organizations"]
            return str(found[0]["id"]) if found else None
        return None

    # -- find ---------------------------------------------------------------------------
    def find(self, record: Contact | Agent | Company, external: str, ctx: WriteContext
             ) -> Found | None:
        """By the stamp (``external``); an agent or organization by email or name otherwise
        (never owned: it may have been there before)."""
        if isinstance(record, Company):
            for params, owned in (({"external_id": external}, True), ({"name": record.name},
                                                                       False)):
                orgs = self.api.get("api/v2/organizations/search.json",
                                    params)["organizations"]
                if orgs:
                    return Found(str(orgs[0]["id"]), owned=owned)
            return None
        users = self.api.get("api/v2/users/search.json", {"external_id": external})["users"]
        found = Found(str(users[0]["id"]), owned=True) if users else None
        if isinstance(record, Agent):
            email = self.agents.find(record.email) if found is None and record.email else None
            found = found or (Found(email, owned=False) if email else None)
            if found is not None:  # the groups an interrupted write left out
                owned = found.owned or ctx.was_absent("agent", record.source_id)
                found = Found(found.target_id, found.owned, tuple(self._memberships(
                    record, found.target_id, ctx, owned=owned)))
        return found


def _other_emails(contact: Contact) -> list[dict[str, str]] | None:
    """A contact's other emails as Zendesk user identities (None when it has none)."""
    primary = (contact.email or "").strip().lower()
    others = dict.fromkeys(e.strip().lower() for e in contact.other_emails)
    return [{"type": "email", "value": e} for e in others if e and e != primary] or None


def _int(value: str | None) -> int | None:
    return int(value) if value else None

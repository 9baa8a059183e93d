"""JiraSmTarget: writes organizations, customers and requests into one service desk.

Agents are matched by email and never created. Every customer and organization this tool
creates carries a ``deskmigrate.origin`` property (user / organization property) and every
request an issue property: ``find()`` and rollback trust only those stamps."""

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
    write_each,
)
from deskmigrate.core.errors import AmbiguousWrite, ApiError, AuthError
from deskmigrate.core.records import Agent, Company, Contact, Record, Ticket

from .api import SD, V3, JiraApi
from .mapping import ORIGIN_PROPERTY
from .platform import TARGET_KINDS
from .source import Desk, check_desk
from .target_requests import RequestWriter

COMPLETE_ATTEMPTS = 4
SKIPPED = {"field": "custom fields cannot be created through Jira's REST API: values go to "
                    "the request type's fields of the same name",
           "group": "Jira groups are site-wide and left to the site's administrators"}


class JiraSmTarget(Target):
    kinds = TARGET_KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = JiraApi(self.http)
        self._desk: Desk | None = None
        self._lock = threading.Lock()
        self.requests = RequestWriter(self.api, self.desk, connection.settings)

    def desk(self) -> Desk:
        with self._lock:
            if self._desk is None:
                self._desk = Desk(self.api, self.connection.credentials["service_desk"])
            return self._desk

    def check(self) -> Identity:
        identity = check_desk(self.api, self.desk(), admin_needed=True)
        self.requests.me = identity.id
        return identity

    # -- writing ------------------------------------------------------------------------
    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        return write_each(records, lambda record: self._write_one(kind, record, ctx))

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """A delta: requests get their new comments, labels and status; people and
        organizations stay as they are (Jira keeps only their names)."""
        results = []
        for record, target_id in records:
            try:
                if isinstance(record, Ticket):
                    self.requests.complete(record, target_id, ctx, delta=True)
                results.append(WriteResult(source_id=record.source_id, target_id=target_id))
            except ApiError as exc:
                results.append(WriteResult(source_id=record.source_id, error=str(exc)))
        return results

    def _write_one(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        if isinstance(record, Ticket):
            return self.requests.write(record, ctx)
        if isinstance(record, Contact):
            return self._customer(record, ctx)
        if isinstance(record, Company):
            return self._organization(record, ctx)
        if isinstance(record, Agent):
            found = self.find_agent(record.email) if record.email else None
            if found is None:
                return WriteResult(source_id=record.source_id,
                                   skipped=f"no Jira agent with the email {record.email}: "
                                           "not created (an agent needs a licence)")
            return WriteResult(source_id=record.source_id, target_id=found, matched=True)
        return WriteResult(source_id=record.source_id, skipped=SKIPPED.get(
            kind, f"Jira Service Management does not take '{kind}' records"))

    def _customer(self, contact: Contact, ctx: WriteContext) -> WriteResult:
        """``POST /customer?strictConflictStatusCode=true``: a 409 is an existing account,
        matched and never owned."""
        if not contact.email:
            return WriteResult(source_id=contact.source_id,
                               skipped="a Jira customer needs an email address")
        created = self._create_customer(contact)
        matched = created is None
        account = self._account_by_email(contact.email) if matched else created
        if account is None:
            return WriteResult(source_id=contact.source_id,
                               error=f"Jira reports an account for {contact.email} but does "
                                     "not show it")
        if not matched:
            self.http.request("PUT", f"{V3}/user/properties/{ORIGIN_PROPERTY}",
                              params={"accountId": account},
                              json={"externalId": ctx.external_id("contact",
                                                                  contact.source_id)})
        self.http.request("POST", f"{SD}/servicedesk/{self.desk().id}/customer",
                          json={"accountIds": [account]}, idempotent=True)
        organization = ctx.target_id("company", contact.company_id)
        if organization is not None:
            self.http.request("POST", f"{SD}/organization/{organization}/user",
                              json={"accountIds": [account]}, idempotent=True)
        return WriteResult(source_id=contact.source_id, target_id=account, matched=matched)

    def _create_customer(self, contact: Contact) -> str | None:
        """The new account's id, or None when one exists for the email (409)."""
        try:
            body = self.http.request(
                "POST", f"{SD}/customer", params={"strictConflictStatusCode": "true"},
                json={"email": contact.email,
                      "displayName": contact.name or contact.email}).json()
        except ApiError as exc:
            if exc.status == 409:
                return None
            raise
        return str(body["accountId"])

    def _organization(self, company: Company, ctx: WriteContext) -> WriteResult:
        existing = self._organization_by_name(company.name)
        if existing is not None:
            self._add_to_desk(existing)
            return WriteResult(source_id=company.source_id, target_id=existing, matched=True)
        body = self.http.request("POST", f"{SD}/organization",
                                 json={"name": company.name}).json()
        org_id = str(body["id"])
        self.http.request("PUT", f"{SD}/organization/{org_id}/property/{ORIGIN_PROPERTY}",
                          json={"externalId": ctx.external_id("company", company.source_id)})
        self._add_to_desk(org_id)
        return WriteResult(source_id=company.source_id, target_id=org_id)

    def _add_to_desk(self, org_id: str) -> None:
        self.http.request("POST", f"{SD}/servicedesk/{self.desk().id}/organization",
                          json={"organizationId": int(org_id)}, idempotent=True)

    # -- finding ------------------------------------------------------------------------
    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        """Only what carries this migration's stamp (so it is always this tool's)."""
        found = self._stamped(kind, record, ctx)
        return Found(found, owned=True) if found else None

    def _stamped(self, kind: str, record: Record, ctx: WriteContext) -> str | None:
        """What carries this migration's stamp: a crash may have left it behind."""
        external = ctx.external_id(kind, record.source_id)
        if isinstance(record, Ticket):
            key = self.requests.find(external)
            if key is not None:
                self._finish(record, key, ctx)
            return key
        if isinstance(record, Contact) and record.email:
            account = self._account_by_email(record.email)
            if account and self._stamp(f"{V3}/user/properties/{ORIGIN_PROPERTY}",
                                       {"accountId": account}) == external:
                return account
        if isinstance(record, Company):
            org = self._organization_by_name(record.name)
            if org and self._stamp(f"{SD}/organization/{org}/property/{ORIGIN_PROPERTY}",
                                   None) == external:
                return org
        return None

    def _finish(self, ticket: Ticket, key: str, ctx: WriteContext) -> None:
        """Complete a request a crash interrupted; a step whose outcome stays unknown is
        looked at again (every step checks what is already there)."""
        for attempt in range(COMPLETE_ATTEMPTS):
            try:
                self.requests.complete(ticket, key, ctx)
                return
            except AmbiguousWrite:
                if attempt == COMPLETE_ATTEMPTS - 1:
                    raise

    def _stamp(self, path: str, params: dict[str, Any] | None) -> str | None:
        response = self.http.request("GET", path, params=params, ok_404=True)
        if response.status_code == 404:
            return None
        value = response.json().get("value") or {}
        return value.get("externalId") if isinstance(value, dict) else None

    def find_agent(self, email: str) -> str | None:
        for user in self.api.get(f"{V3}/user/search", {"query": email}):
            if (user.get("emailAddress") or "").lower() == email.lower() and \
                    user.get("accountType") == "atlassian":
                return str(user["accountId"])
        return None

    def seats(self) -> Seats:
        """``GET /rest/api/3/applicationrole/jira-servicedesk``: the JSM agent licence's
        seats (needs the Administer Jira permission)."""
        try:
            role = self.api.get(f"{V3}/applicationrole/jira-servicedesk")
        except (ApiError, AuthError) as exc:
            return Seats(basis=f"Jira refused GET /rest/api/3/applicationrole/"
                               f"jira-servicedesk: {exc}")
        if role.get("hasUnlimitedSeats"):
            return Seats(used=role.get("userCount"), unlimited=True,
                         basis="Jira's jira-servicedesk application role")
        return Seats(total=role.get("numberOfSeats"), used=role.get("userCount"),
                     free=role.get("remainingSeats"),
                     basis="Jira's jira-servicedesk application role")

    def _account_by_email(self, email: str) -> str | None:
        for user in self.api.get(f"{V3}/user/search", {"query": email}):
            if (user.get("emailAddress") or "").lower() == email.lower():
                return str(user["accountId"])
        return None

    def _organization_by_name(self, name: str) -> str | None:
        return next((str(o["id"]) for o in self.api.sd_values("organization")
                     if o["name"].strip().lower() == name.strip().lower()), None)

    # -- rollback -----------------------------------------------------------------------
    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        """Requests, customers and organizations this tool created; agents never."""
        paths = {"ticket": (f"{V3}/issue/{{}}", None),
                 "company": (f"{SD}/organization/{{}}", None),
                 "contact": (f"{V3}/user", "accountId")}
        if kind not in paths:
            return []
        template, param = paths[kind]

        def send(target_id: str) -> None:
            if param:
                self.http.request("DELETE", template, params={param: target_id}, ok_404=True)
            else:
                self.http.request("DELETE", template.format(target_id), ok_404=True)
        return delete_each(target_ids, send)

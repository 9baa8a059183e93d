"""JiraSmSource: reads one service desk through the servicedeskapi and platform v3."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from deskmigrate.core.connector import Connection, Identity, Source
from deskmigrate.core.errors import AuthError, ConfigError, NotFound
from deskmigrate.core.records import Agent, Company, Contact, FieldDefinition, Group, Record

from .api import EXPERIMENTAL, SD, V3, JiraApi
from .mapping import FIELD_TYPES, REQUEST_TYPE_LABEL, SERVICEDESK_PREFIX
from .platform import SOURCE_KINDS
from .source_tickets import TicketReader

AGENT_GROUP = "jira-servicemanagement-users"
OVERLAP = timedelta(minutes=1)  # JQL compares at minute precision


class Desk:
    """The configured service desk and the token user's view of the site."""

    def __init__(self, api: JiraApi, key: str) -> None:
        try:
            found = api.get(f"{SD}/servicedesk/{key}")
        except NotFound:
            raise ConfigError(f"Jira Service Management has no service desk '{key}' that "
                              "this token can see.") from None
        self.id = str(found["id"])
        self.project_key = found["projectKey"]
        self.project_name = found["projectName"]


def check_desk(api: JiraApi, desk: Desk, *, admin_needed: bool) -> Identity:
    """The token's user, the desk and whether the user is an agent (and a Jira admin)."""
    me = api.get(f"{V3}/myself")
    info = api.get(f"{V3}/serverInfo")
    held = api.get(f"{V3}/mypermissions", {
        "projectKey": desk.project_key,
        "permissions": "ADMINISTER,SERVICEDESK_AGENT,BROWSE_PROJECTS"})["permissions"]
    if not held.get("SERVICEDESK_AGENT", {}).get("havePermission"):
        raise AuthError(f"{me.get('displayName')} is not an agent on the "
                        f"{desk.project_name} service desk.")
    admin = bool(held.get("ADMINISTER", {}).get("havePermission"))
    if admin_needed and not admin:
        raise AuthError(f"{me.get('displayName')} is not a Jira administrator: creating "
                        "customers and organizations needs one.")
    return Identity(name=me.get("displayName") or "", id=me["accountId"],
                    email=me.get("emailAddress"), role="admin" if admin else "agent",
                    account=f"{desk.project_name} ({desk.project_key}, service desk "
                            f"{desk.id}) on {info.get('deploymentType', '?')} "
                            f"{info.get('baseUrl', '')}")


class JiraSmSource(Source):
    kinds = SOURCE_KINDS

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = JiraApi(self.http)
        self._desk: Desk | None = None
        self._lock = threading.Lock()
        self._fields: list[dict] | None = None
        self._zone = ZoneInfo("UTC")
        self.tickets = TicketReader(self.api, self.desk, self.fields)

    def desk(self) -> Desk:
        with self._lock:
            if self._desk is None:
                self._desk = Desk(self.api, self.connection.credentials["service_desk"])
            return self._desk

    def check(self) -> Identity:
        identity = check_desk(self.api, self.desk(), admin_needed=False)
        zone = self.api.get(f"{V3}/myself").get("timeZone") or "UTC"
        self._zone = ZoneInfo(zone)
        return identity

    def count(self) -> dict[str, int]:
        return {kind: sum(1 for _ in self.ids(kind)) for kind in self.kinds}

    def ids(self, kind: str) -> Iterator[str]:
        if kind == "ticket":
            yield from (i["key"] for i in self.api.search(
                f"project = {self.desk().project_key} ORDER BY created ASC", "id"))
        else:
            yield from super().ids(kind)

    def ticket_agents(self) -> set[str]:
        """Assignees from a JQL search that asks for no other field."""
        return {str(user["accountId"]) for issue in self.api.search(
            f"project = {self.desk().project_key} ORDER BY created ASC", "assignee")
            if isinstance(user := (issue.get("fields") or {}).get("assignee"), dict)
            and user.get("accountId")}

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        if kind == "ticket":
            yield from self.tickets.read(self._jql(since))
        elif kind == "contact":
            yield from self._contacts()
        elif kind == "company":
            yield from (Company(source_id=str(o["id"]), name=o["name"]) for o in
                        self.api.sd_values(f"servicedesk/{self.desk().id}/organization"))
        elif kind == "agent":
            yield from self._agents()
        elif kind == "group":
            yield from (Group(source_id=g["groupId"], name=g["name"])
                        for g in self.api.v3_values("group/bulk"))
        elif kind == "field":
            yield from self._field_definitions()
        else:
            raise ValueError(f"Jira Service Management has no record kind '{kind}'.")

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        wanted = [str(i) for i in ids]
        if kind == "ticket":
            keys = [k for k in wanted if "-" in k]
            for start in range(0, len(keys), 50):
                chunk = ", ".join(keys[start:start + 50])
                yield from self.tickets.read(f"key in ({chunk}) ORDER BY created ASC")
        else:
            keep = set(wanted)
            yield from (r for r in self.read(kind) if r.source_id in keep)

    def _jql(self, since: datetime | None) -> str:
        jql = f"project = {self.desk().project_key}"
        if since is not None:
            local = (since - OVERLAP).astimezone(self._zone)
            jql += f' AND updated >= "{local:%Y-%m-%d %H:%M}"'
        return jql + " ORDER BY created ASC"

    # -- fields -------------------------------------------------------------------------
    def fields(self) -> list[dict]:
        """Custom fields (``schema.custom`` set, JSM's own fields left out), fetched once."""
        with self._lock:
            if self._fields is None:
                self._fields = [f for f in self.api.get(f"{V3}/field")
                                if (f.get("schema") or {}).get("custom") and not
                                f["schema"]["custom"].startswith(SERVICEDESK_PREFIX)]
            return self._fields

    def _field_definitions(self) -> Iterator[FieldDefinition]:
        options: dict[str, list[str]] = {}
        required: set[str] = set()
        names: list[str] = []  # the request types: a drop-down other platforms can keep
        for rtype in self.api.sd_values(f"servicedesk/{self.desk().id}/requesttype"):
            names.append(rtype["name"])
            meta = self.api.get(f"{SD}/servicedesk/{self.desk().id}/requesttype/"
                                f"{rtype['id']}/field")
            for f in meta.get("requestTypeFields") or []:
                options.setdefault(f["fieldId"], [v["label"] for v in f.get("validValues")
                                                  or []])
                if f.get("required"):
                    required.add(f["fieldId"])
        for f in self.fields():
            kind = f["schema"]["custom"].rsplit(":", 1)[-1]
            yield FieldDefinition(source_id=f["id"], object_type="ticket", key=f["id"],
                                  title=f["name"], field_type=FIELD_TYPES.get(kind, "text"),
                                  options=options.get(f["id"], []),
                                  required=f["id"] in required)
        if names:  # each ticket carries its request type under this key (source_tickets)
            yield FieldDefinition(source_id=REQUEST_TYPE_LABEL, object_type="ticket",
                                  key=REQUEST_TYPE_LABEL, title=REQUEST_TYPE_LABEL,
                                  field_type="dropdown", options=names)

    # -- people -------------------------------------------------------------------------
    def _contacts(self) -> Iterator[Contact]:
        membership: dict[str, str] = {}
        for org in self.api.sd_values(f"servicedesk/{self.desk().id}/organization"):
            for user in self.api.sd_values(f"organization/{org['id']}/user"):
                membership.setdefault(user["accountId"], str(org["id"]))
        for user in self.api.sd_values(f"servicedesk/{self.desk().id}/customer",
                                       headers=EXPERIMENTAL):
            yield Contact(source_id=user["accountId"], name=user.get("displayName") or "",
                          email=user.get("emailAddress"),
                          company_id=membership.get(user["accountId"]),
                          active=bool(user.get("active", True)))

    def _agents(self) -> Iterator[Agent]:
        groups: dict[str, list[str]] = {}
        admins: set[str] = set()
        for group in self.api.v3_values("group/bulk"):
            for user in self.api.v3_values("group/member", {
                    "groupId": group["groupId"], "includeInactiveUsers": "true"}):
                groups.setdefault(user["accountId"], []).append(group["groupId"])
                if group["name"] in ("site-admins", "jira-administrators"):
                    admins.add(user["accountId"])
        for user in self.api.v3_values("group/member", {
                "groupname": AGENT_GROUP, "includeInactiveUsers": "true"}):
            yield Agent(source_id=user["accountId"], name=user.get("displayName") or "",
                        email=user.get("emailAddress") or "",
                        role="admin" if user["accountId"] in admins else "agent",
                        active=bool(user.get("active", True)),
                        group_ids=groups.get(user["accountId"], []))



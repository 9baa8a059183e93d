"""People and desk set-up: users, groups, permissions and server info (platform v3);
service desks, request types, customers and organizations (servicedeskapi)."""

from __future__ import annotations

import hashlib
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import json_response

from .base import (
    DEFAULT_LIMIT,
    JsmBase,
    int_arg,
    json_body,
    now_stamp,
    platform_error,
    sd_error,
    sd_slice,
)
from .workflow import ISSUE_TYPES

SD = "/rest/servicedeskapi"
V3 = "/rest/api/3"
EXPERIMENTAL = "X-ExperimentalApi"
PERMISSIONS = ("ADMINISTER", "BROWSE_PROJECTS", "CREATE_ISSUES", "ADD_COMMENTS",
               "CREATE_ATTACHMENTS", "SERVICEDESK_AGENT", "TRANSITION_ISSUES", "DELETE_ISSUES",
               "EDIT_ISSUES")


def account_id(email: str, customer: bool) -> str:
    """A stable Atlassian-looking account id (``qm:`` ids are portal-only customers)."""
    digest = hashlib.sha1(email.lower().encode()).hexdigest()
    return f"qm:{digest[:8]}-{digest[8:12]}:{digest[12:36]}" if customer else \
        f"5b10{digest[:20]}"


def add_user(store: Any, email: str, name: str, *, customer: bool,
             groups: tuple[str, ...] = (), active: bool = True) -> dict:
    return store.insert("users", {
        "accountId": account_id(email, customer), "emailAddress": email, "displayName": name,
        "accountType": "customer" if customer else "atlassian", "active": active,
        "groups": list(groups), "properties": {}})


class PeopleRoutes(JsmBase):
    def people_rules(self) -> list[Rule]:
        return [
            Rule(f"{V3}/serverInfo", methods=["GET"], endpoint="server_info"),
            Rule(f"{V3}/myself", methods=["GET"], endpoint="myself"),
            Rule(f"{V3}/mypermissions", methods=["GET"], endpoint="my_permissions"),
            Rule(f"{V3}/user", methods=["GET"], endpoint="get_user"),
            Rule(f"{V3}/user", methods=["DELETE"], endpoint="delete_user"),
            Rule(f"{V3}/user/search", methods=["GET"], endpoint="search_users"),
            Rule(f"{V3}/users/search", methods=["GET"], endpoint="all_users"),
            Rule(f"{V3}/user/properties/<key>", methods=["GET"], endpoint="get_user_prop"),
            Rule(f"{V3}/user/properties/<key>", methods=["PUT"], endpoint="put_user_prop"),
            Rule(f"{V3}/group/bulk", methods=["GET"], endpoint="groups"),
            Rule(f"{V3}/group/member", methods=["GET"], endpoint="group_members"),
            Rule(f"{V3}/project/<key>", methods=["GET"], endpoint="get_project"),
            Rule(f"{SD}/info", methods=["GET"], endpoint="sd_info"),
            Rule(f"{SD}/servicedesk", methods=["GET"], endpoint="list_desks"),
            Rule(f"{SD}/servicedesk/<desk_id>", methods=["GET"], endpoint="get_desk"),
            Rule(f"{SD}/servicedesk/<desk_id>/requesttype", methods=["GET"],
                 endpoint="request_types"),
            Rule(f"{SD}/servicedesk/<desk_id>/requesttype/<int:type_id>/field",
                 methods=["GET"], endpoint="request_type_fields"),
            Rule(f"{SD}/servicedesk/<desk_id>/customer", methods=["GET"],
                 endpoint="desk_customers"),
            Rule(f"{SD}/servicedesk/<desk_id>/customer", methods=["POST"],
                 endpoint="add_desk_customers"),
            Rule(f"{SD}/servicedesk/<desk_id>/organization", methods=["GET"],
                 endpoint="desk_organizations"),
            Rule(f"{SD}/servicedesk/<desk_id>/organization", methods=["POST"],
                 endpoint="add_desk_organization"),
            Rule(f"{SD}/customer", methods=["POST"], endpoint="create_customer"),
            Rule(f"{SD}/organization", methods=["GET"], endpoint="list_organizations"),
            Rule(f"{SD}/organization", methods=["POST"], endpoint="create_organization"),
            Rule(f"{SD}/organization/<int:org_id>", methods=["GET"], endpoint="get_org"),
            Rule(f"{SD}/organization/<int:org_id>", methods=["DELETE"], endpoint="delete_org"),
            Rule(f"{SD}/organization/<int:org_id>/user", methods=["GET"],
                 endpoint="org_users"),
            Rule(f"{SD}/organization/<int:org_id>/user", methods=["POST"],
                 endpoint="add_org_users"),
            Rule(f"{SD}/organization/<int:org_id>/property/<key>", methods=["GET"],
                 endpoint="get_org_prop"),
            Rule(f"{SD}/organization/<int:org_id>/property/<key>", methods=["PUT"],
                 endpoint="put_org_prop"),
        ]

    # -- platform: who and what ---------------------------------------------------------
    def server_info(self, request: Request, user: dict, **_: Any) -> dict:
        return {"baseUrl": self.base_url(request), "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0], "deploymentType": "Cloud",
                "buildNumber": 100280, "buildDate": "2026-11-27T07:04:21.000+0000",
                "serverTime": now_stamp(), "scmInfo": "sandbox",
                "serverTitle": "Jira Service Management sandbox"}

    def myself(self, request: Request, user: dict, **_: Any) -> dict:
        return {**self.render_user(request, user),  # type: ignore[dict-item]
                "groups": {"size": len(user["groups"]),
                           "items": [{"name": g} for g in user["groups"]]}}

    def my_permissions(self, request: Request, user: dict, **_: Any) -> dict:
        wanted = [p for p in request.args.get("permissions", "").split(",") if p]
        if not wanted:
            raise platform_error(400, "The permissions parameter is required.")
        admin = "site-admins" in user["groups"]
        agent = admin or "jira-servicemanagement-users" in user["groups"]
        held = {p: admin if p == "ADMINISTER" else agent for p in PERMISSIONS}
        return {"permissions": {p: {"key": p, "havePermission": held.get(p, False)}
                                for p in wanted}}

    def get_user(self, request: Request, user: dict, **_: Any) -> dict:
        found = self.user_by_account(request.args.get("accountId"))
        if found is None:
            raise platform_error(404, "Specified user does not exist or you do not have "
                                      "required permissions")
        return self.render_user(request, found)  # type: ignore[return-value]

    def delete_user(self, request: Request, user: dict, **_: Any) -> Response:
        if "site-admins" not in user["groups"]:
            raise platform_error(403, "You do not have permission to delete users.")
        found = self.user_by_account(request.args.get("accountId"))
        if found is None:
            raise platform_error(404, "Specified user does not exist.")
        self.store.delete("users", found["id"])
        return Response(status=204)

    def search_users(self, request: Request, user: dict, **_: Any) -> list[dict]:
        """Active users only: ``query`` matches the start of a name or of an email (admins
        see emails), ``accountId`` an account exactly."""
        query = (request.args.get("query") or "").lower()
        account = request.args.get("accountId")
        if not query and not account:
            raise platform_error(400, "One of 'query' or 'accountId' is required.")
        rows = [u for u in self.store.query("users") if u["active"]
                and (account is None or u["accountId"] == account)
                and (not query or u["emailAddress"].lower().startswith(query)
                     or u["displayName"].lower().startswith(query))]
        start = int_arg(request, "startAt", 0)
        size = int_arg(request, "maxResults", DEFAULT_LIMIT, 1000)
        return [self.render_user(request, u) for u in rows[start:start + size]]  # type: ignore

    def all_users(self, request: Request, user: dict, **_: Any) -> list[dict]:
        start = int_arg(request, "startAt", 0)
        size = int_arg(request, "maxResults", DEFAULT_LIMIT, 1000)
        rows = self.store.query("users", limit=size, offset=start)
        return [self.render_user(request, u) for u in rows]  # type: ignore[misc]

    def get_user_prop(self, request: Request, user: dict, key: str) -> dict:
        found = self.user_by_account(request.args.get("accountId"))
        if found is None or key not in found["properties"]:
            raise platform_error(404, f"The property with key '{key}' does not exist.")
        return {"key": key, "value": found["properties"][key]}

    def put_user_prop(self, request: Request, user: dict, key: str) -> Response:
        found = self.user_by_account(request.args.get("accountId"))
        if found is None:
            raise platform_error(404, "Specified user does not exist.")
        created = key not in found["properties"]
        found["properties"][key] = json_body(request)
        self.store.put("users", found)
        return Response(status=201 if created else 200)

    def groups(self, request: Request, user: dict, **_: Any) -> dict:
        names = sorted({g for u in self.store.query("users") for g in u["groups"]})
        start = int_arg(request, "startAt", 0)
        size = int_arg(request, "maxResults", DEFAULT_LIMIT, 50)
        page = names[start:start + size]
        return {"maxResults": size, "startAt": start, "total": len(names),
                "isLast": start + size >= len(names),
                "values": [{"name": n, "groupId": _group_id(n)} for n in page]}

    def group_members(self, request: Request, user: dict, **_: Any) -> dict:
        wanted = request.args.get("groupname")
        group_id = request.args.get("groupId")
        rows = [u for u in self.store.query("users") if any(
            g == wanted or _group_id(g) == group_id for g in u["groups"])]
        if not rows:
            raise platform_error(404, "Specified group does not exist.")
        if request.args.get("includeInactiveUsers") != "true":
            rows = [u for u in rows if u["active"]]
        start = int_arg(request, "startAt", 0)
        size = int_arg(request, "maxResults", DEFAULT_LIMIT, 50)
        return {"maxResults": size, "startAt": start, "total": len(rows),
                "isLast": start + size >= len(rows),
                "values": [self.render_user(request, u) for u in rows[start:start + size]]}

    def get_project(self, request: Request, user: dict, key: str) -> dict:
        desk = next((d for d in self.store.query("servicedesks")
                     if key in (d["projectKey"], str(d["projectId"]))), None)
        if desk is None:
            raise platform_error(404, f"No project could be found with key '{key}'.")
        base = self.base_url(request)
        return {"self": f"{base}{V3}/project/{desk['projectId']}", "id": str(desk["projectId"]),
                "key": desk["projectKey"], "name": desk["projectName"],
                "projectTypeKey": "service_desk", "simplified": False, "style": "classic",
                "issueTypes": [{"id": i, "name": n, "subtask": False}
                               for i, n in ISSUE_TYPES.items()]}

    # -- servicedeskapi: desks and request types ----------------------------------------
    def sd_info(self, request: Request, user: dict, **_: Any) -> dict:
        return {"version": "10.6.0", "platformVersion": "1001.0.0",
                "buildDate": {"iso8601": "2026-11-27T07:04:21+0000"}, "buildChangeSet": "x",
                "isLicensedForUse": True, "_links": {"self": self.base_url(request)}}

    def render_desk(self, request: Request, desk: dict) -> dict:
        return {"id": str(desk["id"]), "projectId": str(desk["projectId"]),
                "projectName": desk["projectName"], "projectKey": desk["projectKey"],
                "_links": {"self": f"{self.base_url(request)}{SD}/servicedesk/{desk['id']}"}}

    def list_desks(self, request: Request, user: dict, **_: Any) -> Response:
        return sd_slice(request, lambda n, o: self.store.query("servicedesks", limit=n,
                                                               offset=o),
                        lambda d: self.render_desk(request, d), "/servicedesk")

    def get_desk(self, request: Request, user: dict, desk_id: str) -> dict:
        return self.render_desk(request, self.desk(desk_id))

    def render_type(self, request: Request, row: dict) -> dict:
        return {"id": str(row["id"]), "name": row["name"], "description": row["description"],
                "helpText": "", "issueTypeId": str(row["issueTypeId"]),
                "serviceDeskId": str(row["serviceDeskId"]),
                "groupIds": [str(g) for g in row.get("groupIds", [])],
                "_links": {"self": f"{self.base_url(request)}{SD}/servicedesk/"
                                   f"{row['serviceDeskId']}/requesttype/{row['id']}"}}

    def request_types(self, request: Request, user: dict, desk_id: str) -> Response:
        desk = self.desk(desk_id)
        rows = self.store.query("requesttypes", "json_extract(doc, '$.serviceDeskId') = ?",
                                [desk["id"]])
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda r: self.render_type(request, r),
                        f"/servicedesk/{desk['id']}/requesttype")

    def request_type_fields(self, request: Request, user: dict, desk_id: str, type_id: int
                            ) -> dict:
        self.desk(desk_id)
        row = self.store.get("requesttypes", type_id)
        if row is None:
            raise sd_error(404, "The request type does not exist.")
        return {"canAddRequestParticipants": True, "canRaiseOnBehalfOf": True,
                "requestTypeFields": row["fields"]}

    # -- servicedeskapi: customers ------------------------------------------------------
    def desk_customers(self, request: Request, user: dict, desk_id: str) -> Response:
        if request.headers.get(EXPERIMENTAL) != "opt-in":
            raise sd_error(400, "This API is experimental. Experimental APIs are not "
                                "guaranteed to be stable. Set the X-ExperimentalApi header "
                                "to opt-in.", "sd.experimental.api.not.enabled")
        desk = self.desk(desk_id)
        query = (request.args.get("query") or "").lower()
        rows = [u for u in (self.user_by_account(a) for a in desk["customers"]) if u and (
            not query or query in u["emailAddress"].lower()
            or query in u["displayName"].lower())]
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda u: self.sd_user(request, u), f"/servicedesk/{desk['id']}/customer")

    def add_desk_customers(self, request: Request, user: dict, desk_id: str) -> Response:
        desk = self.desk(desk_id)
        for account in json_body(request).get("accountIds") or []:
            if self.user_by_account(account) is None:
                raise sd_error(400, f"The user {account} does not exist.")
            if account not in desk["customers"]:
                desk["customers"].append(account)
        self.store.put("servicedesks", desk)
        return Response(status=204)

    def create_customer(self, request: Request, user: dict, **_: Any) -> Response:
        body = json_body(request)
        email = body.get("email")
        name = body.get("displayName") or body.get("fullName")  # fullName: deprecated
        if not isinstance(email, str) or "@" not in email:
            raise sd_error(400, "The email address is not valid.", "sd.customer.email.invalid")
        existing = self.user_by_email(email)
        if existing is not None:
            status = 409 if request.args.get("strictConflictStatusCode") == "true" else 400
            raise sd_error(status, f"An account already exists for this email: {email}",
                           "sd.customer.create.error.user.exists")
        created = add_user(self.store, email, name or email, customer=True)
        return json_response(self.sd_user(request, created), 201)

    # -- servicedeskapi: organizations --------------------------------------------------
    def render_org(self, request: Request, org: dict) -> dict:
        return {"id": str(org["id"]), "name": org["name"], "scimManaged": False,
                "_links": {"self": f"{self.base_url(request)}{SD}/organization/{org['id']}"}}

    def org(self, org_id: int) -> dict:
        found = self.store.get("organizations", org_id)
        if found is None:
            raise sd_error(404, f"Organization {org_id} does not exist.",
                           "sd.organization.error.not.found")
        return found

    def list_organizations(self, request: Request, user: dict, **_: Any) -> Response:
        account = request.args.get("accountId")
        rows = [o for o in self.store.query("organizations")
                if account is None or account in o["members"]]
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda o: self.render_org(request, o), "/organization")

    def create_organization(self, request: Request, user: dict, **_: Any) -> Response:
        name = json_body(request).get("name")
        if not isinstance(name, str) or not name.strip():
            raise sd_error(400, "The organization name is required.")
        if self.store.query("organizations", "lower(json_extract(doc, '$.name')) = ?",
                            [name.strip().lower()], limit=1):
            raise sd_error(400, f"An organization with this name already exists: {name}",
                           "sd.admin.organization.error.duplicate.name")
        org = self.store.insert("organizations", {"name": name.strip(), "members": [],
                                                  "properties": {}})
        return json_response(self.render_org(request, org), 201)

    def get_org(self, request: Request, user: dict, org_id: int) -> dict:
        return self.render_org(request, self.org(org_id))

    def delete_org(self, request: Request, user: dict, org_id: int) -> Response:
        self.org(org_id)
        self.store.delete("organizations", org_id)
        return Response(status=204)

    def org_users(self, request: Request, user: dict, org_id: int) -> Response:
        members = [self.user_by_account(a) for a in self.org(org_id)["members"]]
        rows = [m for m in members if m]
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda u: self.sd_user(request, u), f"/organization/{org_id}/user")

    def add_org_users(self, request: Request, user: dict, org_id: int) -> Response:
        org = self.org(org_id)
        for account in json_body(request).get("accountIds") or []:
            if self.user_by_account(account) is None:
                raise sd_error(400, f"The user {account} does not exist.")
            if account not in org["members"]:
                org["members"].append(account)
        self.store.put("organizations", org)
        return Response(status=204)

    def desk_organizations(self, request: Request, user: dict, desk_id: str) -> Response:
        desk = self.desk(desk_id)
        rows = [o for o in (self.store.get("organizations", i) for i in desk["organizations"])
                if o]
        return sd_slice(request, lambda n, o: rows[o:o + n],
                        lambda o: self.render_org(request, o),
                        f"/servicedesk/{desk['id']}/organization")

    def add_desk_organization(self, request: Request, user: dict, desk_id: str) -> Response:
        desk = self.desk(desk_id)
        given = str(json_body(request).get("organizationId"))
        if not given.isdigit():
            raise sd_error(400, "The organizationId is required.")
        org_id = self.org(int(given))["id"]
        if org_id not in desk["organizations"]:
            desk["organizations"].append(org_id)
            self.store.put("servicedesks", desk)
        return Response(status=204)

    def get_org_prop(self, request: Request, user: dict, org_id: int, key: str) -> dict:
        org = self.org(org_id)
        if key not in org["properties"]:
            raise sd_error(404, f"The property with key '{key}' does not exist.")
        return {"key": key, "value": org["properties"][key]}

    def put_org_prop(self, request: Request, user: dict, org_id: int, key: str) -> Response:
        org = self.org(org_id)
        created = key not in org["properties"]
        org["properties"][key] = json_body(request)
        self.store.put("organizations", org)
        return Response(status=201 if created else 200)


def _group_id(name: str) -> str:
    digest = hashlib.sha1(name.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

"""Sandbox handlers for users and organizations: list, show, search, create (one or in
bulk), delete and the cursor exports (groups are in ``groups.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response
from deskmigrate.sandbox.app import ApiHTTPError

from .identities import EMAIL_RE, TAKEN, add, checked, email_taken, sideload
from .jobs import JobQueue, queued
from .paging import incremental_cursor, incremental_time, list_page
from .support import (
    Ids,
    bad_request,
    base_url,
    body,
    count_body,
    failure_details,
    id_list,
    invalid,
    iso,
    not_found,
    now,
    rendered,
    routes,
)

EMAIL = "json_extract(doc, '$.email')"
EXTERNAL = "json_extract(doc, '$.external_id')"
ROLE = "json_extract(doc, '$.role')"
ACTIVE = "json_extract(doc, '$.active') = 1"
ROLES = ("end-user", "agent", "admin")
def _role_filter(request: Request) -> tuple[str, list[Any]]:
    roles = request.args.getlist("role[]") or request.args.getlist("role")
    if not roles:
        return ACTIVE, []
    if any(r not in ROLES for r in roles):
        raise bad_request("InvalidValue", "role must be end-user, agent or admin")
    return f"{ACTIVE} AND {ROLE} IN ({','.join('?' * len(roles))})", roles


class PeopleHandlers:
    """Users and organizations."""

    store: SandboxStore
    ids: Ids
    jobs: JobQueue
    forget_user: Callable[[int], None]  # the app drops cached credentials of a changed user

    def people_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/users/me", "me"), *r("/users", "list_users"),
            *r("/users", "create_user", ("POST",)), *r("/users/count", "count_users"),
            *r("/users/<int:user_id>", "show_user"),
            *r("/users/<int:user_id>", "delete_user", ("DELETE",)),
            *r("/users/show_many", "show_many_users"), *r("/users/search", "search_users"),
            *r("/users/create_many", "create_many_users", ("POST",)),
            *r("/users/destroy_many", "destroy_many_users", ("DELETE",)),
            *r("/deleted_users/count", "count_deleted_users"),
            *r("/incremental/users/cursor", "export_users"),
            *r("/organizations", "list_organizations"),
            *r("/organizations", "create_organization", ("POST",)),
            *r("/organizations/count", "count_organizations"),
            *r("/organizations/<int:org_id>", "show_organization"),
            *r("/organizations/<int:org_id>", "delete_organization", ("DELETE",)),
            *r("/organizations/show_many", "show_many_organizations"),
            *r("/organizations/search", "search_organizations"),
            *r("/organizations/create_many", "create_many_organizations", ("POST",)),
            *r("/organizations/destroy_many", "destroy_many_organizations", ("DELETE",)),
            *r("/incremental/organizations", "export_organizations"),
        ]

    # -- users --------------------------------------------------------------------------
    def me(self, request: Request, user: dict) -> dict[str, Any]:
        return {"user": rendered("users", base_url(request))(user)}

    def list_users(self, request: Request, user: dict) -> dict[str, Any]:
        where, params = _role_filter(request)
        return list_page(request, self.store, "users", "users",
                         rendered("users", base_url(request)), where, params)

    def count_users(self, request: Request, user: dict) -> dict[str, Any]:
        where, params = _role_filter(request)
        return count_body(self.store.count("users", where, params))

    def count_deleted_users(self, request: Request, user: dict) -> dict[str, Any]:
        return count_body(self.store.count("users", "json_extract(doc, '$.active') = 0"))

    def show_user(self, request: Request, user: dict, user_id: int) -> dict[str, Any]:
        doc = self._get("users", user_id)
        return {"user": rendered("users", base_url(request))(doc),
                **sideload(request, self.store, [doc])}

    def show_many_users(self, request: Request, user: dict) -> dict[str, Any]:
        render = rendered("users", base_url(request))
        if "external_ids" in request.args:
            wanted = [x for x in request.args["external_ids"].split(",") if x]
            rows = self.store.query("users", f"{EXTERNAL} IN ({','.join('?' * len(wanted))})",
                                    wanted) if wanted else []
        else:
            rows = [d for d in (self.store.get("users", i) for i in id_list(request)) if d]
        return {"users": [render(d) for d in rows], **sideload(request, self.store, rows)}

    def search_users(self, request: Request, user: dict) -> dict[str, Any]:
        if "external_id" in request.args:
            where, params = f"{EXTERNAL} = ?", [request.args["external_id"]]
        else:
            query = request.args.get("query", "").strip()
            if not query:
                raise bad_request("InvalidValue", "query or external_id is required")
            field, _, value = query.partition(":") if ":" in query else ("", "", query)
            value = value.strip().strip('"')
            if field == "email" or (not field and "@" in value):
                where, params = f"{EMAIL} = ?", [value.lower()]
            elif field in ("", "name"):
                where, params = "json_extract(doc, '$.name') LIKE ?", [f"%{value}%"]
            elif field == "external_id":
                where, params = f"{EXTERNAL} = ?", [value]
            else:
                raise bad_request("InvalidValue", f"Unsupported search field '{field}'")
        return list_page(request, self.store, "users", "users",
                         rendered("users", base_url(request)), f"{ACTIVE} AND {where}", params)

    def create_user(self, request: Request, user: dict) -> Response:
        doc = self.store.put("users", self._new_user(body(request, "user")))
        return json_response({"user": rendered("users", base_url(request))(doc)}, 201)

    def create_many_users(self, request: Request, user: dict) -> dict[str, Any]:
        items = self._bulk(request, "users")
        return self._create_many(request, "users", items, self._new_user, "bulk_create_users")

    def delete_user(self, request: Request, user: dict, user_id: int) -> dict[str, Any]:
        doc = self._get("users", user_id)
        doc = self._deactivate(doc)
        return {"user": rendered("users", base_url(request))(doc)}

    def destroy_many_users(self, request: Request, user: dict) -> dict[str, Any]:
        results = []
        for uid in id_list(request):
            doc = self.store.get("users", uid)
            if doc is None or not doc["active"]:
                results.append({"id": uid, "error": "RecordNotFound", "success": False})
            else:
                self._deactivate(doc)
                results.append({"id": uid, "action": "delete", "status": "Deleted",
                                "success": True})
        return queued(self.jobs, request, "bulk_delete_users", results, len(results))

    def export_users(self, request: Request, user: dict) -> dict[str, Any]:
        return incremental_cursor(request, self.store, "users", "users",
                                  rendered("users", base_url(request)))

    def _deactivate(self, doc: dict[str, Any]) -> dict[str, Any]:
        role = "end-user" if doc["role"] != "end-user" else doc["role"]  # agents are downgraded
        doc = {**doc, "active": False, "role": role, "updated_at": iso(now()), "_ts": now()}
        self.forget_user(doc["id"])
        return self.store.put("users", doc)

    def _match_user(self, data: dict[str, Any]) -> dict[str, Any] | None:
        for field, value in (("email", (data.get("email") or "").lower()),
                             ("external_id", data.get("external_id"))):
            if value:
                rows = self.store.query("users", f"{ACTIVE} AND json_extract(doc, '$.{field}')"
                                        " = ?", [value], limit=1)
                if rows:
                    return rows[0]
        return None

    def _new_user(self, data: dict[str, Any]) -> dict[str, Any]:
        name = (data.get("name") or "").strip()
        email = (data.get("email") or "").strip().lower() or None
        role = data.get("role") or "end-user"
        if not name:
            raise invalid("Record validation errors", {"name": "cannot be blank"})
        if role not in ROLES:
            raise invalid("Record validation errors", {"role": f"'{role}' is not a role"})
        if email and not EMAIL_RE.match(email):
            raise invalid("Record validation errors", {"email": f"{email} is not valid"})
        if email and email_taken(self.store, email):
            raise invalid("Record validation errors", {"email": f"{email} {TAKEN}"})
        others = checked(self.store, data.get("identities"), email)
        org_id = data.get("organization_id")
        if org_id is not None and self.store.get("organizations", org_id) is None:
            raise invalid("Record validation errors", {"organization": "does not exist"})
        stamp, user_id = now(), self.ids.next("users")
        add(self.store, self.ids, user_id, others)
        keys = [f["key"] for f in self.store.query("user_fields")]
        values = data.get("user_fields") or {}
        return {
            "id": user_id, "name": name, "email": email, "role": role, "active": True,
            "suspended": bool(data.get("suspended", False)), "organization_id": org_id,
            "external_id": data.get("external_id"), "phone": data.get("phone"),
            "tags": sorted(set(data.get("tags") or [])), "verified": bool(data.get("verified")),
            "user_fields": {k: values.get(k) for k in keys}, "details": data.get("details", ""),
            "notes": data.get("notes", ""), "time_zone": "UTC", "locale": "en-US",
            "default_group_id": data.get("default_group_id"),
            "created_at": iso(stamp), "updated_at": iso(stamp), "_ts": stamp,
        }

    # -- organizations ------------------------------------------------------------------
    def list_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        return list_page(request, self.store, "organizations", "organizations",
                         rendered("organizations", base_url(request)))

    def count_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        return count_body(self.store.count("organizations"))

    def show_organization(self, request: Request, user: dict, org_id: int) -> dict[str, Any]:
        doc = self._get("organizations", org_id)
        return {"organization": rendered("organizations", base_url(request))(doc)}

    def show_many_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        render = rendered("organizations", base_url(request))
        rows = [d for d in (self.store.get("organizations", i) for i in id_list(request)) if d]
        return {"organizations": [render(d) for d in rows]}

    def search_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        if "external_id" in request.args:
            where, params = f"{EXTERNAL} = ?", [request.args["external_id"]]
        elif "name" in request.args:
            where, params = "lower(json_extract(doc, '$.name')) = ?", [
                request.args["name"].lower()]
        else:
            raise bad_request("InvalidValue", "external_id or name is required")
        rows = self.store.query("organizations", where, params)
        render = rendered("organizations", base_url(request))
        return {"organizations": [render(d) for d in rows], "count": len(rows),
                "next_page": None, "previous_page": None}

    def create_organization(self, request: Request, user: dict) -> Response:
        doc = self.store.insert("organizations", self._new_org(body(request, "organization")),
                                id=self.ids.next("organizations"))
        return json_response(
            {"organization": rendered("organizations", base_url(request))(doc)}, 201)

    def create_many_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        items = self._bulk(request, "organizations")
        return self._create_many(request, "organizations", items, self._new_org,
                                 "bulk_create_organizations")

    def delete_organization(self, request: Request, user: dict, org_id: int) -> Response:
        self._get("organizations", org_id)
        self.store.delete("organizations", org_id)
        return Response(status=204)

    def destroy_many_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        results = [{"id": i, "success": self.store.delete("organizations", i)}
                   for i in id_list(request)]
        return queued(self.jobs, request, "bulk_delete_organizations", results, len(results))

    def export_organizations(self, request: Request, user: dict) -> dict[str, Any]:
        render = rendered("organizations", base_url(request))
        return incremental_time(request, self.store, "organizations", "organizations",
                                lambda rows: [render(r) for r in rows])

    def _new_org(self, data: dict[str, Any]) -> dict[str, Any]:
        name = (data.get("name") or "").strip()
        if not name:
            raise invalid("Record validation errors", {"name": "cannot be blank"})
        if self.store.count("organizations", "lower(json_extract(doc, '$.name')) = ?",
                            [name.lower()]):
            raise invalid("Record validation errors", {"name": "has already been taken"})
        stamp = now()
        keys = [f["key"] for f in self.store.query("organization_fields")]
        values = data.get("organization_fields") or {}
        return {
            "name": name, "external_id": data.get("external_id"),
            "domain_names": list(data.get("domain_names") or []),
            "tags": sorted(set(data.get("tags") or [])), "details": data.get("details", ""),
            "notes": data.get("notes", ""), "group_id": data.get("group_id"),
            "shared_tickets": bool(data.get("shared_tickets")),
            "shared_comments": bool(data.get("shared_comments")),
            "organization_fields": {k: values.get(k) for k in keys},
            "created_at": iso(stamp), "updated_at": iso(stamp), "_ts": stamp,
        }

    # -- shared -------------------------------------------------------------------------
    def _get(self, collection: str, doc_id: int) -> dict[str, Any]:
        doc = self.store.get(collection, doc_id)
        if doc is None:
            raise not_found()
        return doc

    def _bulk(self, request: Request, root: str) -> list[dict[str, Any]]:
        items = body(request, root)
        if not isinstance(items, list):
            raise bad_request("InvalidValue", f"'{root}' must be an array")
        if len(items) > 100:
            raise bad_request("TooManyValues", f"You can only create up to 100 {root} at once")
        return items

    def _create_many(self, request: Request, collection: str, items: list[dict[str, Any]],
                     build: Any, job_type: str) -> dict[str, Any]:
        """Results as Zendesk gives them for users and organizations: in request order, no
        ``index``; ``{id, status: "Created"}`` (users add their email), a failure
        ``{id: <position>, error, details, status: "Failed"}``."""
        results: list[dict[str, Any]] = []
        for index, data in enumerate(items):
            try:
                doc = build(data if isinstance(data, dict) else {})
            except ApiHTTPError as exc:  # one invalid item fails alone, as on Zendesk
                results.append({"id": index, "error": "RecordInvalid", "status": "Failed",
                                "details": failure_details(exc)})
                continue
            doc = self.store.insert(collection, doc, id=doc.get("id") or self.ids.next(collection))
            result = {"id": doc["id"], "status": "Created"}
            if collection == "users" and doc.get("email"):
                result["email"] = doc["email"]
            results.append(result)
        return queued(self.jobs, request, job_type, results, len(items))

"""Sandbox handlers that change people and organizations in place — ``PUT /users/{id}`` and
``PUT /organizations/{id}`` — and the time-based user export (``/incremental/users``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .identities import TAKEN, email_taken
from .paging import incremental_time
from .support import Ids, base_url, body, invalid, iso, not_found, now, rendered, routes

USER_FIELDS = ("name", "email", "phone", "organization_id", "tags", "user_fields",
               "external_id", "role", "suspended", "notes", "details", "verified",
               "default_group_id", "time_zone", "locale")
ORG_FIELDS = ("name", "external_id", "domain_names", "tags", "details", "notes", "group_id",
              "shared_tickets", "shared_comments", "organization_fields")
ROLES = ("end-user", "agent", "admin")


class PeopleOpsHandlers:
    """Updates of users and organizations, and the time-based user export."""

    store: SandboxStore
    ids: Ids
    forget_user: Callable[[int], None]
    _match_user: Callable[[dict[str, Any]], dict[str, Any] | None]
    _new_user: Callable[[dict[str, Any]], dict[str, Any]]

    def people_op_rules(self) -> list[Rule]:
        return [*routes("/users/<int:user_id>", "update_user", ("PUT",)),
                *routes("/users/create_or_update", "create_or_update_user", ("POST",)),
                *routes("/organizations/<int:org_id>", "update_organization", ("PUT",)),
                *routes("/incremental/users", "export_users_by_time")]

    def update_user(self, request: Request, user: dict, user_id: int) -> dict[str, Any]:
        doc = self.store.get("users", user_id)
        if doc is None or not doc.get("active", True):
            raise not_found()
        changes = {k: v for k, v in body(request, "user").items() if k in USER_FIELDS}
        if "email" in changes:
            email = (changes["email"] or "").strip().lower() or None
            if email and email_taken(self.store, email, but=user_id):
                raise invalid("Record validation errors", {"email": f"{email} {TAKEN}"})
            changes["email"] = email
        if changes.get("role", doc["role"]) not in ROLES:
            raise invalid("Record validation errors", {"role": "is not a role"})
        if "name" in changes and not str(changes["name"] or "").strip():
            raise invalid("Record validation errors", {"name": "cannot be blank"})
        self._check_org(changes.get("organization_id"))
        if "user_fields" in changes:
            changes["user_fields"] = {**doc.get("user_fields", {}),
                                      **(changes["user_fields"] or {})}
        stamp = now()
        doc = self.store.put("users", {**doc, **changes, "updated_at": iso(stamp),
                                       "_ts": stamp})
        self.forget_user(user_id)
        return {"user": rendered("users", base_url(request))(doc)}

    def create_or_update_user(self, request: Request, user: dict) -> Response:
        """Matched on email, then ``external_id``: updated (200) or created (201)."""
        data = body(request, "user")
        existing = self._match_user(data)
        base = base_url(request)
        if existing is None:
            doc = self.store.put("users", self._new_user(data))
            return json_response({"user": rendered("users", base)(doc)}, 201)
        allowed = {k: v for k, v in data.items() if k in USER_FIELDS and k != "email"}
        stamp = now()
        doc = self.store.put("users", {**existing, **allowed, "updated_at": iso(stamp),
                                       "_ts": stamp})
        self.forget_user(doc["id"])
        return json_response({"user": rendered("users", base)(doc)}, 200)

    def update_organization(self, request: Request, user: dict, org_id: int
                            ) -> dict[str, Any]:
        doc = self.store.get("organizations", org_id)
        if doc is None:
            raise not_found()
        changes = {k: v for k, v in body(request, "organization").items() if k in ORG_FIELDS}
        name = str(changes.get("name", doc["name"]) or "").strip()
        if not name:
            raise invalid("Record validation errors", {"name": "cannot be blank"})
        if self.store.count("organizations", "lower(json_extract(doc, '$.name')) = ? AND "
                            "id != ?", [name.lower(), org_id]):
            raise invalid("Record validation errors", {"name": "has already been taken"})
        if "organization_fields" in changes:
            changes["organization_fields"] = {**doc.get("organization_fields", {}),
                                              **(changes["organization_fields"] or {})}
        stamp = now()
        doc = self.store.put("organizations", {**doc, **changes, "name": name,
                                               "updated_at": iso(stamp), "_ts": stamp})
        return {"organization": rendered("organizations", base_url(request))(doc)}

    def export_users_by_time(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        return incremental_time(request, self.store, "users", "users",
                                lambda rows: [rendered("users", base)(r) for r in rows])

    def _check_org(self, org_id: Any) -> None:
        if org_id is not None and self.store.get("organizations", org_id) is None:
            raise invalid("Record validation errors", {"organization": "does not exist"})

"""Sandbox handlers for groups and their memberships (agents only, one membership per
agent and group; deleting a group removes its memberships)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .paging import list_page
from .support import Ids, base_url, body, count_body, invalid, iso, not_found, now, rendered, routes


class GroupHandlers:
    """Groups and group memberships."""

    store: SandboxStore
    ids: Ids
    _get: Callable[[str, int], dict[str, Any]]

    def group_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/groups", "list_groups"), *r("/groups", "create_group", ("POST",)),
            *r("/groups/count", "count_groups"), *r("/groups/<int:group_id>", "show_group"),
            *r("/groups/<int:group_id>", "delete_group", ("DELETE",)),
            *r("/group_memberships", "list_memberships"),
            *r("/group_memberships", "create_membership", ("POST",)),
            *r("/group_memberships/<int:membership_id>", "delete_membership", ("DELETE",)),
            *r("/users/<int:user_id>/group_memberships", "list_user_memberships"),
        ]

    def list_groups(self, request: Request, user: dict) -> dict[str, Any]:
        return list_page(request, self.store, "groups", "groups",
                         rendered("groups", base_url(request)),
                         "json_extract(doc, '$.deleted') = 0")

    def count_groups(self, request: Request, user: dict) -> dict[str, Any]:
        return count_body(self.store.count("groups", "json_extract(doc, '$.deleted') = 0"))

    def show_group(self, request: Request, user: dict, group_id: int) -> dict[str, Any]:
        return {"group": rendered("groups", base_url(request))(self._get("groups", group_id))}

    def create_group(self, request: Request, user: dict) -> Response:
        data = body(request, "group")
        name = (data.get("name") or "").strip()
        if not name:
            raise invalid("Record validation errors", {"name": "cannot be blank"})
        stamp = now()
        doc = self.store.insert("groups", {
            "name": name, "description": data.get("description", ""), "default": False,
            "deleted": False, "is_public": True, "created_at": iso(stamp),
            "updated_at": iso(stamp), "_ts": stamp}, id=self.ids.next("groups"))
        return json_response({"group": rendered("groups", base_url(request))(doc)}, 201)

    def delete_group(self, request: Request, user: dict, group_id: int) -> Response:
        doc = self._get("groups", group_id)
        if doc["deleted"]:
            raise not_found()
        self.store.put("groups", {**doc, "deleted": True, "_ts": now()})
        for membership in self.store.query("group_memberships",
                                           "json_extract(doc, '$.group_id') = ?", [group_id]):
            self.store.delete("group_memberships", membership["id"])
        return Response(status=204)

    def list_memberships(self, request: Request, user: dict) -> dict[str, Any]:
        return list_page(request, self.store, "group_memberships", "group_memberships",
                         rendered("group_memberships", base_url(request)))

    def list_user_memberships(self, request: Request, user: dict, user_id: int
                              ) -> dict[str, Any]:
        self._get("users", user_id)
        return list_page(request, self.store, "group_memberships", "group_memberships",
                         rendered("group_memberships", base_url(request)),
                         "json_extract(doc, '$.user_id') = ?", [user_id])

    def delete_membership(self, request: Request, user: dict, membership_id: int) -> Response:
        self._get("group_memberships", membership_id)
        self.store.delete("group_memberships", membership_id)
        return Response(status=204)

    def create_membership(self, request: Request, user: dict) -> Response:
        data = body(request, "group_membership")
        member = self.store.get("users", data.get("user_id"))
        group = self.store.get("groups", data.get("group_id"))
        if member is None or member["role"] == "end-user" or not member["active"]:
            raise invalid("Record validation errors", {"user": "must be an agent"})
        if group is None or group["deleted"]:
            raise invalid("Record validation errors", {"group": "does not exist"})
        if self.store.count("group_memberships", "json_extract(doc, '$.user_id') = ? AND "
                            "json_extract(doc, '$.group_id') = ?", [member["id"], group["id"]]):
            raise invalid("Record validation errors", {"user": "is already in this group"})
        stamp = now()
        doc = self.store.insert("group_memberships", {
            "user_id": member["id"], "group_id": group["id"], "default": False,
            "created_at": iso(stamp), "updated_at": iso(stamp), "_ts": stamp},
            id=self.ids.next("group_memberships"))
        return json_response(
            {"group_membership": rendered("group_memberships", base_url(request))(doc)}, 201)

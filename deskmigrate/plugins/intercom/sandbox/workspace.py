"""Admins, teams, tags and data attributes: the workspace around the conversations.
Admins and teams are read-only through the API, as in Intercom."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .base import IntercomBase, fail, json_body, not_found

MODELS = ("contact", "company", "conversation")
DATA_TYPES = ("string", "integer", "float", "boolean", "date", "datetime")
BUILT_IN = {  # a few of the standard attributes Intercom lists with the custom ones
    "contact": [("name", "Name", "string"), ("email", "Email", "string"),
                ("phone", "Phone", "string")],
    "company": [("name", "Company name", "string"), ("company_id", "Company ID", "string")],
    "conversation": [],
}


class WorkspaceRoutes(IntercomBase):
    def workspace_rules(self) -> Iterable[Rule]:
        return [
            Rule("/me", methods=["GET"], endpoint="get_me"),
            Rule("/admins", methods=["GET"], endpoint="list_admins"),
            Rule("/admins/<admin_id>", methods=["GET"], endpoint="get_admin"),
            Rule("/teams", methods=["GET"], endpoint="list_teams"),
            Rule("/teams/<team_id>", methods=["GET"], endpoint="get_team"),
            Rule("/tags", methods=["GET"], endpoint="list_tags"),
            Rule("/tags/<tag_id>", methods=["GET"], endpoint="get_tag"),
            Rule("/tags/<tag_id>", methods=["DELETE"], endpoint="delete_tag"),
            Rule("/data_attributes", methods=["GET"], endpoint="list_data_attributes"),
            Rule("/data_attributes", methods=["POST"], endpoint="create_data_attribute"),
            Rule("/data_attributes/<attribute_id>", methods=["PUT"],
                 endpoint="update_data_attribute"),
        ]

    # -- admins and teams -----------------------------------------------------------------
    def render_admin(self, doc: dict) -> dict:
        return {"type": "admin", "id": str(doc["id"]), "name": doc["name"],
                "email": doc["email"], "job_title": doc.get("job_title") or "",
                "away_mode_enabled": doc.get("away", False), "away_mode_reassign": False,
                "has_inbox_seat": doc.get("has_inbox_seat", True),
                "team_ids": [int(t) for t in doc.get("team_ids", [])]}

    def get_me(self, request: Request, user: dict, **_: Any) -> dict:
        return {"type": "admin", "id": str(user["id"]), "email": user["email"],
                "name": user["name"], "email_verified": True,
                "app": {"type": "app", "id_code": "sandbox0app", "name": "Sandbox",
                        "created_at": 1_700_000_000, "secure": False,
                        "identity_verification": False, "timezone": "Etc/UTC",
                        "region": "US"},
                "avatar": {"type": "avatar", "image_url": None}, "has_inbox_seat": True}

    def list_admins(self, request: Request, user: dict, **_: Any) -> dict:
        return {"type": "admin.list",
                "admins": [self.render_admin(a) for a in self.store.query("admins")]}

    def get_admin(self, request: Request, user: dict, admin_id: str) -> dict:
        doc = self.store.get("admins", admin_id)
        if doc is None:
            raise not_found("Admin Not Found")
        return self.render_admin(doc)

    def render_team(self, doc: dict) -> dict:
        return {"type": "team", "id": str(doc["id"]), "name": doc["name"],
                "admin_ids": [int(a) for a in doc.get("admin_ids", [])]}

    def list_teams(self, request: Request, user: dict, **_: Any) -> dict:
        return {"type": "team.list",
                "teams": [self.render_team(t) for t in self.store.query("teams")]}

    def get_team(self, request: Request, user: dict, team_id: str) -> dict:
        doc = self.store.get("teams", team_id)
        if doc is None:
            raise not_found("Team Not Found")
        return self.render_team(doc)

    # -- tags -----------------------------------------------------------------------------
    def render_tag(self, doc: dict) -> dict:
        return {"type": "tag", "id": str(doc["id"]), "name": doc["name"]}

    def tag_named(self, name: str) -> dict:
        """The tag called ``name``, created when missing (Intercom's create-or-update)."""
        found = self.store.query("tags", "lower(json_extract(doc, '$.name')) = lower(?)",
                                 (name,))
        return found[0] if found else self.store.insert("tags", {"name": name})

    def list_tags(self, request: Request, user: dict, **_: Any) -> dict:
        return {"type": "list", "data": [self.render_tag(t) for t in self.store.query("tags")]}

    def get_tag(self, request: Request, user: dict, tag_id: str) -> dict:
        doc = self.store.get("tags", tag_id)
        if doc is None:
            raise not_found()
        return self.render_tag(doc)

    def delete_tag(self, request: Request, user: dict, tag_id: str) -> Any:
        if not self.store.delete("tags", int(tag_id) if tag_id.isdigit() else 0):
            raise not_found()
        return self.no_content()

    def no_content(self) -> Response:
        return Response(status=200, content_type="application/json", response="")

    # -- data attributes ------------------------------------------------------------------
    def render_attribute(self, doc: dict) -> dict:
        out = {"type": "data_attribute", "name": doc["name"], "full_name": doc["full_name"],
               "label": doc["label"], "description": doc.get("description") or "",
               "data_type": doc["data_type"], "api_writable": True, "ui_writable": True,
               "messenger_writable": False, "custom": doc.get("custom", True),
               "archived": doc.get("archived", False), "model": doc["model"]}
        if doc.get("custom", True):
            out.update(id=doc["id"], created_at=doc["created_at"],
                       updated_at=doc["updated_at"], admin_id=str(doc.get("admin_id", "")))
            if doc.get("options"):
                out["options"] = list(doc["options"])
        return out

    def custom_attributes(self, model: str) -> dict[str, dict]:
        return {d["name"]: d for d in self.store.query(
            "data_attributes", "json_extract(doc, '$.model') = ?", (model,))
            if not d.get("archived")}

    def check_custom(self, model: str, values: Any) -> dict[str, Any]:
        """Custom attribute values: every name must be a data attribute of ``model``."""
        if values is None:
            return {}
        if not isinstance(values, dict):
            raise fail(400, "parameter_invalid", "custom_attributes must be an object")
        known = self.custom_attributes(model)
        for name, value in values.items():
            if name not in known:
                raise fail(400, "parameter_invalid", f"Custom attribute '{name}' does not exist")
            if isinstance(value, dict | list):
                raise fail(400, "parameter_invalid",
                           f"Custom attribute '{name}' must be a scalar value")
        return dict(values)

    def list_data_attributes(self, request: Request, user: dict, **_: Any) -> dict:
        model = request.args.get("model")
        if model is not None and model not in MODELS:
            raise fail(400, "parameter_invalid", "model must be contact, company or "
                                                 "conversation")
        archived = request.args.get("include_archived") == "true"
        rows = [self.render_attribute({"name": n, "full_name": n, "label": label,
                                       "data_type": t, "model": m, "custom": False})
                for m in MODELS if model in (None, m) for n, label, t in BUILT_IN[m]]
        for doc in self.store.query("data_attributes"):
            if model in (None, doc["model"]) and (archived or not doc.get("archived")):
                rows.append(self.render_attribute(doc))
        return {"type": "list", "data": rows}

    def create_data_attribute(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        name, model, kind = data.get("name"), data.get("model"), data.get("data_type")
        if not isinstance(name, str) or not name.strip() or any(c in name for c in ".$[]"):
            raise fail(400, "parameter_invalid", "name is invalid")
        if model not in ("contact", "company") or kind not in DATA_TYPES:
            # conversation attributes are made in Intercom's settings, not through the API
            raise fail(400, "parameter_invalid", "model must be contact or company and "
                                                 f"data_type one of {', '.join(DATA_TYPES)}")
        if name in self.custom_attributes(model):
            raise fail(400, "parameter_invalid",
                       f"You already have a '{name}' in your {model} data. To save this as "
                       "new people data, use a different name.")
        options = data.get("options") or []
        now = int(time.time())
        doc = self.store.insert("data_attributes", {
            "name": name, "full_name": f"custom_attributes.{name}", "label": name,
            "description": data.get("description") or "", "data_type": kind, "model": model,
            "options": [o["value"] if isinstance(o, dict) else o for o in options],
            "created_at": now, "updated_at": now, "admin_id": user["id"]})
        return self.render_attribute(doc)

    def update_data_attribute(self, request: Request, user: dict, attribute_id: str) -> dict:
        doc = self.store.get("data_attributes", attribute_id)
        if doc is None:
            raise not_found()
        data = json_body(request)
        for key in ("archived", "description", "messenger_writable"):
            if key in data:
                doc[key] = data[key]
        if "options" in data:
            doc["options"] = [o["value"] if isinstance(o, dict) else o for o in data["options"]]
        doc["updated_at"] = int(time.time())
        return self.render_attribute(self.store.put("data_attributes", doc))

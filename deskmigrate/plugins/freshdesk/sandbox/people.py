"""Contacts, companies, agents, groups, roles and settings endpoints of the
Freshdesk sandbox (a mixin of the app)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response
from deskmigrate.sandbox.app import ApiHTTPError

from .account import COMPANY_ID_BASE, GROUP_ID_BASE, USER_ID_BASE, now
from .base import FreshdeskBase
from .plumbing import Validation, body, invalid, not_found, only_fields, page_args, paged

CONTACT_FIELDS = {"name", "email", "phone", "mobile", "twitter_id", "unique_external_id",
                  "other_emails", "company_id", "view_all_tickets", "other_companies",
                  "address", "avatar", "custom_fields", "description", "job_title",
                  "language", "tags", "time_zone"}
COMPANY_FIELDS = {"name", "description", "note", "domains", "custom_fields", "health_score",
                  "account_tier", "renewal_date", "industry"}
AGENT_FIELDS = {"email", "name", "ticket_scope", "occasional", "signature", "skill_ids",
                "group_ids", "role_ids", "agent_type", "language", "time_zone", "phone",
                "mobile", "job_title"}
GROUP_FIELDS = {"name", "description", "agent_ids", "escalate_to", "unassigned_for",
                "auto_ticket_assign", "group_type"}
CONTACT_STATES = ("blocked", "deleted", "unverified", "verified")
NO_SEAT = ("You have reached the maximum number of agents your subscription allows. You need "
           "to delete an existing agent or contact your account administrator to purchase "
           "additional agents.")


def duplicate(field: str, user_id: int | None = None) -> ApiHTTPError:
    """409 for a value that must be unique (email, company or group name)."""
    error: dict[str, Any] = {"field": field, "message": "It should be a unique value",
                             "code": "duplicate_value"}
    if user_id is not None:
        error["additional_info"] = {"user_id": user_id}
    return ApiHTTPError(409, "Validation failed", [error])


class PeopleRoutes(FreshdeskBase):
    """Every person- and account-shaped endpoint."""

    def people_rules(self) -> Iterable[Rule]:
        crud = [("contacts", "contact"), ("companies", "company"), ("agents", "agent"),
                ("groups", "group")]
        rules = []
        for plural, one in crud:
            rules += [
                Rule(f"/api/v2/{plural}", methods=["GET"], endpoint=f"list_{plural}"),
                Rule(f"/api/v2/{plural}", methods=["POST"], endpoint=f"create_{one}"),
                Rule(f"/api/v2/{plural}/<int:item_id>", methods=["GET"], endpoint=f"show_{one}"),
                Rule(f"/api/v2/{plural}/<int:item_id>", methods=["PUT"],
                     endpoint=f"update_{one}"),
                Rule(f"/api/v2/{plural}/<int:item_id>", methods=["DELETE"],
                     endpoint=f"delete_{one}"),
            ]
        return rules + [
            Rule("/api/v2/contacts/<int:item_id>/hard_delete", methods=["DELETE"],
                 endpoint="hard_delete_contact"),
            Rule("/api/v2/contacts/<int:item_id>/restore", methods=["PUT"],
                 endpoint="restore_contact"),
            Rule("/api/v2/contacts/<int:item_id>/make_agent", methods=["PUT"],
                 endpoint="make_agent"),
            Rule("/api/v2/companies/autocomplete", methods=["GET"],
                 endpoint="autocomplete_companies"),
            Rule("/api/v2/agents/me", methods=["GET"], endpoint="show_me"),
            Rule("/api/v2/account", methods=["GET"], endpoint="show_account"),
            Rule("/api/v2/roles", methods=["GET"], endpoint="list_roles"),
            Rule("/api/v2/roles/<int:item_id>", methods=["GET"], endpoint="show_role"),
            Rule("/api/v2/email_configs", methods=["GET"], endpoint="list_email_configs"),
            Rule("/api/v2/settings/helpdesk", methods=["GET"], endpoint="show_settings"),
        ]

    # -- shared ---------------------------------------------------------------------------
    def _list(self, request: Request, collection: str, where: str = "",
              params: list[Any] | None = None,
              render: Callable[[dict], Any] | None = None) -> Response:
        page, per_page = page_args(request, self.max_per_page)

        def fetch(limit: int, offset: int) -> list[dict]:
            return self.store.query(collection, where, params or [], order="id", limit=limit,
                                    offset=offset)

        return paged(request, page, per_page, fetch, render or (lambda doc: doc))

    def _get(self, collection: str, item_id: int) -> dict:
        doc = self.store.get(collection, item_id)
        if doc is None:
            raise not_found()
        return doc

    def _custom(self, request: Request, collection: str, fields: dict) -> None:
        if request.mimetype == "multipart/form-data" and "custom_fields" in fields:
            fields["custom_fields"] = self.coerce_custom(collection, fields["custom_fields"])

    # -- contacts -----------------------------------------------------------------------
    def list_contacts(self, request: Request, user: dict, **_: Any) -> Response:
        args = request.args
        clauses: list[str] = []
        params: list[Any] = []
        state = args.get("state")
        if state is not None and state not in CONTACT_STATES:
            raise invalid("state", f"It should be one of these values: "
                          f"'{','.join(CONTACT_STATES)}'")
        if state == "deleted":
            clauses.append("json_extract(doc, '$.deleted') = 1")
        elif state == "blocked":
            clauses.append("json_extract(doc, '$.blocked') = 1")
        else:
            clauses.append("json_extract(doc, '$.deleted') = 0 AND "
                           "json_extract(doc, '$.blocked') = 0")
            if state is not None:
                clauses.append(f"json_extract(doc, '$.active') = {int(state == 'verified')}")
        for key in ("email", "phone", "mobile", "unique_external_id"):
            if key in args:
                clauses.append(f"lower(json_extract(doc, '$.{key}')) = ?")
                params.append(args[key].lower())
        if "company_id" in args:
            clauses.append("json_extract(doc, '$.company_id') = ?")
            params.append(int(args["company_id"]) if args["company_id"].isdigit() else -1)
        if "_updated_since" in args:
            clauses.append("json_extract(doc, '$.updated_at') >= ?")
            params.append(args["_updated_since"])
        return self._list(request, "contacts", " AND ".join(clauses), params,
                          self.render_contact)

    def show_contact(self, request: Request, user: dict, item_id: int) -> dict:
        return self.render_contact(self._get("contacts", item_id))

    def create_contact(self, request: Request, user: dict, **_: Any) -> Response:
        fields, _files = body(request, ("company_id",))
        self._custom(request, "contact_fields", fields)
        self._validate_contact(fields, None)
        with self.store.transaction():
            doc = self._insert_contact(fields)
        return json_response(self.render_contact(doc), 201)

    def create_contact_for(self, fields: dict) -> int:
        """The contact a ticket's ``email`` creates (inside the caller's transaction)."""
        email = fields["email"]
        return self._insert_contact({"name": fields.get("name") or email.split("@")[0],
                                     "email": email})["id"]

    def _insert_contact(self, fields: dict) -> dict:
        stamp = now()
        doc: dict[str, Any] = {
               "active": False, "address": None, "company_id": None, "description": None,
               "email": None, "job_title": None, "language": "en", "mobile": None,
               "phone": None, "time_zone": "Eastern Time (US & Canada)", "twitter_id": None,
               "facebook_id": None, "unique_external_id": None, "other_emails": [],
               "other_companies": [], "view_all_tickets": False, "tags": [],
               "custom_fields": {}, "deleted": False, "blocked": False,
               "created_at": stamp, "updated_at": stamp}
        doc.update({k: v for k, v in fields.items() if k != "avatar"})
        return self.store.insert("contacts", doc,
                                 id=self.store.next_id("users", USER_ID_BASE + 1))

    def _validate_contact(self, fields: dict, current: dict | None) -> None:
        check = Validation()
        only_fields(fields, CONTACT_FIELDS, check)
        merged = {**(current or {}), **fields}
        if not isinstance(merged.get("name"), str) or not merged.get("name"):
            check.add("name", "It should be a/an String", "missing_field")
        if not any(merged.get(k) for k in ("email", "phone", "mobile", "twitter_id",
                                           "unique_external_id")):
            check.add("email", "Please fill at least 1 of email, mobile, phone, twitter_id, "
                      "unique_external_id fields", "missing_field")
        if merged.get("company_id") is not None and self.store.get(
                "companies", merged["company_id"]) is None:
            check.add("company_id", "There is no company matching the given company_id")
        self.check_custom_fields("contact_fields", fields.get("custom_fields", {}), check,
                                 (current or {}).get("custom_fields"))
        for email in [fields.get("email"), *fields.get("other_emails", [])]:
            if email is not None and (not isinstance(email, str) or "@" not in email):
                check.add("email", "It should be in the 'valid email address' format")
        check.raise_if_any()
        for email in filter(None, [fields.get("email"), *fields.get("other_emails", [])]):
            owner = self.user_by_email(email)
            if owner is not None and (current is None or owner["id"] != current["id"]):
                raise duplicate("email", owner["id"])

    def update_contact(self, request: Request, user: dict, item_id: int) -> dict:
        doc = self._get("contacts", item_id)
        fields, _files = body(request, ("company_id",))
        self._custom(request, "contact_fields", fields)
        self._validate_contact(fields, doc)
        if "custom_fields" in fields:
            fields["custom_fields"] = {**doc["custom_fields"], **fields["custom_fields"]}
        doc.update(fields, updated_at=now())
        return self.render_contact(self.store.put("contacts", doc))

    def delete_contact(self, request: Request, user: dict, item_id: int) -> Response:
        doc = self._get("contacts", item_id)
        if doc["deleted"]:
            raise not_found()
        doc.update(deleted=True, updated_at=now())
        self.store.put("contacts", doc)
        return Response(status=204)

    def hard_delete_contact(self, request: Request, user: dict, item_id: int) -> Response:
        doc = self._get("contacts", item_id)
        if not doc["deleted"] and request.args.get("force", "").lower() != "true":
            raise invalid("contact", "You must soft delete the contact first or pass "
                          "force=true")
        self.store.delete("contacts", item_id)
        return Response(status=204)

    def restore_contact(self, request: Request, user: dict, item_id: int) -> Response:
        doc = self._get("contacts", item_id)
        doc.update(deleted=False, updated_at=now())
        self.store.put("contacts", doc)
        return Response(status=204)

    def render_contact(self, doc: dict) -> dict:
        out = {k: v for k, v in doc.items() if k not in ("deleted", "blocked")}
        out["custom_fields"] = self.render_custom("contact_fields", doc["custom_fields"])
        for flag in ("deleted", "blocked"):
            if doc[flag]:
                out[flag] = True
        return out

    # -- companies ------------------------------------------------------------------------
    def list_companies(self, request: Request, user: dict, **_: Any) -> Response:
        return self._list(request, "companies", render=self.render_company)

    def show_company(self, request: Request, user: dict, item_id: int) -> dict:
        return self.render_company(self._get("companies", item_id))

    def autocomplete_companies(self, request: Request, user: dict, **_: Any) -> dict:
        prefix = request.args.get("name", "").lower()
        rows = self.store.query("companies", "lower(json_extract(doc, '$.name')) LIKE ? "
                                "ESCAPE '\\'", [_like_prefix(prefix)], limit=25)
        return {"companies": [{"id": r["id"], "name": r["name"]} for r in rows]}

    def create_company(self, request: Request, user: dict, **_: Any) -> Response:
        fields, _files = body(request)
        self._custom(request, "company_fields", fields)
        self._validate_company(fields, None)
        stamp = now()
        doc = {"name": None, "description": None, "note": None, "domains": [],
               "health_score": None, "account_tier": None, "renewal_date": None,
               "industry": None, "custom_fields": {}, "created_at": stamp,
               "updated_at": stamp, **fields}
        doc = self.store.insert("companies", doc,
                                id=self.store.next_id("companies", COMPANY_ID_BASE + 1))
        return json_response(self.render_company(doc), 201)

    def _validate_company(self, fields: dict, current: dict | None) -> None:
        check = Validation()
        only_fields(fields, COMPANY_FIELDS, check)
        name = fields.get("name", (current or {}).get("name"))
        if not isinstance(name, str) or not name.strip():
            check.add("name", "It should be a/an String", "missing_field")
        if not isinstance(fields.get("domains", []), list):
            check.add("domains", "It should be a/an Array", "datatype_mismatch")
        self.check_custom_fields("company_fields", fields.get("custom_fields", {}), check,
                                 (current or {}).get("custom_fields"))
        check.raise_if_any()
        assert isinstance(name, str)  # raise_if_any() rejected anything else
        same = self.store.query("companies", "lower(json_extract(doc, '$.name')) = ?",
                                [name.lower()], limit=1)
        if same and (current is None or same[0]["id"] != current["id"]):
            raise duplicate("name")

    def update_company(self, request: Request, user: dict, item_id: int) -> dict:
        doc = self._get("companies", item_id)
        fields, _files = body(request)
        self._custom(request, "company_fields", fields)
        self._validate_company(fields, doc)
        if "custom_fields" in fields:
            fields["custom_fields"] = {**doc["custom_fields"], **fields["custom_fields"]}
        doc.update(fields, updated_at=now())
        return self.render_company(self.store.put("companies", doc))

    def delete_company(self, request: Request, user: dict, item_id: int) -> Response:
        self._get("companies", item_id)
        self.store.delete("companies", item_id)
        return Response(status=204)

    def render_company(self, doc: dict) -> dict:
        return {**doc, "custom_fields": self.render_custom("company_fields",
                                                           doc["custom_fields"])}

    # -- groups ---------------------------------------------------------------------------
    def list_groups(self, request: Request, user: dict, **_: Any) -> Response:
        return self._list(request, "groups")

    def show_group(self, request: Request, user: dict, item_id: int) -> dict:
        return self._get("groups", item_id)

    def create_group(self, request: Request, user: dict, **_: Any) -> Response:
        fields, _files = body(request)
        self._validate_group(fields, None)
        stamp = now()
        with self.store.transaction():
            doc = self.store.insert("groups", {
                "name": fields["name"], "description": fields.get("description"),
                "escalate_to": None, "unassigned_for": None, "business_hour_id": None,
                "group_type": "support_agent_group", "auto_ticket_assign": 0,
                "agent_ids": [], "created_at": stamp, "updated_at": stamp},
                id=self.store.next_id("groups", GROUP_ID_BASE + 1))
            doc = self._set_members(doc, fields.get("agent_ids", []))
        return json_response(doc, 201)

    def update_group(self, request: Request, user: dict, item_id: int) -> dict:
        doc = self._get("groups", item_id)
        fields, _files = body(request)
        self._validate_group(fields, doc)
        doc.update({k: v for k, v in fields.items() if k != "agent_ids"}, updated_at=now())
        with self.store.transaction():
            self.store.put("groups", doc)
            if "agent_ids" in fields:
                doc = self._set_members(doc, fields["agent_ids"])
        return doc

    def _validate_group(self, fields: dict, current: dict | None) -> None:
        check = Validation()
        only_fields(fields, GROUP_FIELDS, check)
        name = fields.get("name", (current or {}).get("name"))
        if not isinstance(name, str) or not name.strip():
            check.add("name", "It should be a/an String", "missing_field")
        for agent_id in fields.get("agent_ids", []):
            if self.store.get("agents", agent_id) is None:
                check.add("agent_ids", f"There is no agent matching the given id {agent_id}")
        check.raise_if_any()
        assert isinstance(name, str)  # raise_if_any() rejected anything else
        same = self.store.query("groups", "lower(json_extract(doc, '$.name')) = ?",
                                [name.lower()], limit=1)
        if same and (current is None or same[0]["id"] != current["id"]):
            raise duplicate("name")

    def _set_members(self, group: dict, agent_ids: list[int]) -> dict:
        group["agent_ids"] = list(agent_ids)
        self.store.put("groups", group)
        for agent in self.store.query("agents"):
            member = group["id"] in agent["group_ids"]
            if member != (agent["id"] in agent_ids):
                agent["group_ids"] = ([*agent["group_ids"], group["id"]] if not member else
                                      [g for g in agent["group_ids"] if g != group["id"]])
                self.store.put("agents", agent)
        return group

    def delete_group(self, request: Request, user: dict, item_id: int) -> Response:
        group = self._get("groups", item_id)
        with self.store.transaction():
            self._set_members(group, [])
            self.store.delete("groups", item_id)
        return Response(status=204)

    # -- account --------------------------------------------------------------------------
    def list_roles(self, request: Request, user: dict, **_: Any) -> list[dict]:
        return self.store.query("roles")

    def show_role(self, request: Request, user: dict, item_id: int) -> dict:
        return self._get("roles", item_id)

    def list_email_configs(self, request: Request, user: dict, **_: Any) -> list[dict]:
        return self.store.query("email_configs")

    def show_settings(self, request: Request, user: dict, **_: Any) -> dict:
        settings = json.loads(self.store.meta("settings") or "{}")
        return {**settings, "portal_languages": settings.get("supported_languages", [])}


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"

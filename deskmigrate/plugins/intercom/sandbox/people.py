"""Contacts (users and leads) and companies: cursor lists, search, create, upsert on
``company_id``, attach, tags, and the one-at-a-time companies scroll."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .base import cursor_page, fail, hex_id, json_body, not_found, number_of, per_page
from .search import matcher
from .workspace import WorkspaceRoutes

ROLES = ("user", "lead")
CONTACT_FIELDS = {"role", "external_id", "email", "phone", "name", "avatar", "signed_up_at",
                  "last_seen_at", "owner_id", "unsubscribed_from_emails", "custom_attributes"}
COMPANY_FIELDS = {"name", "company_id", "plan", "size", "website", "industry",
                  "custom_attributes", "remote_created_at", "monthly_spend"}
SCROLL_TTL = 60  # an unused scroll expires after a minute
SCROLL_PAGE = 15


class PeopleRoutes(WorkspaceRoutes):
    def people_rules(self) -> Iterable[Rule]:
        return [
            Rule("/contacts", methods=["GET"], endpoint="list_contacts"),
            Rule("/contacts", methods=["POST"], endpoint="create_contact"),
            Rule("/contacts/search", methods=["POST"], endpoint="search_contacts"),
            Rule("/contacts/<contact_id>", methods=["GET"], endpoint="get_contact"),
            Rule("/contacts/<contact_id>", methods=["PUT"], endpoint="update_contact"),
            Rule("/contacts/<contact_id>", methods=["DELETE"], endpoint="delete_contact"),
            Rule("/contacts/<contact_id>/companies", methods=["POST"], endpoint="attach_company"),
            Rule("/contacts/<contact_id>/companies", methods=["GET"],
                 endpoint="contact_companies"),
            Rule("/contacts/<contact_id>/tags", methods=["POST"], endpoint="tag_contact"),
            Rule("/tags", methods=["POST"], endpoint="create_tag"),
            Rule("/companies", methods=["POST"], endpoint="upsert_company"),
            Rule("/companies", methods=["GET"], endpoint="list_companies"),
            Rule("/companies/scroll", methods=["GET"], endpoint="scroll_companies"),
            Rule("/companies/<company_id>", methods=["GET"], endpoint="get_company"),
            Rule("/companies/<company_id>", methods=["PUT"], endpoint="update_company"),
            Rule("/companies/<company_id>", methods=["DELETE"], endpoint="delete_company"),
        ]

    # -- contacts -------------------------------------------------------------------------
    def contact_doc(self, contact_id: Any) -> dict:
        number = number_of("contacts", contact_id)
        doc = self.store.get("contacts", number) if number else None
        if doc is None:
            raise not_found("User Not Found")
        return doc

    def render_contact(self, doc: dict) -> dict:
        cid = hex_id("contacts", doc["id"])
        refs = [{"type": "tag", "id": str(t), "url": f"/tags/{t}"} for t in doc["tag_ids"]]
        companies = [{"type": "company", "id": hex_id("companies", c),
                      "url": f"/companies/{hex_id('companies', c)}"} for c in doc["company_ids"]]
        email = doc.get("email") or ""
        return {
            "type": "contact", "id": cid, "external_id": doc.get("external_id"),
            "workspace_id": "sandbox0app", "role": doc["role"], "email": email,
            "email_domain": email.partition("@")[2], "phone": doc.get("phone"),
            "name": doc.get("name"), "owner_id": None, "has_hard_bounced": False,
            "marked_email_as_spam": False,
            "unsubscribed_from_emails": doc.get("unsubscribed_from_emails", False),
            "created_at": doc["created_at"], "updated_at": doc["updated_at"],
            "signed_up_at": doc.get("signed_up_at"), "last_seen_at": doc.get("last_seen_at"),
            "custom_attributes": doc.get("custom_attributes") or {},
            "tags": {"type": "list", "data": refs, "url": f"/contacts/{cid}/tags",
                     "total_count": len(refs), "has_more": False},
            "notes": {"type": "list", "data": [], "url": f"/contacts/{cid}/notes",
                      "total_count": 0, "has_more": False},
            "companies": {"type": "list", "data": companies, "url": f"/contacts/{cid}/companies",
                          "total_count": len(companies), "has_more": False},
            "location": {"type": "location", "country": None, "region": None, "city": None},
            "social_profiles": {"type": "list", "data": []},
        }

    def list_contacts(self, request: Request, user: dict, **_: Any) -> dict:
        size = per_page(request.args.get("per_page"), 50)
        rows, pages = cursor_page(self.store.query("contacts"), size,
                                  request.args.get("starting_after"))
        return {"type": "list", "data": [self.render_contact(r) for r in rows],
                "total_count": self.store.count("contacts"), "pages": pages}

    def search_contacts(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        test = matcher(data.get("query"))
        paging = data.get("pagination") or {}
        rendered = [c for c in (self.render_contact(d) for d in self.store.query("contacts"))
                    if test(c)]
        rows, pages = cursor_page(rendered, per_page(paging.get("per_page"), 50),
                                  paging.get("starting_after"))
        return {"type": "list", "data": rows, "total_count": len(rendered), "pages": pages}

    def get_contact(self, request: Request, user: dict, contact_id: str) -> dict:
        return self.render_contact(self.contact_doc(contact_id))

    def create_contact(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        unknown = set(data) - CONTACT_FIELDS
        if unknown:
            raise fail(400, "bad_request", f"bad '{sorted(unknown)[0]}' parameter")
        role = data.get("role", "user")
        if role not in ROLES:
            raise fail(400, "parameter_invalid", "role must be user or lead")
        if not (data.get("email") or data.get("external_id") or "role" in data):
            raise fail(400, "parameter_not_found",
                       "Please provide a role, email or external_id")
        self._unique(role, data.get("email"), data.get("external_id"))
        now = int(time.time())
        doc = self.store.insert("contacts", {
            "role": role, "email": data.get("email"), "phone": data.get("phone"),
            "name": data.get("name"), "external_id": data.get("external_id"),
            "custom_attributes": self.check_custom("contact", data.get("custom_attributes")),
            "signed_up_at": data.get("signed_up_at"), "last_seen_at": data.get("last_seen_at"),
            "tag_ids": [], "company_ids": [], "created_at": now, "updated_at": now})
        return self.render_contact(doc)

    def _unique(self, role: str, email: Any, external_id: Any, own: int | None = None) -> None:
        """Users are unique by email and external_id; leads may share an email."""
        for field, value in (("email", email), ("external_id", external_id)):
            if not value or (field == "email" and role != "user"):
                continue
            clash = [d for d in self.store.query(
                "contacts", f"json_extract(doc, '$.{field}') = ?", (value,))
                if d["id"] != own and d["role"] == "user"]
            if clash:
                raise fail(409, "conflict", "A contact matching those details already exists "
                                            f"with id={hex_id('contacts', clash[0]['id'])}")

    def update_contact(self, request: Request, user: dict, contact_id: str) -> dict:
        doc = self.contact_doc(contact_id)
        data = json_body(request)
        unknown = set(data) - CONTACT_FIELDS
        if unknown:
            raise fail(400, "bad_request", f"bad '{sorted(unknown)[0]}' parameter")
        if "custom_attributes" in data:
            data["custom_attributes"] = {**doc.get("custom_attributes", {}), **self.check_custom(
                "contact", data["custom_attributes"])}
        merged = {**doc, **data}
        self._unique(merged["role"], merged.get("email"), merged.get("external_id"), doc["id"])
        merged["updated_at"] = int(time.time())
        return self.render_contact(self.store.put("contacts", merged))

    def delete_contact(self, request: Request, user: dict, contact_id: str) -> dict:
        doc = self.contact_doc(contact_id)
        self.store.delete("contacts", doc["id"])
        return {"id": hex_id("contacts", doc["id"]), "external_id": doc.get("external_id"),
                "type": "contact", "deleted": True}

    def attach_company(self, request: Request, user: dict, contact_id: str) -> dict:
        doc = self.contact_doc(contact_id)
        data = json_body(request)
        if not data.get("id"):
            raise fail(400, "parameter_not_found", "company not specified")
        company = self.company_doc(data["id"], "Company Not Found", "company_not_found")
        if company["id"] not in doc["company_ids"]:
            doc["company_ids"].append(company["id"])
            doc["updated_at"] = int(time.time())
            self.store.put("contacts", doc)
        return self.render_company(company)

    def contact_companies(self, request: Request, user: dict, contact_id: str) -> dict:
        doc = self.contact_doc(contact_id)
        rows = [self.render_company(c) for c in
                (self.store.get("companies", n) for n in doc["company_ids"]) if c]
        return {"type": "list", "data": rows, "total_count": len(rows),
                "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1}}

    def tag_contact(self, request: Request, user: dict, contact_id: str) -> dict:
        doc = self.contact_doc(contact_id)
        tag = self.store.get("tags", json_body(request).get("id") or 0)
        if tag is None:
            raise not_found("Tag Not Found")
        if tag["id"] not in doc["tag_ids"]:
            doc["tag_ids"].append(tag["id"])
            self.store.put("contacts", doc)
        return self.render_tag(tag)

    def create_tag(self, request: Request, user: dict, **_: Any) -> dict:
        """Create a tag, or tag companies and users with it (``companies``/``users``)."""
        data = json_body(request)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(400, "parameter_not_found", "name is required")
        tag = self.tag_named(name.strip())
        for ref in data.get("companies") or []:
            company = self.company_doc((ref or {}).get("id"), "Company Not Found",
                                       "company_not_found")
            if tag["id"] not in company["tag_ids"]:
                company["tag_ids"].append(tag["id"])
                self.store.put("companies", company)
        for ref in data.get("users") or []:
            contact = self.contact_doc((ref or {}).get("id"))
            if tag["id"] not in contact["tag_ids"]:
                contact["tag_ids"].append(tag["id"])
                self.store.put("contacts", contact)
        return self.render_tag(tag)

    # -- companies ------------------------------------------------------------------------
    def company_doc(self, company_id: Any, message: str = "Resource Not Found",
                    code: str = "not_found") -> dict:
        number = number_of("companies", company_id)
        doc = self.store.get("companies", number) if number else None
        if doc is None:
            raise fail(404, code, message)
        return doc

    def render_company(self, doc: dict) -> dict:
        tags = [self.render_tag(t) for t in (self.store.get("tags", n) for n in doc["tag_ids"])
                if t]
        users = self.store.count("contacts", "EXISTS (SELECT 1 FROM json_each(doc, "
                                 "'$.company_ids') WHERE value = ?)", (doc["id"],))
        out = {"type": "company", "id": hex_id("companies", doc["id"]),
               "company_id": doc["company_id"], "app_id": "sandbox0app", "name": doc["name"],
               "remote_created_at": doc.get("remote_created_at") or doc["created_at"],
               "created_at": doc["created_at"], "updated_at": doc["updated_at"],
               "monthly_spend": doc.get("monthly_spend") or 0, "session_count": 0,
               "user_count": users, "tags": {"type": "tag.list", "tags": tags},
               "segments": {"type": "segment.list", "segments": []}, "plan": {},
               "custom_attributes": doc.get("custom_attributes") or {}}
        for key in ("website", "industry", "size"):
            if doc.get(key) is not None:
                out[key] = doc[key]
        return out

    def upsert_company(self, request: Request, user: dict, **_: Any) -> dict:
        """Create a company, or update the one with the same ``company_id``."""
        data = json_body(request)
        unknown = set(data) - COMPANY_FIELDS
        if unknown:
            raise fail(400, "bad_request", f"bad '{sorted(unknown)[0]}' parameter")
        if not data.get("company_id") and not data.get("name"):
            raise fail(400, "parameter_not_found", "company_id or name is required")
        custom = self.check_custom("company", data.get("custom_attributes"))
        key = str(data.get("company_id") or data["name"])
        found = self.store.query("companies", "json_extract(doc, '$.company_id') = ?", (key,))
        now = int(time.time())
        fields = {k: v for k, v in data.items() if k not in ("custom_attributes", "company_id")}
        if found:
            doc = {**found[0], **fields, "updated_at": now}
            doc["custom_attributes"] = {**doc.get("custom_attributes", {}), **custom}
            return self.render_company(self.store.put("companies", doc))
        doc = self.store.insert("companies", {
            **fields, "name": data.get("name") or key, "company_id": key,
            "custom_attributes": custom, "tag_ids": [], "created_at": now, "updated_at": now})
        return self.render_company(doc)

    def list_companies(self, request: Request, user: dict, **_: Any) -> dict:
        size = per_page(request.args.get("per_page"), 15)
        try:
            page = max(1, int(request.args.get("page", 1)))
        except ValueError:
            raise fail(400, "parameter_invalid", "page must be an integer") from None
        where, params = "", []
        for key in ("company_id", "name"):
            if request.args.get(key):
                where, params = f"json_extract(doc, '$.{key}') = ?", [request.args[key]]
        total = self.store.count("companies", where, params)
        rows = self.store.query("companies", where, params, limit=size,
                                offset=(page - 1) * size)
        return {"type": "list", "data": [self.render_company(r) for r in rows],
                "total_count": total,
                "pages": {"type": "pages", "page": page, "per_page": size,
                          "total_pages": -(-total // size)}}

    def scroll_companies(self, request: Request, user: dict, **_: Any) -> dict:
        """One scroll per app: a second one while the first is open is refused; a scroll
        unused for a minute expires; the end of the scroll is an empty page."""
        param = request.args.get("scroll_param")
        now = time.time()
        active, last_id, used = self.store.meta("scroll:param"), 0, 0.0
        if active:
            last_id = int(self.store.meta("scroll:last") or 0)
            used = float(self.store.meta("scroll:used") or 0)
            if now - used > SCROLL_TTL:
                active = None
        if param is None:
            if active:
                raise fail(400, "scroll_exists", "scroll already exists for this workspace")
            active, last_id = str(uuid.uuid4()), 0
        elif param != active:
            raise fail(404, "scroll_param_not_found", "scroll parameter not found")
        rows = self.store.query("companies", "id > ?", (last_id,), limit=SCROLL_PAGE)
        if rows:
            self.store.set_meta("scroll:param", active)
            self.store.set_meta("scroll:last", str(rows[-1]["id"]))
            self.store.set_meta("scroll:used", str(now))
        else:
            self.store.set_meta("scroll:param", "")
        return {"type": "list", "data": [self.render_company(r) for r in rows],
                "pages": None, "total_count": None, "scroll_param": active}

    def get_company(self, request: Request, user: dict, company_id: str) -> dict:
        return self.render_company(self.company_doc(company_id))

    def update_company(self, request: Request, user: dict, company_id: str) -> dict:
        doc = self.company_doc(company_id)
        data = json_body(request)
        unknown = set(data) - COMPANY_FIELDS
        if unknown:
            raise fail(400, "bad_request", f"bad '{sorted(unknown)[0]}' parameter")
        custom = self.check_custom("company", data.pop("custom_attributes", None))
        doc = {**doc, **data, "updated_at": int(time.time())}
        doc["custom_attributes"] = {**doc.get("custom_attributes", {}), **custom}
        return self.render_company(self.store.put("companies", doc))

    def delete_company(self, request: Request, user: dict, company_id: str) -> dict:
        doc = self.company_doc(company_id)
        self.store.delete("companies", doc["id"])
        for contact in self.store.query("contacts"):
            if doc["id"] in contact["company_ids"]:
                contact["company_ids"].remove(doc["id"])
                self.store.put("contacts", contact)
        return {"id": hex_id("companies", doc["id"]), "object": "company", "deleted": True}

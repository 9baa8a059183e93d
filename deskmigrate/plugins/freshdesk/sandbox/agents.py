"""Agents of the Freshdesk sandbox: list, view, me, create (a paid seat each, unless
occasional), update, delete, and ``PUT /contacts/{id}/make_agent`` (a contact becomes an
agent with the same id)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response

from .account import add_agent, now
from .people import AGENT_FIELDS, NO_SEAT, PeopleRoutes, duplicate
from .plumbing import Validation, body, invalid, only_fields

MAKE_AGENT_FIELDS = {"occasional", "signature", "ticket_scope", "skill_ids", "group_ids",
                     "role_ids", "type", "focus_mode"}


class AgentRoutes(PeopleRoutes):
    def list_agents(self, request: Request, user: dict, **_: Any) -> Response:
        args = request.args
        clauses, params = [], []
        for key in ("email", "phone", "mobile"):
            if key in args:
                clauses.append(f"lower(json_extract(doc, '$.contact.{key}')) = ?")
                params.append(args[key].lower())
        if "state" in args:
            if args["state"] not in ("fulltime", "occasional"):
                raise invalid("state", "It should be one of these values: "
                              "'fulltime,occasional'")
            clauses.append(f"json_extract(doc, '$.occasional') = "
                           f"{int(args['state'] == 'occasional')}")
        return self._list(request, "agents", " AND ".join(clauses), params)

    def show_agent(self, request: Request, user: dict, item_id: int) -> dict:
        return self._get("agents", item_id)

    def show_me(self, request: Request, user: dict, **_: Any) -> dict:
        return user

    def create_agent(self, request: Request, user: dict, **_: Any) -> Response:
        fields, _files = body(request)
        check = Validation()
        only_fields(fields, AGENT_FIELDS, check)
        if not isinstance(fields.get("email"), str) or "@" not in fields.get("email", ""):
            check.add("email", "It should be in the 'valid email address' format",
                      "missing_field")
        if fields.get("ticket_scope") not in (1, 2, 3):
            check.add("ticket_scope", "It should be one of these values: '1,2,3'",
                      "missing_field" if "ticket_scope" not in fields else "invalid_value")
        check.raise_if_any()
        owner = self.user_by_email(fields["email"])
        if owner is not None:
            raise duplicate("email", owner["id"])
        if not fields.get("occasional") and self.seats_used() >= self.seats():
            raise invalid("agent", NO_SEAT)
        with self.store.transaction():
            agent_id = add_agent(
                self.store, fields.get("name") or fields["email"].split("@")[0],
                fields["email"], fields.get("role_ids") or [self._role_id("Agent")],
                group_ids=fields.get("group_ids", []),
                occasional=bool(fields.get("occasional")))
            self._link_agent_groups(agent_id, fields.get("group_ids", []))
        return json_response(self._get("agents", agent_id), 201)

    def update_agent(self, request: Request, user: dict, item_id: int) -> dict:
        doc = self._get("agents", item_id)
        fields, _files = body(request)
        check = Validation()
        only_fields(fields, AGENT_FIELDS - {"email"}, check)
        check.raise_if_any()
        for key in ("name", "phone", "mobile", "job_title", "language", "time_zone"):
            if key in fields:
                doc["contact"][key] = fields.pop(key)
        doc.update(fields, updated_at=now())
        with self.store.transaction():
            self.store.put("agents", doc)
            if "group_ids" in fields:
                self._link_agent_groups(item_id, fields["group_ids"])
        return doc

    def delete_agent(self, request: Request, user: dict, item_id: int) -> Response:
        """Deleting an agent turns them into a contact, as Freshdesk does."""
        doc = self._get("agents", item_id)
        info = doc["contact"]
        with self.store.transaction():
            self.store.delete("agents", item_id)
            self._link_agent_groups(item_id, [])
            self.store.insert("contacts", {
                **{k: None for k in ("address", "company_id", "description", "twitter_id",
                                     "facebook_id", "unique_external_id")},
                "active": True, "email": info["email"], "name": info["name"],
                "phone": info["phone"], "mobile": info["mobile"], "job_title": None,
                "language": info["language"], "time_zone": info["time_zone"],
                "other_emails": [], "other_companies": [], "view_all_tickets": False,
                "tags": [], "custom_fields": {}, "deleted": False, "blocked": False,
                "created_at": doc["created_at"], "updated_at": now()}, id=item_id)
        return Response(status=204)

    def make_agent(self, request: Request, user: dict, item_id: int) -> dict:
        """A contact becomes an agent with the same id (a seat unless occasional)."""
        contact = self._get("contacts", item_id)
        fields, _files = body(request)
        check = Validation()
        only_fields(fields, MAKE_AGENT_FIELDS, check)
        if fields.get("ticket_scope", 1) not in (1, 2, 3):
            check.add("ticket_scope", "It should be one of these values: '1,2,3'")
        if not contact.get("email"):
            check.add("email", "The contact needs an email to become an agent")
        check.raise_if_any()
        if not fields.get("occasional") and self.seats_used() >= self.seats():
            raise invalid("agent", NO_SEAT)
        with self.store.transaction():
            self.store.delete("contacts", item_id)
            add_agent(self.store, contact["name"], contact["email"],
                      fields.get("role_ids") or [self._role_id("Agent")],
                      group_ids=fields.get("group_ids", []),
                      occasional=bool(fields.get("occasional")), agent_id=item_id)
            self._link_agent_groups(item_id, fields.get("group_ids", []))
        agent = self._get("agents", item_id)
        return {**self.render_contact(contact),
                "agent": {k: v for k, v in agent.items() if k != "contact"}}

    def show_account(self, request: Request, user: dict, **_: Any) -> dict:
        """``GET /api/v2/account``: the account, with its agents counted by type (the real
        endpoint tells the agents, never the seats bought)."""
        owner = self._get("agents", int(self.store.meta("owner_id") or 0))["contact"]
        domain = request.host.split(":")[0]
        return {
            "organisation_id": 1, "organisation_name": f"{domain.split('.')[0]}.myfreshworks.com",
            "account_id": 1, "account_name": "Sandbox", "account_domain": domain,
            "bundle_id": None, "hipaa_compliant": False,
            "total_agents": {"full_time": self.seats_used(),
                             "occasional": self.store.count(
                                 "agents", "json_extract(doc, '$.occasional') = 1"),
                             "field_service": 0, "collaborators": 0},
            "timezone": "Eastern Time (US & Canada)", "data_center": "US",
            "tier_type": "Garden",
            "address": {"country": "USA", "state": "California", "city": "San Mateo",
                        "street": "2950 S. Delaware Street", "postalcode": "94403"},
            "contact_person": {"firstname": owner["name"].split()[0],
                               "lastname": owner["name"].split()[-1],
                               "email": owner["email"]},
        }

    def seats(self) -> int:
        """Paid full-time agent seats (meta ``agent_seats``; the seed sets a few spare)."""
        return int(self.store.meta("agent_seats") or 5)

    def seats_used(self) -> int:
        return self.store.count("agents", "json_extract(doc, '$.occasional') = 0")

    def _role_id(self, name: str) -> int:
        rows = self.store.query("roles", "json_extract(doc, '$.name') = ?", [name], limit=1)
        return rows[0]["id"]

    def _link_agent_groups(self, agent_id: int, group_ids: list[int]) -> None:
        for group in self.store.query("groups"):
            member = agent_id in group["agent_ids"]
            wanted = group["id"] in group_ids
            if member != wanted:
                group["agent_ids"] = ([*group["agent_ids"], agent_id] if wanted else
                                      [a for a in group["agent_ids"] if a != agent_id])
                self.store.put("groups", group)


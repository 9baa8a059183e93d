"""Sandbox user identities: a user's primary email (its ``email``) and the other identities
(emails, phone numbers, ...) given as ``identities`` when it is created, or added one by one
(``POST /users/{id}/identities``); listed per user and sideloaded with
``include=identities`` (``users/show_many``, ``users/{id}``). An email belongs to one active
user only, as its primary email or as an identity."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .support import Ids, base_url, body, invalid, iso, not_found, now, routes

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TYPES = ("email", "twitter", "facebook", "google", "phone_number", "agent_forwarding",
         "any_channel", "foreign", "sdk")  # UserIdentityObject.type in the OpenAPI file
USERS_START = 361_000_000_000  # ID_START["users"] - 1
PRIMARY_START = 370_000_000_000  # a primary email's identity id: this + the user's number
ACTIVE_EMAIL = "json_extract(doc, '$.active') = 1 AND json_extract(doc, '$.email') = ?"
VALUE = "json_extract(doc, '$.value') = ?"
TAKEN = "is already being used by another user"


def email_taken(store: SandboxStore, email: str, but: int | None = None) -> bool:
    """Whether an active user other than ``but`` has ``email``, primary or not."""
    if any(u["id"] != but for u in store.query("users", ACTIVE_EMAIL, [email])):
        return True
    owners = (store.get("users", i["user_id"]) for i in store.query("identities", VALUE,
                                                                     [email]))
    return any(u is not None and u["active"] and u["id"] != but for u in owners)


def checked(store: SandboxStore, items: Any, primary: str | None,
            user_id: int | None = None) -> list[dict[str, Any]]:
    """The identities to add from a request's ``identities`` (422 when one is invalid or its
    email taken); the primary email and repeats are left out."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise invalid("Record validation errors", {"identities": "must be an array"})
    kept: list[dict[str, Any]] = []
    seen = {primary} if primary else set()
    for item in items:
        kind = item.get("type") if isinstance(item, dict) else None
        value = str(item.get("value") or "").strip() if isinstance(item, dict) else ""
        if kind not in TYPES or not value:
            raise invalid("Record validation errors",
                          {"identities": "each needs a known type and a value"})
        if kind == "email":
            value = value.lower()
            if not EMAIL_RE.match(value):
                raise invalid("Record validation errors", {"email": f"{value} is not valid"})
            if value not in seen and email_taken(store, value, but=user_id):
                raise invalid("Record validation errors", {"email": f"{value} {TAKEN}"})
        if value not in seen:
            seen.add(value)
            kept.append({"type": kind, "value": value,
                         "verified": bool(item.get("verified", False))})
    return kept


def add(store: SandboxStore, ids: Ids, user_id: int, identities: list[dict[str, Any]]
        ) -> list[dict[str, Any]]:
    """Store checked identities of ``user_id``."""
    stamp = iso(now())
    return [store.insert("identities", {**i, "user_id": user_id, "created_at": stamp,
                                        "updated_at": stamp}, id=ids.next("identities"))
            for i in identities]


def identities_of(store: SandboxStore, docs: list[dict[str, Any]], base: str
                  ) -> list[dict[str, Any]]:
    """The users' identities as the API shows them, each user's primary email first."""
    found = []
    for doc in docs:
        if doc.get("email"):
            found.append({"id": PRIMARY_START + doc["id"] - USERS_START, "type": "email",
                          "value": doc["email"], "verified": bool(doc.get("verified")),
                          "primary": True, "user_id": doc["id"],
                          "created_at": doc["created_at"], "updated_at": doc["created_at"]})
        found += [{**i, "primary": False} for i in store.query(
            "identities", "json_extract(doc, '$.user_id') = ?", [doc["id"]])]
    return [{**i, "url": f"{base}/api/v2/users/{i['user_id']}/identities/{i['id']}.json",
             "deliverable_state": "deliverable" if i["type"] == "email" else None}
            for i in found]


def sideload(request: Request, store: SandboxStore, docs: list[dict[str, Any]]
             ) -> dict[str, Any]:
    """``{"identities": [...]}`` of ``docs`` when the request asks ``include=identities``."""
    if "identities" not in request.args.get("include", "").split(","):
        return {}
    return {"identities": identities_of(store, docs, base_url(request))}


class IdentityHandlers:
    """``/users/{id}/identities``: list, show and add."""

    store: SandboxStore
    ids: Ids

    def identity_rules(self) -> list[Rule]:
        return [*routes("/users/<int:user_id>/identities", "list_identities"),
                *routes("/users/<int:user_id>/identities", "create_identity", ("POST",)),
                *routes("/users/<int:user_id>/identities/<int:identity_id>", "show_identity")]

    def list_identities(self, request: Request, user: dict, user_id: int) -> dict[str, Any]:
        found = identities_of(self.store, [self._user(user_id)], base_url(request))
        return {"identities": found, "next_page": None, "previous_page": None,
                "count": len(found)}

    def show_identity(self, request: Request, user: dict, user_id: int, identity_id: int
                      ) -> dict[str, Any]:
        for identity in identities_of(self.store, [self._user(user_id)], base_url(request)):
            if identity["id"] == identity_id:
                return {"identity": identity}
        raise not_found()

    def create_identity(self, request: Request, user: dict, user_id: int) -> Response:
        doc = self._user(user_id)
        have = {i["value"] for i in identities_of(self.store, [doc], "")}
        new = checked(self.store, [body(request, "identity")], None, user_id)
        if new[0]["value"] in have:
            raise invalid("Record validation errors", {"value": "is already an identity"})
        [made] = add(self.store, self.ids, user_id, new)
        shown = identities_of(self.store, [doc], base_url(request))
        return json_response({"identity": next(i for i in shown if i["id"] == made["id"])},
                             201)

    def _user(self, user_id: int) -> dict[str, Any]:
        doc = self.store.get("users", user_id)
        if doc is None or not doc.get("active", True):
            raise not_found()
        return doc

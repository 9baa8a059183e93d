"""Field endpoints of the Freshdesk sandbox (a mixin of the app): the field lists every
agent reads (``GET /ticket_fields``, ``/contact_fields``, ``/company_fields``, choices as
plain values) and the admin ones that create, show and delete custom fields
(``/admin/ticket_fields``, ``/contact_fields/{id}``, ``/company_fields/{id}``, choices as
``{id, label, value, position}`` objects)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response

from .account import add_field, now
from .base import FreshdeskBase
from .people import duplicate
from .plumbing import Validation, body, not_found, only_fields
from .vendor import DEFAULT_CHOICES, OBJECT_FIELD_TYPES

COLLECTIONS = {"ticket_fields": "ticket", "contact_fields": "contact",
               "company_fields": "company"}
TICKET_FIELD_KEYS = {"label", "label_for_customers", "type", "customers_can_edit",
                     "displayed_to_customers", "position", "required_for_closure",
                     "required_for_agents", "required_for_customers", "choices",
                     "dependent_fields", "section_mappings", "description"}
PEOPLE_FIELD_KEYS = {"label", "label_for_customers", "type", "position",
                     "required_for_agents", "editable_in_signup", "customers_can_edit",
                     "required_for_customers", "displayed_for_customers", "choices"}
FLAGS = ("customers_can_edit", "displayed_to_customers", "required_for_closure",
         "required_for_agents", "required_for_customers", "editable_in_signup",
         "displayed_for_customers")


def field_name(collection: str, label: str, taken: set[str]) -> str:
    """The API name Freshdesk derives from a label: ``cf_order_number`` for tickets,
    ``order_number`` for contacts and companies, numbered when taken."""
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "field"
    base = f"cf_{slug}" if collection == "ticket_fields" else slug
    name, number = base, 1
    while name in taken:
        name, number = f"{base}{number}", number + 1
    return name


class FieldRoutes(FreshdeskBase):
    """Listing, creating, showing and deleting custom fields."""

    def field_rules(self) -> Iterable[Rule]:
        rules = []
        for collection in COLLECTIONS:
            admin = f"/api/v2/{'admin/' if collection == 'ticket_fields' else ''}{collection}"
            defaults = {"collection": collection}
            rules += [
                Rule(f"/api/v2/{collection}", methods=["GET"], endpoint="list_fields",
                     defaults=defaults),
                Rule(admin, methods=["POST"], endpoint="create_field", defaults=defaults),
                Rule(f"{admin}/<int:field_id>", methods=["GET"], endpoint="show_field",
                     defaults=defaults),
                Rule(f"{admin}/<int:field_id>", methods=["DELETE"], endpoint="delete_field",
                     defaults=defaults),
            ]
        return [*rules, Rule("/api/v2/admin/ticket_fields", methods=["GET"],
                             endpoint="list_fields", defaults={"collection": "ticket_fields",
                                                                "admin": True})]

    def list_fields(self, request: Request, user: dict, collection: str, admin: bool = False
                    ) -> list[dict]:
        rows = self.store.query(collection, order="json_extract(doc, '$.position')")
        if collection == "ticket_fields":
            rows = [{**r, "choices": DEFAULT_CHOICES[r["name"]]}
                    if r["default"] and r["name"] in DEFAULT_CHOICES else r for r in rows]
            if request.args.get("type"):
                rows = [r for r in rows if r["type"] == request.args["type"]]
        return [self.render_field(r) for r in rows] if admin else rows

    def show_field(self, request: Request, user: dict, collection: str, field_id: int
                   ) -> dict:
        return self.render_field(self._field(collection, field_id))

    def create_field(self, request: Request, user: dict, collection: str) -> Response:
        fields, _files = body(request, ("position",))
        object_type = COLLECTIONS[collection]
        check = Validation()
        only_fields(fields, TICKET_FIELD_KEYS if object_type == "ticket" else
                    PEOPLE_FIELD_KEYS, check)
        required = ("label", "label_for_customers") if object_type == "ticket" else ("label",)
        for key in required:
            if not isinstance(fields.get(key), str) or not fields[key].strip():
                check.add(key, "It should be a/an String", "missing_field")
        kind = fields.get("type")
        allowed = OBJECT_FIELD_TYPES[object_type]
        if kind not in allowed:
            check.add("type", f"It should be one of these values: '{','.join(allowed)}'",
                      "missing_field" if kind is None else "invalid_value")
        choices = _choices(fields.get("choices"), kind, check)
        for flag in FLAGS:
            if flag in fields and not isinstance(fields[flag], bool):
                check.add(flag, "It should be a/an Boolean", "datatype_mismatch")
        check.raise_if_any()
        assert isinstance(kind, str)  # raise_if_any() rejected a kind not in ``allowed``
        existing = self.store.query(collection)
        if any(f["label"].lower() == fields["label"].strip().lower() for f in existing):
            raise duplicate("label")
        with self.store.transaction():
            doc = add_field(
                self.store, collection,
                field_name(collection, fields["label"], {f["name"] for f in existing}),
                fields["label"].strip(), kind, required=fields.get("required_for_agents", False),
                choices=choices, created_at=now(),
                **{k: v for k, v in fields.items() if k in FLAGS or k == "label_for_customers"})
        return json_response(self.render_field(doc), 201)

    def delete_field(self, request: Request, user: dict, collection: str, field_id: int
                     ) -> Response:
        """Default fields cannot be deleted; a custom field's values go with it."""
        doc = self._field(collection, field_id)
        if doc["default"]:
            raise not_found()
        self.store.delete(collection, field_id)
        return Response(status=204)

    def _field(self, collection: str, field_id: int) -> dict:
        doc = self.store.get(collection, field_id)
        if doc is None:
            raise not_found()
        return doc

    @staticmethod
    def render_field(doc: dict) -> dict:
        """The admin view: choices as objects."""
        choices = doc.get("choices") or []
        if isinstance(choices, dict):  # a default field's codes
            return doc
        return {**doc, "choices": [
            {"id": doc["id"] * 100 + position, "label": value, "value": value,
             "position": position} for position, value in enumerate(choices, 1)]}


def _choices(raw: Any, kind: Any, check: Validation) -> list[str]:
    """Drop-down choices as plain values, from ``[{"value", "position"}]``."""
    if raw is None:
        if kind == "custom_dropdown":
            check.add("choices", "It should be a/an Array", "missing_field")
        return []
    if kind != "custom_dropdown":
        check.add("choices", "Unexpected/invalid field in request", "invalid_field")
        return []
    if not isinstance(raw, list) or not raw or not all(
            isinstance(c, dict) and isinstance(c.get("value"), str) and c["value"]
            for c in raw):
        check.add("choices", "It should be a/an Array of objects with a value",
                  "datatype_mismatch")
        return []
    ordered = sorted(raw, key=lambda c: c.get("position") or 0)
    values = [c["value"] for c in ordered]
    if len({v.lower() for v in values}) != len(values):
        check.add("choices", "Choices should be unique", "duplicate_value")
    return values

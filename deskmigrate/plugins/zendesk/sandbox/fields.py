"""Sandbox handlers for custom field schemas: ``ticket_fields``, ``user_fields`` and
``organization_fields`` (list, show, create, delete), validated like Zendesk does."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .paging import list_page
from .support import Ids, base_url, body, invalid, iso, not_found, now, rendered, routes

# Zendesk's field types: ticket fields call a drop-down "tagger"; user and organization
# fields call it "dropdown" and have no multi-select or credit-card type.
FIELD_TYPES = {
    "ticket_fields": ("text", "textarea", "checkbox", "date", "integer", "decimal", "regexp",
                      "partialcreditcard", "multiselect", "tagger", "lookup"),
    "user_fields": ("text", "textarea", "checkbox", "date", "integer", "decimal", "regexp",
                    "dropdown", "lookup"),
}
FIELD_TYPES["organization_fields"] = FIELD_TYPES["user_fields"]
SELECTS = ("tagger", "dropdown", "multiselect")
FIELD_COLLECTIONS = {"ticket_fields": "ticket_field", "user_fields": "user_field",
                     "organization_fields": "organization_field"}


class FieldHandlers:
    """The three custom field collections."""

    store: SandboxStore
    ids: Ids

    def field_rules(self) -> list[Rule]:
        return [rule for c in FIELD_COLLECTIONS for rule in (
            *routes(f"/{c}", "list_fields", ("GET",)),
            *routes(f"/{c}", "create_field", ("POST",)),
            *routes(f"/{c}/<int:field_id>", "show_field"),
            *routes(f"/{c}/<int:field_id>", "delete_field", ("DELETE",)))]

    def _field_collection(self, request: Request) -> str:
        return request.path.split("/")[3].removesuffix(".json")

    def list_fields(self, request: Request, user: dict) -> dict[str, Any]:
        collection = self._field_collection(request)
        return list_page(request, self.store, collection, collection,
                         rendered(collection, base_url(request)))

    def show_field(self, request: Request, user: dict, field_id: int) -> dict[str, Any]:
        collection = self._field_collection(request)
        doc = self._field(collection, field_id)
        return {FIELD_COLLECTIONS[collection]: rendered(collection, base_url(request))(doc)}

    def create_field(self, request: Request, user: dict) -> Response:
        collection = self._field_collection(request)
        root = FIELD_COLLECTIONS[collection]
        data = body(request, root)
        doc = self.store.insert(collection, new_field(collection, data, self.store),
                                id=self.ids.next(collection))
        return json_response({root: rendered(collection, base_url(request))(doc)}, 201)

    def delete_field(self, request: Request, user: dict, field_id: int) -> Response:
        collection = self._field_collection(request)
        doc = self._field(collection, field_id)
        if not doc.get("removable", True):
            raise invalid("Record validation errors", {"field": "is a system field"})
        self.store.delete(collection, field_id)
        return Response(status=204)

    def _field(self, collection: str, field_id: int) -> dict[str, Any]:
        doc = self.store.get(collection, field_id)
        if doc is None:
            raise not_found()
        return doc


def new_field(collection: str, data: dict[str, Any], store: SandboxStore) -> dict[str, Any]:
    """A custom field schema document, validated like Zendesk does."""
    title = (data.get("title") or "").strip()
    kind = data.get("type") or "text"
    if not title:
        raise invalid("Record validation errors", {"title": "cannot be blank"})
    if kind not in FIELD_TYPES[collection]:
        raise invalid("Record validation errors", {"type": f"'{kind}' is not a field type"})
    options = [{"id": i + 1, "name": o["name"], "value": o["value"]}
               for i, o in enumerate(data.get("custom_field_options") or [])]
    if kind in SELECTS and not options:
        raise invalid("Record validation errors",
                      {"custom_field_options": "are required for a drop-down"})
    stamp = now()
    doc: dict[str, Any] = {
        "type": kind, "title": title, "description": data.get("description", ""),
        "active": True, "required": bool(data.get("required")), "removable": True,
        "position": int(data.get("position") or 0), "created_at": iso(stamp),
        "updated_at": iso(stamp), "_ts": stamp,
    }
    if options:
        doc["custom_field_options"] = options
    if collection != "ticket_fields":
        key = data.get("key") or ""
        if not re.fullmatch(r"[a-z0-9_]+", key):
            raise invalid("Record validation errors", {"key": "must be lowercase letters, "
                                                              "digits and underscores"})
        if store.count(collection, "json_extract(doc, '$.key') = ?", [key]):
            raise invalid("Record validation errors", {"key": "has already been taken"})
        doc["key"] = key
    else:
        doc["title_in_portal"] = title
    return doc

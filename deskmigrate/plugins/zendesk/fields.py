"""The target's custom field schemas, read once per collection and matched by title; the
``field`` kind creates the ones that are missing."""

from __future__ import annotations

import threading
from typing import Any

from deskmigrate.core.records import FieldDefinition

from .client import ZendeskApi
from .mapping import SINGLE_SELECT, field_type_out, option_tag, value_out

COLLECTION = {"ticket": "ticket_fields", "contact": "user_fields",
              "company": "organization_fields"}
ROOT = {"ticket_fields": "ticket_field", "user_fields": "user_field",
        "organization_fields": "organization_field"}


class FieldCache:
    """Title (case-insensitive) → schema, per collection; thread-safe."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api
        self._by_title: dict[str, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def schemas(self, collection: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            if collection not in self._by_title:
                items = self.api.cursor_list(f"api/v2/{collection}.json", collection)
                self._by_title[collection] = {f["title"].lower(): f for f in items
                                              if f.get("removable", True)}
            return self._by_title[collection]

    def forget(self, collection: str) -> None:
        """Read ``collection`` again next time (after fields were deleted)."""
        with self._lock:
            self._by_title.pop(collection, None)

    def find(self, definition: FieldDefinition) -> dict[str, Any] | None:
        return self.schemas(COLLECTION[definition.object_type]).get(definition.title.lower())

    def create(self, definition: FieldDefinition) -> dict[str, Any]:
        """Create the field on the target (POST) and remember it."""
        collection = COLLECTION[definition.object_type]
        kind = field_type_out(definition.field_type, ticket=collection == "ticket_fields")
        payload: dict[str, Any] = {"type": kind, "title": definition.title,
                                   "required": definition.required}
        if kind in (*SINGLE_SELECT, "multiselect"):
            prefix = option_tag(definition.title)
            payload["custom_field_options"] = [
                {"name": name, "value": f"{prefix}_{option_tag(name)}"}
                for name in definition.options]
        if collection != "ticket_fields":
            payload["key"] = self._free_key(collection, option_tag(definition.title))
        created = self.api.http.request("POST", f"api/v2/{collection}.json",
                                        json={ROOT[collection]: payload}).json()[ROOT[collection]]
        with self._lock:
            self._by_title.setdefault(collection, {})[created["title"].lower()] = created
        return created

    def _free_key(self, collection: str, key: str) -> str:
        taken = {f.get("key") for f in self.schemas(collection).values()}
        candidate, n = key, 1
        while candidate in taken:
            n += 1
            candidate = f"{key}_{n}"
        return candidate

    def values(self, object_type: str, custom: dict[str, Any]
               ) -> tuple[dict[Any, Any], list[str]]:
        """Canonical ``{title: value}`` → ``{field id (tickets) or key: value}`` and remarks
        for titles or options the target does not have."""
        if not custom:  # no need to read the target's schemas
            return {}, []
        collection = COLLECTION[object_type]
        schemas, out, remarks = self.schemas(collection), {}, []
        for title, value in custom.items():
            schema = schemas.get(title.lower())
            if schema is None:
                remarks.append(f"custom field '{title}' does not exist in the target")
                continue
            mapped, ok = value_out(schema, value)
            if not ok:
                remarks.append(f"'{value}' is not an option of custom field '{title}'")
            if mapped is not None and mapped != []:
                out[schema["id"] if collection == "ticket_fields" else schema["key"]] = mapped
        return out, remarks


def target_field_id(object_type: str, field_id: Any) -> str:
    """The target id of a field: its collection and id (rollback needs both)."""
    return f"{object_type}:{field_id}"


def split_field_id(target_id: str) -> tuple[str, str]:
    object_type, _, field_id = target_id.partition(":")
    return COLLECTION[object_type], field_id

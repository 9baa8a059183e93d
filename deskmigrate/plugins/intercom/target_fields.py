"""Custom fields as Intercom data attributes: contact and company attributes are created
through the API; conversation attributes can only be made in Intercom's settings, so a
ticket field is matched by name or skipped. Values are converted to the attribute's type;
a value with no attribute, or one that does not fit, is left out with a warning."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import FieldDefinition

from .mapping import DATA_TYPES

MODELS = {"contact": "contact", "company": "company", "ticket": "conversation"}
STAMP = "deskmigrate_id"


def attribute_name(title: str) -> str:
    """Intercom attribute names cannot hold ``.``, ``$``, ``[`` or ``]``."""
    return "".join(" " if ch in ".$[]" else ch for ch in title).strip() or "field"


class Attributes:
    """The workspace's data attributes per model, read once and kept up to date."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self._by_model: dict[str, dict[str, dict]] | None = None
        self._lock = threading.Lock()

    def model(self, model: str, *, fresh: bool = False) -> dict[str, dict]:
        with self._lock:
            if self._by_model is None or fresh:
                self._by_model = {}
                for row in self.http.get_json("data_attributes").get("data", []):
                    if row.get("custom") and not row.get("archived"):
                        self._by_model.setdefault(row["model"], {})[row["name"]] = row
            return dict(self._by_model.get(model, {}))

    def existing(self, definition: FieldDefinition, *, fresh: bool = False) -> dict | None:
        model = MODELS[definition.object_type]
        return self.model(model, fresh=fresh).get(attribute_name(definition.title))

    def create(self, definition: FieldDefinition) -> dict:
        payload: dict[str, Any] = {
            "name": attribute_name(definition.title), "model": MODELS[definition.object_type],
            "data_type": DATA_TYPES.get(definition.field_type, "string"),
            "description": f"Migrated field '{definition.key}'"}
        if definition.options:
            payload["options"] = [{"value": o} for o in definition.options]
        row = self.http.request("POST", "data_attributes", json=payload).json()
        with self._lock:
            if self._by_model is not None:
                self._by_model.setdefault(row["model"], {})[row["name"]] = row
        return row

    def values(self, object_type: str, custom: dict[str, Any], warn: Callable[[str], None]
               ) -> dict[str, Any]:
        """``{attribute name: value}`` for the values the workspace has an attribute for."""
        known = self.model(MODELS[object_type])
        out: dict[str, Any] = {}
        for title, value in custom.items():
            name = attribute_name(title)
            if value is None or name == STAMP:
                continue
            row = known.get(name)
            if row is None:
                warn(f"custom field '{title}' has no Intercom {MODELS[object_type]} "
                     "attribute of that name")
                continue
            converted = convert(row.get("data_type", "string"), value)
            if converted is None:
                warn(f"custom field '{title}' value {value!r} does not fit the Intercom "
                     f"attribute ({row.get('data_type')})")
                continue
            out[name] = converted
        return out


def convert(data_type: str, value: Any) -> Any:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    try:
        if data_type == "integer":
            return int(value)
        if data_type == "float":
            return float(value)
        if data_type == "boolean":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    except (TypeError, ValueError):
        return None
    return str(value)

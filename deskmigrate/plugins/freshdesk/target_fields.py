"""Custom field values for Freshdesk writes: canonical ``{title: value}`` to the target's
``{api name: value}``, matched by label (or the config's ``[mapping]``), converted to the
field's type, with defaults for required fields the source leaves empty."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any


class FieldMapper:
    """One object type's custom fields (``ticket_fields`` / ``contact_fields`` / ...)."""

    def __init__(self, fields: list[dict], mapping: dict[str, str],
                 defaults: dict[str, Any]) -> None:
        self.by_label: dict[str, dict] = {}
        self.mapping = {k.lower(): v for k, v in mapping.items()}
        self.defaults = {k.lower(): v for k, v in defaults.items()}
        for field in fields:
            if not field.get("default"):
                self.add(field)

    def add(self, field: dict) -> None:
        """Know one more field (choices as plain values, whichever shape they came in)."""
        choices = field.get("choices") or []
        if isinstance(choices, list):
            choices = [c.get("value", c.get("label")) if isinstance(c, dict) else c
                       for c in choices]
        self.by_label[field["label"].lower()] = {**field, "choices": choices}

    def field_for(self, title: str) -> dict | None:
        """The field a source title goes to: the ``[mapping]`` label, else the same label."""
        label = self.mapping.get(title.lower(), title)
        return self.by_label.get(str(label).lower())

    def values(self, custom: dict[str, Any], warn: Callable[[str], None], *,
               closing: bool = False) -> dict[str, Any]:
        """``{api name: value}`` for the values this account has a field for."""
        out: dict[str, Any] = {}
        for title, value in custom.items():
            field = self.field_for(title)
            if value is None:
                continue
            if field is None:
                label = self.mapping.get(title.lower(), title)
                warn(f"custom field '{title}' has no Freshdesk field labelled '{label}'; "
                     "add one or map it in [mapping]")
                continue
            converted = convert(field, value)
            if converted is None:
                warn(f"custom field '{title}' value {value!r} does not fit the Freshdesk "
                     f"field '{field['label']}' ({field['type']})")
                continue
            out[field["name"]] = converted
        for label, field in self.by_label.items():
            required = field.get("required_for_agents") or (
                closing and field.get("required_for_closure"))
            if required and out.get(field["name"]) in (None, ""):
                default = self._default(label, field)
                if default is not None:
                    out[field["name"]] = default
        return out

    def _default(self, label: str, field: dict) -> Any:
        if label in self.defaults:
            return convert(field, self.defaults[label])
        choices = field.get("choices") or []
        if field["type"] == "custom_dropdown" and isinstance(choices, list) and choices:
            return choices[0]
        return None


def convert(field: dict, value: Any) -> Any:
    """``value`` in the form the field's type takes, or None if it cannot be."""
    kind = field["type"]
    try:
        if kind == "custom_checkbox":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1",
                                                                                 "yes")
        if kind == "custom_number":
            return int(value)
        if kind == "custom_decimal":
            return float(value)
        if kind == "custom_date":
            if isinstance(value, datetime | date):
                return value.strftime("%Y-%m-%d")
            return date.fromisoformat(str(value)[:10]).isoformat()
    except (TypeError, ValueError):
        return None
    if kind == "custom_dropdown":
        choices = field.get("choices") or []
        match = [c for c in choices if str(c).lower() == str(value).lower()]
        return match[0] if match else None
    if isinstance(value, list):  # a multi-select kept in a text field
        return ", ".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)

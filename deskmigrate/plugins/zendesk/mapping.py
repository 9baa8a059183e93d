"""Zendesk ↔ canonical values: statuses, priorities, types, channels, times, field types
and custom field values (drop-down options travel by their display name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from deskmigrate.core.records import PRIORITIES, STATUSES

ZENDESK_TYPES = ("question", "incident", "problem", "task")
FIELD_TYPES_IN = {"tagger": "dropdown"}  # Zendesk type → canonical field_type
FIELD_TYPES_OUT = {"select": "dropdown", "number": "integer", "boolean": "checkbox",
                   "paragraph": "textarea"}
# Ticket fields call a drop-down "tagger"; user and organization fields call it "dropdown"
# and have no multi-select (Zendesk's "Create User Field" / "Create Organization Field").
TICKET_FIELD_TYPES = ("text", "textarea", "checkbox", "date", "integer", "decimal", "regexp",
                      "multiselect", "tagger")
PEOPLE_FIELD_TYPES = ("text", "textarea", "checkbox", "date", "integer", "decimal", "regexp",
                      "dropdown")
SINGLE_SELECT = ("tagger", "dropdown")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_in(value: str) -> str:
    return value if value in STATUSES else "open"


def status_out(value: str) -> str:
    return value if value in STATUSES else "open"


def priority_out(value: str | None) -> str | None:
    return value if value in PRIORITIES else None


def type_out(value: str | None) -> tuple[str | None, str | None]:
    """The Zendesk ticket type for a canonical one, and a remark when it had to change."""
    if value is None or value in ZENDESK_TYPES:
        return value, None
    return "task", f"ticket type '{value}' does not exist in Zendesk; written as 'task'"


def field_type_in(kind: str) -> str:
    return FIELD_TYPES_IN.get(kind, kind)


def field_type_out(kind: str, *, ticket: bool) -> str:
    """The Zendesk type of a new ticket field (``ticket``) or user/organization field."""
    kind = FIELD_TYPES_OUT.get(kind, kind)
    if ticket:
        kind = "tagger" if kind == "dropdown" else kind
        return kind if kind in TICKET_FIELD_TYPES else "text"
    return kind if kind in PEOPLE_FIELD_TYPES else "text"


def option_names(schema: dict[str, Any]) -> dict[str, str]:
    """Option value (tag) → display name of a drop-down or multi-select field."""
    return {o["value"]: o["name"] for o in schema.get("custom_field_options") or []}


def value_in(schema: dict[str, Any], value: Any) -> Any:
    """A Zendesk custom field value in canonical form (option names instead of tags)."""
    names = option_names(schema)
    if schema["type"] in SINGLE_SELECT:
        return names.get(value, value)
    if schema["type"] == "multiselect" and isinstance(value, list):
        return [names.get(v, v) for v in value]
    return value


def value_out(schema: dict[str, Any], value: Any) -> tuple[Any, bool]:
    """A canonical value for a Zendesk field: ``(value, ok)``; ``ok`` is False when a
    drop-down value matches no option by name or tag."""
    if schema["type"] not in (*SINGLE_SELECT, "multiselect"):
        if schema["type"] == "checkbox":
            return bool(value), True
        if isinstance(value, list):  # a multi-select value into a text field
            return ", ".join(str(v) for v in value), True
        return value, True
    by_name = {name.lower(): tag for tag, name in option_names(schema).items()}
    tags = set(option_names(schema))

    def one(item: Any) -> str | None:
        text = str(item)
        return text if text in tags else by_name.get(text.lower())

    if schema["type"] in SINGLE_SELECT:
        tag = one(value)
        return tag, tag is not None
    items = value if isinstance(value, list) else [value]
    mapped = [one(v) for v in items]
    return [m for m in mapped if m is not None], None not in mapped


def option_tag(name: str) -> str:
    """A Zendesk option tag for a display name (lower case, no spaces)."""
    tag = "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")
    return tag or "option"

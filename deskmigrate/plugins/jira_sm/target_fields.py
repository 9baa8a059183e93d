"""Request types of the target desk: which one a ticket is raised with, and the values of
its fields (required ones filled from the ticket or ``[mapping]``, or the ticket fails
with a sentence saying what to map).

``[mapping]`` keys: ``request_type`` (the default type's name), ``request_type.TYPE`` (per
canonical ticket type, e.g. ``request_type.incident``) and ``field.NAME`` (a fixed value for
a request type field with no source value)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from deskmigrate.core.records import Ticket

from .api import SD, V3, JiraApi
from .mapping import ORGANIZATIONS_SCHEMA, REQUEST_TYPE_LABEL

WRITTEN_ELSEWHERE = {"summary", "description"}


class RequestTypes:
    def __init__(self, api: JiraApi, desk: Callable[[], Any], mapping: dict[str, Any]) -> None:
        self.api = api
        self.desk = desk
        self.mapping = {str(k).lower(): v for k, v in mapping.items()}
        self._types: list[dict] | None = None
        self._fields: dict[str, list[dict]] = {}
        self._org_field: str | None = None
        self._lock = threading.Lock()

    def all(self) -> list[dict]:
        with self._lock:
            if self._types is None:
                self._types = list(self.api.sd_values(
                    f"servicedesk/{self.desk().id}/requesttype"))
            return self._types

    def organizations_field(self) -> str:
        """The id of JSM's Organizations field on this site ('' if it has none)."""
        with self._lock:
            if self._org_field is None:
                self._org_field = next(
                    (f["id"] for f in self.api.get(f"{V3}/field")
                     if (f.get("schema") or {}).get("custom") == ORGANIZATIONS_SCHEMA), "")
            return self._org_field

    def _named(self, name: Any) -> dict | None:
        if not isinstance(name, str):
            return None
        return next((t for t in self.all() if t["name"].lower() == name.strip().lower()
                     or t["id"] == name.strip()), None)

    def choose(self, ticket: Ticket, warn: Callable[[str], None]) -> dict:
        """By ``[mapping]`` for the ticket's type, the source's own request type, the
        ``[mapping]`` default, else the desk's first request type (said in the report)."""
        for candidate in (self.mapping.get(f"request_type.{ticket.type}") if ticket.type
                          else None,
                          ticket.custom_fields.get(REQUEST_TYPE_LABEL),
                          self.mapping.get("request_type")):
            found = self._named(candidate)
            if found is not None:
                return found
        types = self.all()
        if not types:
            raise ValueError("the service desk has no request types")
        warn(f"raised with the desk's first request type, '{types[0]['name']}' "
             "(set [mapping] request_type to choose)")
        return types[0]

    def fields(self, request_type: dict) -> list[dict]:
        with self._lock:
            cached = self._fields.get(request_type["id"])
        if cached is None:
            cached = self.api.get(f"{SD}/servicedesk/{self.desk().id}/requesttype/"
                                  f"{request_type['id']}/field")["requestTypeFields"]
            with self._lock:
                self._fields[request_type["id"]] = cached
        return cached

    def values(self, request_type: dict, ticket: Ticket) -> dict[str, Any] | str:
        """``requestFieldValues`` beyond summary and description, or why none can be."""
        source = {str(k).lower(): v for k, v in ticket.custom_fields.items()}
        out: dict[str, Any] = {}
        for field in self.fields(request_type):
            if field["fieldId"] in WRITTEN_ELSEWHERE:
                continue
            name = field["name"].lower()
            raw = source.get(name, self.mapping.get(f"field.{name}"))
            value = _convert(field, raw)
            if value is None and field.get("required"):
                return (f"the request type '{request_type['name']}' requires "
                        f"'{field['name']}' and the ticket has no value for it: set [mapping] "
                        f"\"field.{field['name']}\" or map a source field")
            if value is not None:
                out[field["fieldId"]] = value
        return out


def _convert(field: dict, raw: Any) -> Any:
    if raw in (None, "", []):
        return None
    choices = field.get("validValues") or []
    if choices:
        wanted = str(raw[0] if isinstance(raw, list) else raw).lower()
        match = next((c for c in choices if c["label"].lower() == wanted
                      or c["value"] == wanted), None)
        return None if match is None else {"id": match["value"]}
    if (field.get("jiraSchema") or {}).get("type") == "number":
        try:
            return float(raw)
        except (TypeError, ValueError):
            return None
    return ", ".join(map(str, raw)) if isinstance(raw, list) else str(raw)

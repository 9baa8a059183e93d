"""The target's custom field schemas: read once per object type, matched by label, and the
``field`` kind creating the ones a source brings that the account lacks
(``POST /admin/ticket_fields``, ``POST /contact_fields``, ``POST /company_fields``)."""

from __future__ import annotations

import threading
from typing import Any

from deskmigrate.core.records import FieldDefinition

from .mapping import FIELD_TYPES_FROM_CANONICAL, OBJECT_FIELD_TYPES
from .paging import FreshdeskApi
from .target_fields import FieldMapper

LISTS = {"ticket": "ticket_fields", "contact": "contact_fields", "company": "company_fields"}
CREATE = {"ticket": "admin/ticket_fields", "contact": "contact_fields",
          "company": "company_fields"}


def target_field_id(object_type: str, field_id: Any) -> str:
    """A created field's target id names its object type: rollback needs both."""
    return f"{object_type}:{field_id}"


def field_path(target_id: str) -> str:
    """The API path of a field from its target id (``ticket:43003000012``)."""
    object_type, _, field_id = target_id.partition(":")
    return f"{CREATE[object_type]}/{field_id}"


def freshdesk_type(definition: FieldDefinition) -> str:
    """The Freshdesk field type for a canonical one; types the object cannot hold (a
    multi-select, a regexp, a decimal on contacts) become text fields."""
    wanted = FIELD_TYPES_FROM_CANONICAL.get(definition.field_type, "custom_text")
    if definition.field_type == "dropdown" and not definition.options:
        return "custom_text"
    return wanted if wanted in OBJECT_FIELD_TYPES[definition.object_type] else "custom_text"


class FieldSchemas:
    """Custom fields of tickets, contacts and companies; thread-safe."""

    def __init__(self, api: FreshdeskApi, settings: dict[str, Any]) -> None:
        self.api = api
        self.mapping: dict[str, str] = settings.get("mapping", {})
        self.defaults: dict[str, Any] = settings.get("defaults", {})
        self._mappers: dict[str, FieldMapper] = {}
        self._type_choices: list[str] = []
        self._lock = threading.Lock()

    def mapper(self, object_type: str) -> FieldMapper:
        """The field mapper of ``object_type`` (its fields fetched once)."""
        with self._lock:
            if object_type not in self._mappers:
                self._load(object_type)
            return self._mappers[object_type]

    def type_choices(self) -> list[str]:
        self.mapper("ticket")
        return self._type_choices

    def _load(self, object_type: str) -> None:
        fields = self.api.get_json(LISTS[object_type])
        known = self._mappers.get(object_type)
        if known is None:
            self._mappers[object_type] = FieldMapper(fields, self.mapping, self.defaults)
        else:  # read again after a crash: keep the one mapper, so that a field another
            # thread is creating right now (it adds it when its answer comes) is not lost
            for field in fields:
                if not field.get("default"):
                    known.add(field)
        if object_type == "ticket":
            self._type_choices = next((list(f.get("choices") or []) for f in fields
                                       if f["name"] == "ticket_type"), [])

    # -- the ``field`` kind ---------------------------------------------------------------
    def existing(self, definition: FieldDefinition, *, fresh: bool = False) -> dict | None:
        """The account's field with the definition's title (or its ``[mapping]`` label);
        ``fresh`` reads the list again (after a crash)."""
        if fresh:
            with self._lock:
                self._load(definition.object_type)
        return self.mapper(definition.object_type).field_for(definition.title)

    def create(self, definition: FieldDefinition) -> dict:
        """Create the field (never required: tickets the source left empty must still be
        accepted) and let the mapper use it at once."""
        kind = freshdesk_type(definition)
        mapper = self.mapper(definition.object_type)
        label = mapper.mapping.get(definition.title.lower(), definition.title)
        payload: dict[str, Any] = {"label": label, "label_for_customers": label,
                                   "type": kind}
        if definition.object_type == "ticket":
            payload.update(customers_can_edit=False, displayed_to_customers=False,
                           required_for_agents=False, required_for_closure=False)
        if kind == "custom_dropdown":
            payload["choices"] = [{"value": name, "position": position}
                                  for position, name in enumerate(definition.options, 1)]
        created = self.api.request("POST", CREATE[definition.object_type],
                                   json=payload).json()
        mapper.add(created)
        return created

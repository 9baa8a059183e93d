"""Tables between Jira Service Management's names and the canonical record model."""

from __future__ import annotations

from datetime import UTC, datetime

# JSM's default service request workflow; other names fall back on their category.
STATUS_TO_CANONICAL = {"waiting for support": "new", "in progress": "open",
                       "waiting for customer": "pending", "pending": "hold",
                       "resolved": "solved", "closed": "closed", "canceled": "closed",
                       "done": "solved", "open": "open", "to do": "new"}
CATEGORY_TO_CANONICAL = {"new": "new", "indeterminate": "open", "done": "solved"}
STATUS_FROM_CANONICAL = {"new": "Waiting for support", "open": "In progress",
                         "pending": "Waiting for customer", "hold": "Pending",
                         "solved": "Resolved", "closed": "Closed"}
CANONICAL_CATEGORY = {"new": "new", "open": "indeterminate", "pending": "indeterminate",
                      "hold": "indeterminate", "solved": "done", "closed": "done"}

PRIORITY_TO_CANONICAL = {"highest": "urgent", "high": "high", "medium": "normal",
                         "low": "low", "lowest": "low"}
PRIORITY_FROM_CANONICAL = {"urgent": "Highest", "high": "High", "normal": "Medium",
                           "low": "Low"}

ISSUE_TYPE_TO_CANONICAL = {"incident": "incident", "problem": "problem", "task": "task",
                           "change": "change", "service request": "question"}

# Custom field types by the last part of ``schema.custom``.
FIELD_TYPES = {"textfield": "text", "textarea": "textarea", "float": "decimal",
               "select": "dropdown", "radiobuttons": "dropdown", "datepicker": "date",
               "datetime": "date", "multiselect": "multiselect", "multicheckboxes": "multiselect",
               "url": "text", "labels": "text"}
# Fields JSM itself owns (request type, organizations...): read separately, never custom.
SERVICEDESK_PREFIX = "com.atlassian.servicedesk"
REQUEST_TYPE_SCHEMA = "com.atlassian.servicedesk:vp-origin"
ORGANIZATIONS_SCHEMA = "com.atlassian.servicedesk:sd-customer-organizations"
REQUEST_TYPE_LABEL = "Request type"

ORIGIN_PROPERTY = "deskmigrate.origin"
INTERNAL_PROPERTY = "sd.public.comment"


def status_to_canonical(name: str, category: str) -> str:
    return STATUS_TO_CANONICAL.get(name.lower()) or CATEGORY_TO_CANONICAL.get(category, "open")


def parse_time(value: str | int | None) -> datetime | None:
    """Jira's ``2024-03-01T10:22:05.000+0000`` (or epoch milliseconds, as servicedeskapi's
    ``epochMillis`` and some published examples give) as an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)


def label(tag: str) -> str:
    """Jira labels cannot hold spaces."""
    return "_".join(tag.split())

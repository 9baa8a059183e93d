"""The desk's workflow, priorities and system fields, as Jira describes them."""

from __future__ import annotations

from typing import Any

# name -> (status id, category key); JSM's default service request workflow.
STATUSES: dict[str, tuple[str, str]] = {
    "Waiting for support": ("10001", "new"), "In progress": ("3", "indeterminate"),
    "Waiting for customer": ("10002", "indeterminate"), "Pending": ("10003", "indeterminate"),
    "Resolved": ("10004", "done"), "Closed": ("6", "done"), "Canceled": ("10005", "done")}
CATEGORIES = {"new": ("2", "To Do", "blue-gray"), "indeterminate": ("4", "In Progress", "yellow"),
              "done": ("3", "Done", "green")}
INITIAL_STATUS = "Waiting for support"
PRIORITIES = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
DEFAULT_PRIORITY = "Medium"
ISSUE_TYPES = {"10100": "Service Request", "10101": "Incident", "10102": "Problem"}

REQUEST_TYPE_FIELD = "customfield_10010"
ORGANIZATIONS_FIELD = "customfield_10002"
SYSTEM_FIELDS: list[dict[str, Any]] = [
    {"id": "summary", "name": "Summary", "schema": {"type": "string", "system": "summary"}},
    {"id": "description", "name": "Description",
     "schema": {"type": "string", "system": "description"}},
    {"id": "status", "name": "Status", "schema": {"type": "status", "system": "status"}},
    {"id": "priority", "name": "Priority", "schema": {"type": "priority", "system": "priority"}},
    {"id": "labels", "name": "Labels",
     "schema": {"type": "array", "items": "string", "system": "labels"}},
    {"id": "reporter", "name": "Reporter", "schema": {"type": "user", "system": "reporter"}},
    {"id": "assignee", "name": "Assignee", "schema": {"type": "user", "system": "assignee"}},
    {"id": "created", "name": "Created", "schema": {"type": "datetime", "system": "created"}},
    {"id": "updated", "name": "Updated", "schema": {"type": "datetime", "system": "updated"}},
    {"id": "resolutiondate", "name": "Resolved",
     "schema": {"type": "datetime", "system": "resolutiondate"}},
    {"id": REQUEST_TYPE_FIELD, "name": "Request Type", "schema": {
        "type": "sd-customerrequesttype",
        "custom": "com.atlassian.servicedesk:vp-origin", "customId": 10010}},
    {"id": ORGANIZATIONS_FIELD, "name": "Organizations", "schema": {
        "type": "array", "items": "sd-customerorganization",
        "custom": "com.atlassian.servicedesk:sd-customer-organizations", "customId": 10002}},
]


def render_status(base: str, name: str) -> dict[str, Any]:
    status_id, category = STATUSES[name]
    cat_id, cat_name, colour = CATEGORIES[category]
    return {"self": f"{base}/rest/api/3/status/{status_id}", "id": status_id, "name": name,
            "description": "", "statusCategory": {
                "self": f"{base}/rest/api/3/statuscategory/{cat_id}", "id": int(cat_id),
                "key": category, "colorName": colour, "name": cat_name}}


def render_priority(base: str, name: str) -> dict[str, Any]:
    return {"self": f"{base}/rest/api/3/priority/{PRIORITIES[name]}", "id": PRIORITIES[name],
            "name": name}


def transitions(base: str, current: str) -> list[dict[str, Any]]:
    """Every other status is one transition away (id = 100 + the status's position)."""
    return [{"id": str(100 + i), "name": name, "to": render_status(base, name),
             "hasScreen": False, "isGlobal": True, "isInitial": False, "isAvailable": True,
             "isConditional": False}
            for i, name in enumerate(STATUSES) if name != current]


def status_of_transition(transition_id: str) -> str | None:
    names = list(STATUSES)
    index = int(transition_id) - 100 if transition_id.isdigit() else -1
    return names[index] if 0 <= index < len(names) else None

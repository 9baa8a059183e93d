"""Freshdesk's own codes and formats, from its API documentation (developers.freshdesk.com
/api): the sandbox models them here and never borrows the connector's tables."""

from __future__ import annotations

from datetime import UTC, datetime

# Ticket properties ("Ticket properties" tables of the ticket docs).
STATUSES = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed"}
PRIORITIES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
TICKET_SOURCES = {1: "Email", 2: "Portal", 3: "Phone", 5: "Twitter", 6: "Facebook",
                  7: "Chat", 9: "Feedback Widget", 10: "Outbound Email", 11: "Ecommerce",
                  12: "Bot"}
# Choices of the default ticket fields as ``GET /ticket_fields`` lists them: status codes
# (as strings) to [agent label, customer label]; priority and source names to codes.
DEFAULT_CHOICES = {
    "status": {"2": ["Open", "Being Processed"], "3": ["Pending", "Awaiting your Reply"],
               "4": ["Resolved", "This ticket has been Resolved"],
               "5": ["Closed", "This ticket has been Closed"]},
    "priority": {name: code for code, name in PRIORITIES.items()},
    "source": {"Email": 1, "Portal": 2, "Phone": 3, "Chat": 7, "Feedback Widget": 9,
               "Outbound Email": 10},
}
# Conversation ``source``: a different table from the ticket's.
REPLY_SOURCE, NOTE_SOURCE = 0, 2

# The custom field types each object can have (contacts and companies have no decimal).
TICKET_FIELD_TYPES = ("custom_text", "custom_paragraph", "custom_checkbox", "custom_number",
                      "custom_decimal", "custom_dropdown", "custom_date")
PEOPLE_FIELD_TYPES = ("custom_text", "custom_paragraph", "custom_checkbox", "custom_number",
                      "custom_dropdown", "custom_date", "custom_url", "custom_phone_number")
OBJECT_FIELD_TYPES = {"ticket": TICKET_FIELD_TYPES, "contact": PEOPLE_FIELD_TYPES,
                      "company": PEOPLE_FIELD_TYPES}


def format_time(value: datetime) -> str:
    """``2024-03-01T10:22:05Z``: how Freshdesk writes every timestamp."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> datetime | None:
    """A timestamp as clients send it (``…Z``, an offset, or a bare date)."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))

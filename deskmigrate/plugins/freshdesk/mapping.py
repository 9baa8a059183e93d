"""Tables between Freshdesk's codes and the canonical record model."""

from __future__ import annotations

from datetime import UTC, datetime

MAX_REQUEST_BYTES = 20 * 1024 * 1024  # attachments per create / note request

# Freshdesk statuses: 2 Open, 3 Pending, 4 Resolved, 5 Closed.
STATUS_TO_CANONICAL = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
STATUS_FROM_CANONICAL = {"new": 2, "open": 2, "pending": 3, "hold": 3, "solved": 4,
                         "closed": 5}
# Statuses Freshdesk has no code for; the ticket keeps them as a tag.
STATUS_TAGS = {"new": "status-new", "hold": "status-on-hold"}

PRIORITY_TO_CANONICAL = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
PRIORITY_FROM_CANONICAL = {v: k for k, v in PRIORITY_TO_CANONICAL.items()}

# Freshdesk ticket types are account-defined choices; the defaults are Question, Incident,
# Problem, Feature Request and Refund. A canonical type is written as its title-cased name
# when the account offers it, otherwise kept as a ``type-...`` tag (and read back from one).
CANONICAL_TYPES = ("question", "incident", "problem", "task", "change")
TYPE_TAG_PREFIX = "type-"


def type_to_canonical(value: str | None) -> tuple[str | None, str | None]:
    """``(canonical type, tag)`` for a Freshdesk type: a known type or a ``type-...`` tag."""
    if not value:
        return None, None
    key = value.strip().lower()
    if key in CANONICAL_TYPES:
        return key, None
    return None, TYPE_TAG_PREFIX + "-".join(key.split())


def type_from_canonical(value: str | None, choices: list[str]) -> tuple[str | None, str | None]:
    """``(Freshdesk type, tag)`` for a canonical type given the account's type choices."""
    if not value:
        return None, None
    for choice in choices:
        if choice.lower() == value.lower():
            return choice, None
    return None, TYPE_TAG_PREFIX + value.lower()


# Ticket ``source`` codes (Freshdesk API docs): 1 Email, 2 Portal, 3 Phone, 5 Twitter,
# 6 Facebook, 7 Chat, 8 Mobihelp, 9 Feedback widget, 10 Outbound email, 11 E-commerce, 12 Bot.
TICKET_CHANNELS = {1: "email", 2: "web", 3: "phone", 5: "twitter", 6: "facebook", 7: "chat",
                   8: "mobile", 9: "web", 10: "email", 11: "ecommerce", 12: "bot"}
CHANNEL_TO_SOURCE = {"email": 1, "web": 2, "api": 2, "phone": 3, "voice": 3, "chat": 7,
                     "twitter": 5, "facebook": 6}
# Conversation ``source`` codes (a different table): 0 Reply, 2 Note, 5 Tweet, 6 Survey
# feedback, 7 Facebook post, 8 Forwarded email, 9 Phone, 10 Mobihelp, 11 E-commerce.
CONVERSATION_CHANNELS = {0: "email", 2: "web", 5: "twitter", 6: "survey", 7: "facebook",
                         8: "email", 9: "phone", 10: "mobile", 11: "ecommerce"}
REPLY_SOURCE, NOTE_SOURCE = 0, 2
UNKNOWN_CHANNEL = "other"


def ticket_channel(source: object) -> str:
    """The canonical channel of a ticket's ``source`` code (``other`` for codes Freshdesk
    added after this table)."""
    return TICKET_CHANNELS.get(source, UNKNOWN_CHANNEL) if isinstance(source, int) else "web"


def conversation_channel(source: object) -> str:
    """The canonical channel of a conversation's ``source`` code."""
    if not isinstance(source, int):
        return "web"
    return CONVERSATION_CHANNELS.get(source, UNKNOWN_CHANNEL)


# Custom field types of ticket_fields / contact_fields / company_fields.
FIELD_TYPES = {"custom_text": "text", "custom_paragraph": "textarea",
               "custom_checkbox": "checkbox", "custom_number": "integer",
               "custom_decimal": "decimal", "custom_dropdown": "dropdown",
               "custom_date": "date", "custom_url": "text", "custom_phone_number": "text"}
FIELD_TYPES_FROM_CANONICAL = {v: k for k, v in FIELD_TYPES.items()
                              if k not in ("custom_url", "custom_phone_number")}
# The custom field types each object can have (contacts and companies have no decimal).
OBJECT_FIELD_TYPES = {
    "ticket": ("custom_text", "custom_paragraph", "custom_checkbox", "custom_number",
               "custom_decimal", "custom_dropdown", "custom_date"),
    "contact": ("custom_text", "custom_paragraph", "custom_checkbox", "custom_number",
                "custom_dropdown", "custom_date", "custom_url", "custom_phone_number"),
}
OBJECT_FIELD_TYPES["company"] = OBJECT_FIELD_TYPES["contact"]

# Solution article status: 1 draft, 2 published. Folder visibility 1 = all users.
ARTICLE_DRAFT, ARTICLE_PUBLISHED = 1, 2
FOLDER_VISIBLE_TO_ALL = 1

# Canonical locales (lower case, Zendesk style) <-> Freshdesk language codes.
LOCALE_TO_LANGUAGE = {"en-us": "en", "en": "en", "en-gb": "en", "pt-br": "pt-BR",
                      "zh-cn": "zh-CN", "zh-tw": "zh-TW", "es-419": "es-LA",
                      "ja": "ja-JP", "nb": "nb-NO", "sv": "sv-SE"}
LANGUAGE_TO_LOCALE = {"en": "en-us", "pt-BR": "pt-br", "zh-CN": "zh-cn", "zh-TW": "zh-tw",
                      "es-LA": "es-419", "ja-JP": "ja", "nb-NO": "nb", "sv-SE": "sv"}


def language(locale: str) -> str:
    """The Freshdesk language code of a canonical locale (``fr-fr`` -> ``fr``)."""
    key = locale.lower()
    return LOCALE_TO_LANGUAGE.get(key) or key.split("-")[0]


def locale(language_code: str) -> str:
    return LANGUAGE_TO_LOCALE.get(language_code, language_code.lower())


def parse_time(value: str | None) -> datetime | None:
    """Freshdesk's ISO 8601 ``...Z`` timestamps as aware datetimes."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(value: datetime) -> str:
    """``2024-03-01T10:22:05Z`` (what Freshdesk sends and accepts)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Value mappings between Intercom and the neutral records: times, states, priorities,
channels, locales, field types, and the text and images of HTML bodies."""

from __future__ import annotations

from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser as HTMLParser

STATE_TO_STATUS = {"open": "open", "snoozed": "pending", "closed": "solved"}
STATUS_TO_STATE = {"new": "open", "open": "open", "pending": "snoozed", "hold": "snoozed",
                   "solved": "closed", "closed": "closed"}
TICKET_STATE_TO_STATUS = {"submitted": "new", "in_progress": "open",
                          "waiting_on_customer": "pending", "resolved": "solved"}
CHANNELS = {"conversation": "chat", "email": "email", "phone_call": "voice",
            "phone_switch": "voice", "sms": "sms", "twitter": "twitter",
            "facebook": "facebook", "whatsapp": "whatsapp", "instagram": "instagram",
            "push": "mobile"}
FIELD_TYPES = {"string": "text", "integer": "integer", "float": "decimal",
               "boolean": "checkbox", "date": "date", "datetime": "date"}
DATA_TYPES = {"text": "string", "textarea": "string", "integer": "integer",
              "decimal": "float", "checkbox": "boolean", "date": "date",
              "dropdown": "string", "tagger": "string", "multiselect": "string"}
REGIONAL = {"pt-br": "pt-BR", "zh-cn": "zh-CN", "zh-tw": "zh-TW"}
LOCALES = {"ar", "bg", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he",
           "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "mn", "nb", "nl", "pl", "pt", "ro",
           "ru", "sl", "sr", "sv", "tr", "vi", "pt-BR", "zh-CN", "zh-TW"}
PEOPLE = ("user", "lead", "contact")


def from_epoch(value: int | float | None) -> datetime | None:
    return None if not value else datetime.fromtimestamp(int(value), tz=UTC)


def to_epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def locale_in(locale: str) -> str:
    """Intercom's ``pt-BR`` / ``fr`` as the neutral lower-case tag."""
    return locale.lower()


def locale_out(locale: str) -> str | None:
    """A neutral tag (``en-us``, ``pt-br``, ``fr``) as an Intercom locale, or None."""
    tag = locale.lower()
    if tag in REGIONAL:
        return REGIONAL[tag]
    base = tag.split("-")[0]
    return base if base in LOCALES else None


def text_of(body_html: str | None) -> str:
    if not body_html:
        return ""
    return (HTMLParser(body_html).text(separator=" ") or "").strip()


def image_sources(body_html: str | None) -> list[str]:
    """The ``src`` of every ``<img>`` in an HTML body."""
    if not body_html:
        return []
    return [node.attributes.get("src") or "" for node in HTMLParser(body_html).css("img")
            if node.attributes.get("src")]


def subject_of(title: str | None, subject: str | None, body_html: str | None) -> str:
    """A conversation's title, else its first message's subject, else its first words."""
    for candidate in (title, text_of(subject)):
        if candidate and candidate.strip():
            return candidate.strip()
    words = text_of(body_html)
    return (words[:77] + "...") if len(words) > 80 else (words or "(no subject)")

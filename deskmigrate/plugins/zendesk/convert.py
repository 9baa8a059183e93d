"""Zendesk JSON → canonical records. Custom field values are keyed by the field's title;
attachments get a ``fetch`` closure bound to the source's downloader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskmigrate.core.records import (
    Agent,
    Attachment,
    Comment,
    Company,
    Contact,
    FieldDefinition,
    Group,
    KbArticle,
    KbCategory,
    KbFolder,
    SideConversation,
    Ticket,
    Translation,
)

from .mapping import field_type_in, option_names, parse_time, status_in, value_in
from .shape import Shape

Fetch = Callable[[str], bytes]
Schemas = dict[Any, dict[str, Any]]  # field id (tickets) or key (users, orgs) → schema
SideData = tuple[dict[str, Any], list[dict[str, Any]]]  # a side conversation, its events

FIELD_OBJECTS = {"ticket_fields": "ticket", "user_fields": "contact",
                 "organization_fields": "company"}


def sid(value: Any) -> str | None:
    """A source id as the records carry it (a string), or None."""
    return None if value is None else str(value)


def file_name(data: dict[str, Any]) -> str | None:
    """A file's name: ``file_name`` (``name`` in side-conversation attachment objects)."""
    return data.get("file_name") or data.get("name")


def attachment(data: dict[str, Any], fetch: Fetch) -> Attachment:
    url = data["content_url"]
    return Attachment(source_id=str(data["id"]), file_name=file_name(data) or "attachment",
                      content_type=data.get("content_type") or "application/octet-stream",
                      size=int(data.get("size") or 0), url=url,
                      inline=bool(data.get("inline")), fetch=lambda: fetch(url))


def attachments(items: Any, fetch: Fetch, shape: Shape) -> list[Attachment]:
    """The attachments that name an id and a URL (the others are left out, with a warning)."""
    out = []
    for item in shape.objects(items, "attachments"):
        if item.get("id") is None or not isinstance(item.get("content_url"), str):
            missing = "content_url" if item.get("id") is not None else "id"
            shape.warn(f"attachment {file_name(item)!r} has no {missing}; left out")
            continue
        out.append(attachment(item, fetch))
    return out


AUDIO_TYPES = ((b"RIFF", "audio/wav", ".wav"), (b"OggS", "audio/ogg", ".ogg"),
               (b"ID3", "audio/mpeg", ".mp3"), (b"\xff\xfb", "audio/mpeg", ".mp3"),
               (b"\xff\xf3", "audio/mpeg", ".mp3"))


def recording(comment_id: Any, url: str, fetch: Fetch) -> Attachment:
    """A voice comment's call recording. Zendesk does not say its format up front, so the
    name, type and size are set from the bytes when they are fetched (through the source's
    host-checked downloader, which also carries the agent's credentials Zendesk wants)."""
    item = Attachment(source_id=f"{comment_id}-recording",
                      file_name=f"call-recording-{comment_id}.mp3", content_type="audio/mpeg",
                      size=0, url=url)

    def read() -> bytes:
        data = fetch(url)
        kind = next((t for t in AUDIO_TYPES if data.startswith(t[0])), None)
        if kind is not None:
            item.content_type = kind[1]
            item.file_name = f"call-recording-{comment_id}{kind[2]}"
        item.size = len(data)
        return data

    item.fetch = read
    return item


def comment(data: dict[str, Any], requester_id: Any, fetch: Fetch, shape: Shape
            ) -> Comment:
    """A comment; what is odd in it becomes a warning of its ticket (``shape``)."""
    mine = Shape(f"comment {data.get('id')}: ")
    extra = data.get("data")
    recording_url = extra.get("recording_url") if isinstance(extra, dict) else None
    out = Comment(
        source_id=str(data["id"]), author_id=sid(data.get("author_id")),
        body_html=data.get("html_body") or "",
        body_text=data.get("plain_body") or data.get("body") or "",
        public=bool(data.get("public", True)),
        created_at=mine.time(data.get("created_at"), "created_at"),
        attachments=attachments(data.get("attachments"), fetch, mine),
        channel=mine.channel(data.get("via")),
        incoming=data.get("author_id") == requester_id,
        recording=recording(data["id"], recording_url, fetch) if recording_url else None)
    shape.warnings.extend(mine.warnings)
    return out


def side_conversation(data: dict[str, Any], events: list[dict[str, Any]], fetch: Fetch,
                      shape: Shape) -> SideConversation:
    """A side conversation with its messages (``create`` and ``reply`` events) in order;
    participants and events of another shape are left out. A message file without a
    ``content_url`` cannot be carried: a warning on the ticket names it."""
    subject = data.get("subject") or ""
    mine = Shape(f"side conversation {subject!r}: ")
    messages = [side_message(e, fetch, mine)
                for e in sorted(events, key=lambda e: str(e.get("created_at")))
                if isinstance(e.get("message"), dict)]
    participants = [p["email"] for p in data.get("participants") or []
                    if isinstance(p, dict) and isinstance(p.get("email"), str)]
    shape.warnings.extend(mine.warnings)
    return SideConversation(source_id=str(data["id"]), subject=subject,
                            participants=participants, messages=messages)


def side_message(event: dict[str, Any], fetch: Fetch, shape: Shape) -> Comment:
    message = event["message"]
    sender = next((s for s in (message.get("from"), event.get("actor")) if isinstance(s, dict)),
                  {})
    return Comment(source_id=str(event["id"]), author_id=sid(sender.get("user_id")),
                   body_html=message.get("html_body") or "",
                   body_text=message.get("body") or "", public=False,
                   created_at=shape.time(event.get("created_at"), "created_at"),
                   attachments=attachments(message.get("attachments"), fetch, shape),
                   channel="side_conversation")


def custom_values(values: Any, schemas: Schemas, shape: Shape | None = None
                  ) -> dict[str, Any]:
    """``{field id or key: value}`` → ``{title: canonical value}`` (empty values dropped)."""
    if not isinstance(values, dict):
        if values is not None and shape is not None:
            shape.warn("custom field values are not an object; left out")
        return {}
    out = {}
    for key, value in values.items():
        schema = schemas.get(key)
        if schema is not None and value not in (None, "", []):
            out[schema["title"]] = value_in(schema, value)
    return out


def ticket(data: dict[str, Any], comments: list[dict[str, Any]], schemas: Schemas,
           fetch: Fetch, solved_at: str | None = None,
           side_conversations: list[SideData] | None = None) -> Ticket:
    """A ticket with its comments and side conversations (each with its events); fields
    of an unexpected shape become its warnings."""
    shape = Shape()
    values = {f.get("id"): f.get("value")
              for f in shape.objects(data.get("custom_fields"), "custom_fields")}
    requester = data.get("requester_id")
    conversation = []
    for item in comments:
        if item.get("id") is None:
            shape.warn("a comment without an id was left out")
            continue
        conversation.append(comment(item, requester, fetch, shape))
    return Ticket(
        source_id=str(data["id"]), subject=data.get("subject") or data.get("raw_subject") or "",
        status=status_in(data.get("status") or "open"), priority=data.get("priority"),
        type=data.get("type"), tags=shape.ids(data.get("tags"), "tags"),
        custom_fields=custom_values(values, schemas), requester_id=sid(requester),
        assignee_id=sid(data.get("assignee_id")), group_id=sid(data.get("group_id")),
        company_id=sid(data.get("organization_id")), cc_ids=cc_ids(data, shape),
        created_at=shape.time(data.get("created_at"), "created_at"),
        updated_at=shape.time(data.get("updated_at"), "updated_at"),
        solved_at=shape.time(solved_at, "solved_at"), channel=shape.channel(data.get("via")),
        comments=conversation, warnings=shape.warnings,
        side_conversations=side_conversations_of(side_conversations or [], fetch, shape))


def side_conversations_of(items: list[SideData], fetch: Fetch, shape: Shape
                          ) -> list[SideConversation]:
    """The side conversations that have an id (the others are left out, with a warning)."""
    out = []
    for data, events in items:
        if data.get("id") is None:
            shape.warn("a side conversation without an id was left out")
            continue
        out.append(side_conversation(data, events, fetch, shape))
    return out


def cc_ids(data: dict[str, Any], shape: Shape) -> list[str]:
    """The ticket's CCs. With CCs and followers (every account since 2019) they are
    ``email_cc_ids`` — even when empty: ``collaborator_ids`` then holds the followers, who
    are agents watching, not people copied. Legacy accounts have only ``collaborator_ids``;
    their ``follower_ids`` (if any) are left out of it."""
    if "email_cc_ids" in data:
        return shape.ids(data.get("email_cc_ids"), "email_cc_ids")
    followers = set(shape.ids(data.get("follower_ids"), "follower_ids"))
    return [i for i in shape.ids(data.get("collaborator_ids"), "collaborator_ids")
            if i not in followers]


def group(data: dict[str, Any]) -> Group:
    return Group(source_id=str(data["id"]), name=data["name"],
                 description=data.get("description") or "")


def agent(data: dict[str, Any], group_ids: list[str]) -> Agent:
    return Agent(source_id=str(data["id"]), name=data["name"], email=data.get("email") or "",
                 role="admin" if data.get("role") == "admin" else "agent",
                 active=bool(data.get("active", True)) and not data.get("suspended"),
                 group_ids=group_ids)


def other_emails(identities: Any) -> dict[str, list[str]]:
    """Users' email identities other than the primary one (an ``include=identities``
    sideload), by user id."""
    found: dict[str, list[str]] = {}
    for identity in identities if isinstance(identities, list) else []:
        if isinstance(identity, dict) and identity.get("type") == "email" and not identity.get(
                "primary") and identity.get("value"):
            found.setdefault(str(identity.get("user_id")), []).append(str(identity["value"]))
    return found


def contact(data: dict[str, Any], schemas: Schemas, emails: list[str] | None = None
            ) -> Contact:
    """An end user; ``emails``: its other email addresses."""
    shape = Shape()
    return Contact(
        source_id=str(data["id"]), name=data.get("name") or "", email=data.get("email"),
        other_emails=list(emails or []),
        phone=data.get("phone"), company_id=sid(data.get("organization_id")),
        tags=shape.ids(data.get("tags"), "tags"),
        custom_fields=custom_values(data.get("user_fields"), schemas, shape),
        active=not data.get("suspended"), deleted=not data.get("active", True),
        warnings=shape.warnings)


def company(data: dict[str, Any], schemas: Schemas) -> Company:
    shape = Shape()
    return Company(
        source_id=str(data["id"]), name=data.get("name") or str(data["id"]),
        domains=shape.ids(data.get("domain_names"), "domain_names"),
        tags=shape.ids(data.get("tags"), "tags"),
        custom_fields=custom_values(data.get("organization_fields"), schemas, shape),
        notes=data.get("notes") or "", warnings=shape.warnings)


def field(data: dict[str, Any], collection: str) -> FieldDefinition:
    object_type = FIELD_OBJECTS[collection]
    key = str(data["id"]) if collection == "ticket_fields" else data["key"]
    return FieldDefinition(
        source_id=f"{object_type}:{data['id']}", object_type=object_type, key=key,
        title=data["title"], field_type=field_type_in(data["type"]),
        options=list(option_names(data).values()), required=bool(data.get("required")))


def translations_of(data: dict[str, Any], translations: list[dict[str, Any]]
                    ) -> list[Translation]:
    """The other-language versions of a Help Center item (its source locale left out)."""
    source_locale = data.get("source_locale") or data.get("locale") or "en-us"
    return [Translation(locale=t["locale"], title=t["title"], body=t.get("body") or "",
                        draft=bool(t.get("draft")))
            for t in translations if t["locale"] != source_locale]


def category(data: dict[str, Any], translations: list[dict[str, Any]]) -> KbCategory:
    return KbCategory(source_id=str(data["id"]), name=data["name"],
                      description=data.get("description") or "",
                      locale=data.get("locale") or "en-us",
                      position=int(data.get("position") or 0),
                      translations=translations_of(data, translations))


def folder(data: dict[str, Any], translations: list[dict[str, Any]]) -> KbFolder:
    return KbFolder(source_id=str(data["id"]), category_id=str(data["category_id"]),
                    name=data["name"], description=data.get("description") or "",
                    locale=data.get("locale") or "en-us",
                    position=int(data.get("position") or 0),
                    translations=translations_of(data, translations))


def article(data: dict[str, Any], translations: list[dict[str, Any]],
            attachments: list[dict[str, Any]], fetch: Fetch) -> KbArticle:
    source_locale = data.get("source_locale") or data.get("locale") or "en-us"
    return KbArticle(
        source_id=str(data["id"]), folder_id=str(data["section_id"]), title=data["title"],
        body=data.get("body") or "", locale=data.get("locale") or source_locale,
        author_id=sid(data.get("author_id")), draft=bool(data.get("draft")),
        position=int(data.get("position") or 0),
        created_at=parse_time(data.get("created_at")),
        updated_at=parse_time(data.get("updated_at")),
        translations=translations_of(data, translations),
        attachments=[attachment(a, fetch) for a in attachments if a.get("content_url")])

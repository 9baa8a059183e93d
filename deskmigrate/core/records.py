"""The platform-neutral record model that sits between sources and targets.

Sources yield these records; targets consume them. Every reference between records is a
*source* id (a string); the engine resolves it to a target id through the id map.
People (agents and contacts) share one id namespace, ``user``: a ticket's requester or a
comment's author may be either, and :meth:`WriteContext.user` resolves both. The kinds a
migration knows are registered in :mod:`.kinds` (built-in ones in :mod:`.builtin_kinds`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

R = TypeVar("R")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_TYPES = ("question", "incident", "problem", "task", "change")
USER = "user"  # the namespace of people: any kind registered with person=True


@dataclass(kw_only=True)
class Record:
    """Base of every migratable record; ``source_id`` is the id in the source platform."""

    kind: ClassVar[str] = "record"
    source_id: str
    # What the source found odd while reading this record (the report lists it).
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    def links(self) -> Iterator[tuple[str, str]]:
        """``(kind, source id)`` of every record this one refers to (``USER`` for a person),
        e.g. what a demo takes along with the records it draws."""
        return iter(())


@dataclass(kw_only=True)
class Group(Record):
    kind: ClassVar[str] = "group"
    name: str
    description: str = ""


@dataclass(kw_only=True)
class Agent(Record):
    kind: ClassVar[str] = "agent"
    name: str
    email: str
    role: str = "agent"  # "agent" | "admin"
    active: bool = True  # False = suspended / deactivated
    group_ids: list[str] = field(default_factory=list)

    def links(self) -> Iterator[tuple[str, str]]:
        return (("group", g) for g in self.group_ids)


@dataclass(kw_only=True)
class Company(Record):
    kind: ClassVar[str] = "company"
    name: str
    domains: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    notes: str = ""


@dataclass(kw_only=True)
class Contact(Record):
    kind: ClassVar[str] = "contact"
    name: str
    email: str | None = None
    other_emails: list[str] = field(default_factory=list)
    phone: str | None = None
    company_id: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    active: bool = True  # False = suspended / blocked
    deleted: bool = False

    def links(self) -> Iterator[tuple[str, str]]:
        if self.company_id:
            yield "company", self.company_id


@dataclass(kw_only=True)
class Attachment:
    """A file on a comment or article. ``fetch`` returns its bytes (the source binds it).
    ``public_url``: ``url`` gives the bytes to anyone (an open or signed link), so a target
    platform that downloads files by URL may be handed it."""

    source_id: str
    file_name: str
    content_type: str
    size: int
    url: str = ""
    inline: bool = False
    public_url: bool = False
    fetch: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    def read(self) -> bytes:
        if self.fetch is None:
            raise ValueError(f"attachment {self.source_id} has no way to fetch its bytes")
        return self.fetch()


@dataclass(kw_only=True)
class Comment:
    """One message of a ticket's conversation. ``public`` False is an internal note."""

    source_id: str
    author_id: str | None
    body_html: str
    body_text: str = ""
    public: bool = True
    created_at: datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)
    channel: str = "web"
    incoming: bool = False  # a customer's message kept as an incoming note
    recording: Attachment | None = None  # the audio of a voice-call comment


@dataclass(kw_only=True)
class SideConversation:
    source_id: str
    subject: str
    participants: list[str] = field(default_factory=list)  # emails
    messages: list[Comment] = field(default_factory=list)


@dataclass(kw_only=True)
class Ticket(Record):
    kind: ClassVar[str] = "ticket"
    subject: str
    status: str = "open"
    priority: str | None = None
    type: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    requester_id: str | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    company_id: str | None = None
    cc_ids: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    solved_at: datetime | None = None
    channel: str = "web"
    comments: list[Comment] = field(default_factory=list)
    side_conversations: list[SideConversation] = field(default_factory=list)

    def links(self) -> Iterator[tuple[str, str]]:
        people = (self.requester_id, self.assignee_id, *self.cc_ids,
                  *(c.author_id for c in self.comments))
        yield from ((USER, p) for p in people if p)
        for kind, source_id in (("group", self.group_id), ("company", self.company_id)):
            if source_id:
                yield kind, source_id

    def messages(self) -> Iterator[Comment]:
        """Every message of the ticket: its comments, then the messages of its side
        conversations. Options visit a ticket's messages through this one walk, so a
        message is never missed whichever form it travels in."""
        yield from self.comments
        for conversation in self.side_conversations:
            yield from conversation.messages


@dataclass(kw_only=True)
class Translation:
    locale: str
    title: str
    body: str
    draft: bool = False


@dataclass(kw_only=True)
class KbCategory(Record):
    kind: ClassVar[str] = "kb_category"
    name: str
    description: str = ""
    locale: str = "en-us"
    position: int = 0
    translations: list[Translation] = field(default_factory=list)


@dataclass(kw_only=True)
class KbFolder(Record):
    kind: ClassVar[str] = "kb_folder"
    category_id: str
    name: str
    description: str = ""
    locale: str = "en-us"
    position: int = 0
    translations: list[Translation] = field(default_factory=list)


@dataclass(kw_only=True)
class KbArticle(Record):
    kind: ClassVar[str] = "kb_article"
    folder_id: str
    title: str
    body: str
    locale: str = "en-us"
    author_id: str | None = None
    draft: bool = False
    position: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    translations: list[Translation] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(kw_only=True)
class FieldDefinition(Record):
    """A custom field schema (ticket, contact or company), used for mapping."""

    kind: ClassVar[str] = "field"
    object_type: str  # "ticket" | "contact" | "company"
    key: str
    title: str
    field_type: str = "text"
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass(kw_only=True)
class Unreadable(Record):
    """A source record that could not be turned into a canonical one (a date that is not
    a date...): the engine reports it as failed with ``reason`` and goes on."""

    kind: ClassVar[str] = "unreadable"
    reason: str


def readable(source_id: Any, convert: Callable[[], R]) -> R | Unreadable:
    """``convert()``, or an :class:`Unreadable` saying why it failed: one bad source record
    never stops a stream."""
    try:
        return convert()
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        return Unreadable(source_id=str(source_id),
                          reason=f"the source record cannot be read ({type(exc).__name__}: "
                                 f"{exc})")


# Records a target adds to a record it may not own (an agent's group memberships): each is
# written as a child with its own ownership, ``nested_id(parent, child)``, and rollback
# removes those the run added before it deletes the kind they hang on.
NESTED: dict[str, tuple[str, ...]] = {"agent": ("group_membership",)}
NESTED_KINDS: tuple[str, ...] = tuple(k for kinds in NESTED.values() for k in kinds)


def nested_id(parent_id: str, child_id: str) -> str:
    """The source id of a nested record: its parent's and its own (``12/7``)."""
    return f"{parent_id}/{child_id}"


def rollback_order(order: tuple[str, ...]) -> tuple[str, ...]:
    """The order rollback deletes in: newest kinds first (``order`` is the dependency
    order), each kind's nested records before it."""
    return tuple(k for kind in reversed(order) for k in (*NESTED.get(kind, ()), kind))


VOLATILE = {"fetch", "url", "warnings"}  # signed URLs change on every read; remarks are no data


def _stable(value: Any) -> Any:
    """Plain data of a record, without what changes between two reads of the same thing."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _stable(getattr(value, f.name)) for f in fields(value)
                if f.name not in VOLATILE}
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    return value


def fingerprint(record: Record) -> str:
    """A digest of everything a record carries, to tell whether it changed since a run."""
    data = _stable(record)
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{record.kind}:{text}".encode()).hexdigest()

"""Canonical records as plain, comparable data: people by email (else name, a ticket's CCs
too), companies and groups by name, custom fields by title, bodies as their words,
attachments by SHA-256 of their bytes. The same view is taken of the source record and of
the target's read-back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..core.connector import Source
from ..core.records import (
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
    Record,
    Ticket,
)


def words(html: str) -> str:
    """The text of an HTML (or plain) body, whitespace collapsed."""
    text = LexborHTMLParser(html).text(separator=" ") if "<" in html else html
    return " ".join(text.split())


def stamp(value: datetime | None) -> str | None:
    """A time to the second in UTC (targets keep no finer)."""
    if value is None:
        return None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def plain(value: Any) -> Any:
    """A custom field value in a form both platforms agree on: a multi-choice as its
    choices sorted and joined (a target without multi-choice fields keeps "A, B")."""
    if isinstance(value, list | tuple):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, bool) or value is None:
        return value
    text = str(value)
    return ", ".join(sorted(text.split(", "))) if ", " in text else text


def files(attachments: Iterable[Attachment]) -> list[tuple[str, int, str]]:
    """``(file name, size, SHA-256)`` of each file (inline images are the body's)."""
    out = []
    for attachment in attachments:
        if not attachment.inline:
            data = attachment.read()
            out.append((attachment.file_name, len(data), hashlib.sha256(data).hexdigest()))
    return sorted(out)


class Names:
    """What one side's ids stand for: a person's email (or name), a company's or group's
    name, a custom field's title. Looked up in batches through the side's Source API."""

    def __init__(self, source: Source, migrated: set[str] | None = None) -> None:
        self.source = source
        self.migrated = migrated  # the people a run migrated (None: every one is there)
        self.absent: set[str] = set()  # the emails of people it did not
        self._people: dict[str, str] = {}
        self._companies: dict[str, str] = {}
        self._groups: dict[str, str] = {}
        self._fields: dict[str, str] | None = None

    def load(self, records: Iterable[Record]) -> None:
        """Look up the people, companies and groups ``records`` (tickets, contacts) refer
        to."""
        people: set[str] = set()
        companies: set[str] = set()
        groups: set[str] = set()
        for record in records:
            if isinstance(record, Contact) and record.company_id:
                companies.add(record.company_id)
            if not isinstance(record, Ticket):
                continue
            people.update(p for p in (record.requester_id, record.assignee_id, *record.cc_ids)
                          if p)
            people.update(c.author_id for c in record.comments if c.author_id)
            companies.update([record.company_id] if record.company_id else [])
            groups.update([record.group_id] if record.group_id else [])
        missing = sorted(people - set(self._people))
        for kind in ("agent", "contact"):
            if missing and kind in self.source.kinds:
                for person in self.source.get(kind, missing):
                    if isinstance(person, Agent | Contact):
                        name = (person.email or person.name).lower()
                        self._people[person.source_id] = name
                        if self.migrated is not None and person.source_id not in self.migrated:
                            self.absent.add(name)
        wanted = sorted(companies - set(self._companies))
        if wanted and "company" in self.source.kinds:
            self._companies.update({c.source_id: c.name for c in self.source.get(
                "company", wanted) if isinstance(c, Company)})
        wanted = sorted(groups - set(self._groups))
        if wanted and "group" in self.source.kinds:
            self._groups.update({g.source_id: g.name for g in self.source.get(
                "group", wanted) if isinstance(g, Group)})

    def person(self, source_id: str | None) -> str | None:
        return self._people.get(source_id, f"unknown person {source_id}") if source_id else None

    def company(self, source_id: str | None) -> str | None:
        return self._companies.get(source_id, f"unknown company {source_id}") \
            if source_id else None

    def group(self, source_id: str | None) -> str | None:
        return self._groups.get(source_id, f"unknown group {source_id}") if source_id else None

    def field(self, key: str) -> str:
        if self._fields is None:
            self._fields = {}
            if "field" in self.source.kinds:
                self._fields = {f.key: f.title for f in self.source.read("field")
                                if isinstance(f, FieldDefinition) and f.object_type == "ticket"}
        return self._fields.get(key, key)


def ticket_view(ticket: Ticket, names: Names, mapping: dict[str, str] | None = None
                ) -> dict[str, Any]:
    """A ticket as comparable data; ``mapping`` renames custom field titles (the config's
    ``[mapping]``: source title to target title)."""
    mapping = mapping or {}
    fields = {}
    for key, value in ticket.custom_fields.items():
        if value in (None, "", [], False):
            continue
        title = names.field(key)
        fields[mapping.get(title, title)] = plain(value)
    return {
        "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority,
        "type": ticket.type, "tags": sorted(set(ticket.tags)),
        "custom_fields": fields, "requester": names.person(ticket.requester_id),
        "assignee": names.person(ticket.assignee_id), "company": names.company(ticket.company_id),
        "group": names.group(ticket.group_id),
        "ccs": sorted({cc for cc in map(names.person, ticket.cc_ids) if cc}),
        "created_at": stamp(ticket.created_at),
        "comments": [comment_view(c, names) for c in ticket.comments],
    }


def comment_view(comment: Comment, names: Names) -> dict[str, Any]:
    return {"body": words(comment.body_html or comment.body_text), "author":
            names.person(comment.author_id), "public": comment.public,
            "created_at": stamp(comment.created_at),
            "attachments": files(comment.attachments)}


def record_view(record: Record, names: Names) -> dict[str, Any]:
    """Any other kind: the fields a person recognises it by; a contact's details too."""
    if isinstance(record, Contact):
        return {"name": record.name, "email": (record.email or "").lower() or None,
                "other_emails": sorted({e.lower() for e in record.other_emails}
                                       - {(record.email or "").lower()}) or None,
                "phone": record.phone or None, "company": names.company(record.company_id),
                "tags": sorted(set(record.tags))}
    if isinstance(record, Agent):
        return {"name": record.name, "email": (record.email or "").lower() or None}
    if isinstance(record, Company | Group):
        return {"name": record.name}
    if isinstance(record, KbCategory | KbFolder):
        return {"name": record.name, "translations": {
            t.locale.lower(): t.title for t in record.translations}}
    if isinstance(record, KbArticle):
        return {"title": record.title, "body": words(record.body), "translations": {
            t.locale.lower(): {"title": t.title, "body": words(t.body)}
            for t in record.translations},
            "attachments": files(record.attachments)}
    return {}

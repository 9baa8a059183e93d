"""Reading requests: JQL pages of issues, their comments (ADF, ``jsdPublic``) and their
attachments, each given to the comment that shows it inline or else to the latest comment
written before it (Jira keeps attachments on the issue, not on comments)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from deskmigrate.core.records import (
    TICKET_TYPES,
    Attachment,
    Comment,
    Ticket,
    Unreadable,
    readable,
)

from .adf import adf_text, adf_to_html, media_names
from .api import V3, JiraApi
from .mapping import (
    ISSUE_TYPE_TO_CANONICAL,
    ORGANIZATIONS_SCHEMA,
    PRIORITY_TO_CANONICAL,
    REQUEST_TYPE_LABEL,
    REQUEST_TYPE_SCHEMA,
    parse_time,
    status_to_canonical,
)

BASE_FIELDS = ("summary", "description", "status", "priority", "labels", "reporter",
               "assignee", "created", "updated", "resolutiondate", "issuetype", "attachment")


def description_id(issue_id: str) -> str:
    """The source id of the comment a request's description becomes."""
    return f"{issue_id}-description"


class TicketReader:
    def __init__(self, api: JiraApi, desk: Callable[[], Any],
                 fields: Callable[[], list[dict]]) -> None:
        self.api = api
        self.desk = desk
        self.custom_fields = fields
        self._special: dict[str, str] | None = None
        self._lock = threading.Lock()

    def special(self) -> dict[str, str]:
        """Field ids of JSM's request type and organizations fields on this site."""
        with self._lock:
            if self._special is None:
                self._special = {}
                for f in self.api.get(f"{V3}/field"):
                    custom = (f.get("schema") or {}).get("custom")
                    if custom == REQUEST_TYPE_SCHEMA:
                        self._special["request_type"] = f["id"]
                    elif custom == ORGANIZATIONS_SCHEMA:
                        self._special["organizations"] = f["id"]
            return self._special

    def read(self, jql: str) -> Iterator[Ticket | Unreadable]:
        wanted = [*BASE_FIELDS, *self.special().values(),
                  *(f["id"] for f in self.custom_fields())]
        for issue in self.api.search(jql, ",".join(wanted)):
            yield readable(issue.get("key"), partial(self.ticket, issue))

    def ticket(self, issue: dict) -> Ticket:
        fields = issue["fields"]
        special = self.special()
        status = fields.get("status") or {}
        issue_type = ((fields.get("issuetype") or {}).get("name") or "").lower()
        canonical_type = ISSUE_TYPE_TO_CANONICAL.get(issue_type)
        request_type = ((fields.get(special.get("request_type", "")) or {})
                        .get("requestType") or {}).get("name")
        custom = self._custom_values(fields)
        if request_type:
            custom[REQUEST_TYPE_LABEL] = request_type
        orgs = fields.get(special.get("organizations", "")) or []
        return Ticket(
            source_id=issue["key"], subject=fields.get("summary") or "",
            status=status_to_canonical(status.get("name") or "",
                                       (status.get("statusCategory") or {}).get("key", "")),
            priority=PRIORITY_TO_CANONICAL.get(((fields.get("priority") or {})
                                                .get("name") or "").lower()),
            type=canonical_type if canonical_type in TICKET_TYPES else None,
            tags=list(fields.get("labels") or []), custom_fields=custom,
            requester_id=_account(fields.get("reporter")),
            assignee_id=_account(fields.get("assignee")),
            company_id=str(orgs[0]["id"]) if orgs else None,
            created_at=parse_time(fields.get("created")),
            updated_at=parse_time(fields.get("updated")),
            solved_at=parse_time(fields.get("resolutiondate")),
            comments=self._comments(issue))

    def _custom_values(self, fields: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.custom_fields():
            value = fields.get(f["id"])
            if isinstance(value, dict):
                value = value.get("value", value.get("name"))
            elif isinstance(value, list):
                value = [v.get("value", v.get("name")) if isinstance(v, dict) else v
                         for v in value]
            if value not in (None, "", []):
                out[f["name"]] = value
        return out

    def _comments(self, issue: dict) -> list[Comment]:
        fields = issue["fields"]
        attachments = {a["filename"]: a for a in fields.get("attachment") or []}
        comments = [Comment(source_id=description_id(issue["id"]),
                            author_id=_account(fields.get("reporter")),
                            body_html="", public=True, incoming=True,
                            created_at=parse_time(fields.get("created")))]
        bodies: list[Any] = [fields.get("description")]
        for row in self.api.comments(issue["key"]):
            author = _account(row.get("author"))
            comments.append(Comment(
                source_id=str(row["id"]), author_id=author, body_html="",
                public=bool(row.get("jsdPublic", True)),
                incoming=author == comments[0].author_id,
                created_at=parse_time(row.get("created"))))
            bodies.append(row.get("body"))
        placed: set[str] = set()
        for comment, body in zip(comments, bodies, strict=True):
            inline = [attachments[n] for n in media_names(body) if n in attachments]
            placed |= {a["filename"] for a in inline}
            comment.attachments = [self._attachment(a, inline=True) for a in inline]
            comment.body_html = adf_to_html(body, {a["filename"]: a["content"]
                                                   for a in inline})
            comment.body_text = adf_text(body)
        for row in attachments.values():
            if row["filename"] not in placed:
                _owner(comments, row).attachments.append(self._attachment(row, inline=False))
        return comments

    def _attachment(self, row: dict, *, inline: bool) -> Attachment:
        url = row["content"]
        return Attachment(source_id=str(row["id"]), file_name=row["filename"],
                          content_type=row.get("mimeType") or "application/octet-stream",
                          size=int(row.get("size") or 0), url=url, inline=inline,
                          fetch=lambda: self.api.download(url))


def _owner(comments: list[Comment], row: dict) -> Comment:
    """The latest comment written at or before the attachment, preferring its author's."""
    when = parse_time(row.get("created"))
    author = _account(row.get("author"))
    earlier = [c for c in comments if when is None or c.created_at is None
               or c.created_at <= when] or comments[:1]
    own = [c for c in earlier if c.author_id == author]
    return (own or earlier)[-1]


def _account(user: Any) -> str | None:
    return user.get("accountId") if isinstance(user, dict) else None

"""Writing requests: raised on behalf of the requester with a request type and its required
fields, then completed step by step - comments (ADF, internal or public), attachments in
two calls, labels, priority and status - each step skipped when already done, so a request
found after a crash is finished instead of written twice."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from deskmigrate.core.connector import ChildResult, WriteContext, WriteResult
from deskmigrate.core.errors import ApiError
from deskmigrate.core.file_copy import file_bytes
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.history import origin_text
from deskmigrate.core.records import Comment, Ticket

from .adf import adf_text, html_to_adf, paragraph
from .api import NO_CHECK, SD, V3, JiraApi
from .mapping import (
    CANONICAL_CATEGORY,
    INTERNAL_PROPERTY,
    ORIGIN_PROPERTY,
    PRIORITY_FROM_CANONICAL,
    STATUS_FROM_CANONICAL,
    label,
)
from .platform import MAX_ATTACHMENT_BYTES
from .target_fields import RequestTypes


def origin_line(who: str, when: datetime | None, reference: str) -> str:
    return f"{origin_text(who, when)} (ref {reference})"


class Pacer:
    """Keeps writes to one issue under Jira's per-issue limit (by default 20 in 2 seconds
    and 100 in 30 seconds; a little margin is kept): waits only when a window is full."""

    def __init__(self, windows: tuple[tuple[float, int], ...] = ((2.0, 18), (30.0, 95))
                 ) -> None:
        self.windows = windows
        self.span = max(span for span, _ in windows)
        self._stamps: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                stamps = self._stamps.setdefault(key, deque())
                while stamps and now - stamps[0] > self.span:
                    stamps.popleft()
                delay = max((span - (now - recent[0]) for span, most in self.windows
                             if len(recent := [t for t in stamps if now - t <= span]) >= most),
                            default=0.0)
                if delay <= 0:
                    stamps.append(now)
                    return
            time.sleep(delay)

    def forget(self, key: str) -> None:
        with self._lock:
            self._stamps.pop(key, None)


class RequestWriter:
    def __init__(self, api: JiraApi, desk: Callable[[], Any], settings: dict[str, Any]) -> None:
        self.api = api
        self.http = api.http
        self.desk = desk
        self.types = RequestTypes(api, desk, settings.get("mapping") or {})
        self.pacer = Pacer()
        self.me: str | None = None
        self._names: dict[str, str] = {}
        self._found: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- create -------------------------------------------------------------------------
    def write(self, ticket: Ticket, ctx: WriteContext) -> WriteResult:
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        external = ctx.external_id("ticket", ticket.source_id)
        chosen = self.types.choose(ticket, warn)
        values = self.types.values(chosen, ticket)
        if isinstance(values, str):
            return WriteResult(source_id=ticket.source_id, error=values)
        requester = ctx.user(ticket.requester_id) or ctx.user(ticket.requester_id, agent=True)
        first = ticket.comments[0] if ticket.comments else None
        values |= {"summary": ticket.subject or "(no subject)",
                   "description": self._body(first, ctx, external, ticket.created_at)}
        body = self.http.request("POST", f"{SD}/request", json={
            "serviceDeskId": self.desk().id, "requestTypeId": chosen["id"],
            "isAdfRequest": True, "raiseOnBehalfOf": requester,
            "requestFieldValues": values}).json()
        key = body["issueKey"]
        ctx.created("ticket", ticket.source_id, key)  # before its comments: rollback
        children = self.complete(ticket, key, ctx)
        if first is not None:
            children.insert(0, ChildResult("comment", first.source_id, f"{key}-description"))
        return WriteResult(source_id=ticket.source_id, target_id=key, children=children)

    def _body(self, comment: Comment | None, ctx: WriteContext, reference: str,
              when: datetime | None) -> dict[str, Any]:
        doc = html_to_adf(comment.body_html if comment else "")
        who = self._who(comment.author_id if comment else None, ctx)
        header = paragraph(origin_line(who, comment.created_at if comment else when,
                                       reference))
        return {**doc, "content": [header, *doc.get("content", [])]}

    def _who(self, source_author: str | None, ctx: WriteContext) -> str:
        """``Name <email>`` of a comment's author: as the target knows them, else as the
        source does (an agent without a Jira account)."""
        account = ctx.user(source_author) if source_author else None
        if account is None:
            person = ctx.person(source_author)
            name, email = getattr(person, "name", None), getattr(person, "email", None)
            if name or email:
                return f"{name or email} <{email}>" if email else str(name)
            return f"source user {source_author}" if source_author else "an unknown user"
        with self._lock:
            known = self._names.get(account)
        if known is None:
            response = self.http.request("GET", f"{V3}/user", params={"accountId": account},
                                         ok_404=True)
            user = response.json() if response.status_code != 404 else {}
            name, email = user.get("displayName") or account, user.get("emailAddress")
            known = f"{name} <{email}>" if email else name
            with self._lock:
                self._names[account] = known
        return known

    # -- complete -----------------------------------------------------------------------
    def complete(self, ticket: Ticket, key: str, ctx: WriteContext, *,
                 delta: bool = False) -> list[ChildResult]:
        """Every comment, attachment, label and status the request lacks; idempotent.

        A full record's first comment is the description; a delta's comments are all
        new but those the id map knows (a Zendesk delta sends only recent ones)."""
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        issue = self.api.get(f"{V3}/issue/{key}", {"fields": "attachment,labels,status,assignee",
                                                    "properties": ORIGIN_PROPERTY})
        if ORIGIN_PROPERTY not in (issue.get("properties") or {}):
            self.pacer.wait(key)
            self.http.request("PUT", f"{V3}/issue/{key}/properties/{ORIGIN_PROPERTY}", json={
                "externalId": ctx.external_id("ticket", ticket.source_id),
                "sourceId": ticket.source_id, "created": _iso(ticket.created_at),
                "updated": _iso(ticket.updated_at), "solved": _iso(ticket.solved_at)})
        have_files = Counter((a["filename"], int(a.get("size") or 0))
                             for a in issue["fields"].get("attachment") or [])
        written = self._written_comments(key)
        children = []
        for index, comment in enumerate(ticket.comments):
            if delta and ctx.known("comment", comment.source_id):
                continue
            if index > 0 or delta:
                target = written.get(comment.source_id)
                if target is None:
                    target = self._comment(key, comment, ctx)
                children.append(ChildResult("comment", comment.source_id, target))
            self._attach(key, comment, have_files, warn)
        self._fields(key, ticket, issue["fields"].get("labels") or [], ctx, warn)
        self._assign(key, ticket, issue["fields"].get("assignee"), ctx, warn)
        self._status(key, ticket, (issue["fields"].get("status") or {}).get("name"), warn)
        self.pacer.forget(key)
        return children

    def _written_comments(self, key: str) -> dict[str, str]:
        return {str(prop["value"].get("sourceId")): str(row["id"])
                for row in self.api.comments(key) for prop in row.get("properties") or []
                if prop.get("key") == ORIGIN_PROPERTY}

    def _comment(self, key: str, comment: Comment, ctx: WriteContext) -> str:
        reference = f"comment {comment.source_id}"
        self.pacer.wait(key)
        body = self.http.request("POST", f"{V3}/issue/{key}/comment", json={
            "body": self._body(comment, ctx, reference, comment.created_at),
            "properties": [
                {"key": INTERNAL_PROPERTY, "value": {"internal": not comment.public}},
                {"key": ORIGIN_PROPERTY, "value": {
                    "sourceId": comment.source_id, "created": _iso(comment.created_at),
                    "author": comment.author_id}}]}).json()
        return str(body["id"])

    def _attach(self, key: str, comment: Comment, have: Counter[tuple[str, int]],
                warn: Callable[[str], None]) -> None:
        """``attachTemporaryFile`` then attach, keeping the comment's public flag. Files
        already on the issue (an earlier, interrupted attempt wrote them in this same
        order) are counted off by name and size, so two equal names both arrive."""
        files = []
        for item in comment.attachments:
            data = file_bytes(item, MAX_ATTACHMENT_BYTES, warn)
            if data is None:
                continue
            name = safe_file_name(item.file_name)
            if have[(name, len(data))] > 0:
                have[(name, len(data))] -= 1
                continue
            files.append(("file", (name, data, item.content_type)))
        if not files:
            return
        temporary = self.http.request(
            "POST", f"{SD}/servicedesk/{self.desk().id}/attachTemporaryFile", files=files,
            headers=NO_CHECK).json()["temporaryAttachments"]
        self.pacer.wait(key)
        self.http.request("POST", f"{SD}/request/{key}/attachment", json={
            "temporaryAttachmentIds": [t["temporaryAttachmentId"] for t in temporary],
            "public": comment.public})

    def _fields(self, key: str, ticket: Ticket, labels: list[str], ctx: WriteContext,
                warn: Callable[[str], None]) -> None:
        wanted = [label(t) for t in ticket.tags]
        if any(w != t for w, t in zip(wanted, ticket.tags, strict=True)):
            warn("labels cannot hold spaces in Jira: spaces became underscores")
        fields: dict[str, Any] = {"labels": list(dict.fromkeys([*labels, *wanted]))}
        organization = ctx.target_id("company", ticket.company_id)
        org_field = self.types.organizations_field()
        if organization is not None and org_field:
            fields[org_field] = [int(organization)]
        priority = PRIORITY_FROM_CANONICAL.get(ticket.priority or "")
        if priority:
            fields["priority"] = {"name": priority}
        self.pacer.wait(key)
        try:
            self.http.request("PUT", f"{V3}/issue/{key}", json={"fields": fields})
        except ApiError:
            warn("the priority could not be set on this request type's screen")
            fields.pop("priority", None)
            self.pacer.wait(key)
            self.http.request("PUT", f"{V3}/issue/{key}", json={"fields": fields})

    def _assign(self, key: str, ticket: Ticket, current: dict[str, Any] | None,
                ctx: WriteContext, warn: Callable[[str], None]) -> None:
        """``PUT /issue/{key}/assignee``: the mapped agent, else the default agent."""
        if not ticket.assignee_id:
            return
        account = ctx.target_id("agent", ticket.assignee_id) or \
            ctx.user(ticket.assignee_id, agent=True)
        if account is None or (current or {}).get("accountId") == account:
            return
        self.pacer.wait(key)
        try:
            self.http.request("PUT", f"{V3}/issue/{key}/assignee", json={"accountId": account})
        except ApiError:
            warn("the assignee cannot be assigned requests in Jira: left unassigned")

    def _status(self, key: str, ticket: Ticket, current: str | None,
                warn: Callable[[str], None]) -> None:
        wanted = STATUS_FROM_CANONICAL.get(ticket.status, "In progress")
        if current == wanted:
            return
        options = self.api.get(f"{V3}/issue/{key}/transitions")["transitions"]
        chosen = next((t for t in options if t["to"]["name"].lower() == wanted.lower()), None)
        if chosen is None:
            category = CANONICAL_CATEGORY.get(ticket.status, "indeterminate")
            chosen = next((t for t in options
                           if t["to"]["statusCategory"]["key"] == category), None)
            if chosen is not None:
                warn(f"no '{wanted}' status: moved to '{chosen['to']['name']}'")
        if chosen is None:
            warn(f"no transition leads to a '{wanted}' status: left as it is")
            return
        self.pacer.wait(key)
        self.http.request("POST", f"{V3}/issue/{key}/transitions",
                          json={"transition": {"id": chosen["id"]}})

    # -- find ---------------------------------------------------------------------------
    def find(self, external: str) -> str | None:
        """The request stamped with ``external`` (issue property, or the reference in its
        first line when a crash came between the create and the property)."""
        with self._lock:
            if external in self._found:
                return self._found[external]
        jql = f"project = {self.desk().project_key} AND creator = currentUser() " \
              "ORDER BY created DESC"
        for issue in self.api.search(jql, "description", ORIGIN_PROPERTY):
            stamp = (issue.get("properties") or {}).get(ORIGIN_PROPERTY) or {}
            first = adf_text((issue.get("fields") or {}).get("description") or {})
            mark = stamp.get("externalId") or _reference(first)
            if mark:
                with self._lock:
                    self._found.setdefault(mark, issue["key"])
        with self._lock:
            return self._found.get(external)


def _reference(text: str) -> str | None:
    head = text.split("\n", 1)[0]
    if "(ref " not in head:
        return None
    return head.rsplit("(ref ", 1)[1].rstrip(")").strip() or None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


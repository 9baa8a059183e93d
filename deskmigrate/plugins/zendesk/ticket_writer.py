"""Write tickets with the ticket import API: up to 100 per ``imports/tickets/create_many``
job, each with its whole conversation (authors, public flags and times kept); attachment and
inline-image bytes are uploaded first and referenced by upload token."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from deskmigrate.core.connector import ChildResult, WriteContext, WriteResult
from deskmigrate.core.errors import ApiError
from deskmigrate.core.file_copy import file_bytes
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.history import side_conversation_notes
from deskmigrate.core.records import Attachment, Comment, Ticket

from .client import ZendeskApi
from .fields import FieldCache
from .jobs import created_id, failure, job_results
from .mapping import format_time, priority_out, status_out, type_out
from .platform import MAX_ATTACHMENT_BYTES
from .side_writer import SideConversationWriter


class RecordError(Exception):
    """This record cannot be written (its WriteResult gets the message)."""


class TicketWriter:
    """Builds import payloads and runs the bulk import job."""

    def __init__(self, api: ZendeskApi, fields: FieldCache, side: SideConversationWriter
                 ) -> None:
        self.api = api
        self.fields = fields
        self.side = side
        # payloads (their files: a download and an upload each) built at once, across all
        # the batches being written: as many as the connection's concurrency
        self._slots: threading.BoundedSemaphore | None = None
        self._slots_lock = threading.Lock()

    def _slot(self) -> threading.BoundedSemaphore:
        with self._slots_lock:
            if self._slots is None:
                self._slots = threading.BoundedSemaphore(self.api.http.concurrency)
            return self._slots

    def write(self, tickets: list[Ticket], ctx: WriteContext) -> list[WriteResult]:
        results = [WriteResult(source_id=t.source_id) for t in tickets]

        slots = self._slot()

        def build(n: int) -> tuple[int, dict[str, Any]] | None:
            with slots:
                try:
                    return n, self.payload(tickets[n], ctx, results[n])
                except (RecordError, ApiError) as exc:
                    results[n].error = str(exc)
                    return None

        # one batch alone (a small run, the last batches) still copies its files in parallel
        workers = max(1, min(len(tickets), self.api.http.concurrency))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="zd-files") as pool:
            payloads = [p for p in pool.map(build, range(len(tickets))) if p is not None]
        if payloads:
            self._import(tickets, payloads, results)
        for (n, payload) in payloads:
            if results[n].target_id and payload["status"] != "closed":
                self.side.write(results[n].target_id or "", tickets[n].side_conversations, ctx,
                                results[n])
        return results

    # -- the import job -----------------------------------------------------------------
    def _import(self, tickets: list[Ticket], payloads: list[tuple[int, dict[str, Any]]],
                results: list[WriteResult]) -> None:
        closed = any(p["status"] == "closed" for _, p in payloads)
        try:
            job = self.api.http.request(
                "POST", "api/v2/imports/tickets/create_many.json",
                params={"archive_immediately": "true"} if closed else None,
                json={"tickets": [p for _, p in payloads]}).json()["job_status"]
            job = self.api.wait_for_job(job)
        except ApiError as exc:
            for n, _ in payloads:
                results[n].error = str(exc)
            return
        for item, (n, _) in zip(job_results(job, len(payloads)), payloads, strict=True):
            target_id = created_id(item)
            if item is None:
                results[n].error = f"the import job ({job.get('status')}) has no result for it"
            elif target_id is None:
                results[n].error = f"zendesk refused the ticket: {failure(item)}"
            else:
                results[n].target_id = target_id
                results[n].children = [ChildResult("comment", c.source_id, None)
                                       for c in tickets[n].comments]

    # -- payloads -----------------------------------------------------------------------
    def payload(self, ticket: Ticket, ctx: WriteContext, result: WriteResult
                ) -> dict[str, Any]:
        requester = ctx.user(ticket.requester_id) or ctx.user(ticket.requester_id, agent=True)
        if requester is None:
            raise RecordError(f"its requester {ticket.requester_id} is not in the target")
        kind, remark = type_out(ticket.type)
        if remark:
            result.warnings.append(remark)
        custom, remarks = self.fields.values("ticket", ticket.custom_fields)
        result.warnings.extend(remarks)
        conversation = list(ticket.comments)
        if ticket.side_conversations and status_out(ticket.status) == "closed":
            result.warnings.append("closed tickets take no side conversations; they were "
                                   "added as private notes")
            notes = [n for c in ticket.side_conversations for n in side_conversation_notes(c)]
            conversation = sorted([*conversation, *notes],
                                  key=lambda c: (c.created_at is None, c.created_at))
        comments = [self.comment(c, ctx, result, requester) for c in conversation]
        if not comments:
            comments = [{"author_id": _int(requester), "value": ticket.subject or "(no text)",
                         "public": True, "created_at": format_time(ticket.created_at)}]
        payload: dict[str, Any] = {
            "external_id": ctx.external_id("ticket", ticket.source_id),
            "subject": ticket.subject or "(no subject)", "status": status_out(ticket.status),
            "priority": priority_out(ticket.priority), "type": kind,
            "tags": list(ticket.tags), "requester_id": _int(requester),
            "assignee_id": _int(ctx.user(ticket.assignee_id, agent=True)
                                if ticket.assignee_id else None),
            "group_id": _int(ctx.target_id("group", ticket.group_id)),
            "organization_id": _int(ctx.target_id("company", ticket.company_id)),
            "email_cc_ids": [i for i in (_int(ctx.user(c)) for c in ticket.cc_ids) if i],
            "custom_fields": [{"id": k, "value": v} for k, v in custom.items()],
            "comments": comments,
            "created_at": format_time(ticket.created_at),
            "updated_at": format_time(ticket.updated_at),
            "solved_at": format_time(ticket.solved_at),
        }
        return {k: v for k, v in payload.items() if v is not None}

    def comment(self, comment: Comment, ctx: WriteContext, result: WriteResult,
                requester: str | None = None) -> dict[str, Any]:
        author = ctx.user(comment.author_id) or ctx.user(comment.author_id, agent=True) \
            or requester
        html_body, uploads = comment.body_html, []
        for item in comment.attachments:  # call recordings arrive here (call_recordings)
            upload = self.upload(item, result)
            if upload is None:
                continue
            uploads.append(upload["token"])
            if item.inline and item.url and html_body:
                html_body = html_body.replace(item.url, upload["attachment"]["content_url"])
        out: dict[str, Any] = {"author_id": _int(author), "public": comment.public,
                               "created_at": format_time(comment.created_at),
                               "uploads": uploads}
        if html_body:
            out["html_body"] = html_body
        else:
            out["value"] = comment.body_text or "(no text)"
        return out

    def upload(self, item: Attachment, result: WriteResult) -> dict[str, Any] | None:
        """Upload one file; None (with a warning) when it is too big or gone at the source."""
        data = file_bytes(item, MAX_ATTACHMENT_BYTES, result.warnings.append)
        if data is None:
            return None
        try:  # an upload is safe to send again: a token nothing refers to expires in 3 days
            return self.api.http.request(
                "POST", "api/v2/uploads.json",
                params={"filename": safe_file_name(item.file_name)}, content=data,
                headers={"Content-Type": item.content_type or "application/octet-stream"},
                idempotent=True).json()["upload"]
        except ApiError as exc:
            result.warnings.append(f"attachment '{item.file_name}' was refused by Zendesk "
                                   f"({exc}); not copied")
            return None

    # -- delta: changed fields and new comments on tickets migrated before ------------
    def update_many(self, pairs: list[tuple[Ticket, str]], ctx: WriteContext
                    ) -> list[WriteResult]:
        """Bring migrated tickets up to date in bulk: their current state from
        ``show_many``, then ``update_many`` jobs carrying the changed fields and one new
        comment per ticket per round. Only where an earlier attempt may have landed
        (``ctx.uncertain``) are the ticket's comments read first, so nothing is added
        twice after a crash."""
        current = {}
        for start in range(0, len(pairs), 100):
            ids = ",".join(target_id for _, target_id in pairs[start:start + 100])
            for item in self.api.get("api/v2/tickets/show_many.json", {"ids": ids})["tickets"]:
                current[str(item["id"])] = item
        results: list[WriteResult] = []
        pending: dict[str, tuple[WriteResult, dict[str, Any], list[tuple[Comment, dict]]]] = {}
        for ticket, target_id in pairs:
            result = WriteResult(source_id=ticket.source_id, target_id=target_id)
            results.append(result)
            found = current.get(target_id)
            if found is None or found["status"] == "deleted":
                result.target_id = None
                result.error = f"ticket {target_id} is no longer in the Zendesk target"
                continue
            if found["status"] == "closed":
                result.warnings.append("the ticket is closed in Zendesk and cannot change any "
                                       "more")
                continue
            fields = self.fields_update(ticket, ctx, result)
            bodies = self._new_comments(ticket, target_id, ctx, result)
            pending[target_id] = (result, fields, bodies)
        first = True
        while pending:
            batch = [(target_id, {"id": int(target_id), **(fields if first else {}),
                                  **({"comment": bodies[0][1]} if bodies else {})})
                     for target_id, (_, fields, bodies) in pending.items()]
            for start in range(0, len(batch), 100):
                self._send_updates(batch[start:start + 100], pending)
            first = False
        return results

    def _new_comments(self, ticket: Ticket, target_id: str, ctx: WriteContext,
                      result: WriteResult) -> list[tuple[Comment, dict[str, Any]]]:
        """The comments the id map does not know, as update bodies (minus any that an
        interrupted attempt already added)."""
        new = [c for c in ticket.comments if not ctx.known("comment", c.source_id)]
        existing: dict[tuple[str, str], Any] = {}
        if new and ctx.uncertain("ticket", ticket.source_id):
            existing = {(str(c["author_id"]), (c.get("html_body") or "").strip()): c["id"]
                        for c in self.api.cursor_list(
                            f"api/v2/tickets/{target_id}/comments.json", "comments")}
        bodies = []
        for comment in new:
            body = self.comment(comment, ctx, result)
            body.pop("created_at", None)  # only the import API keeps comment times
            twin = existing.get((str(body["author_id"]), (body.get("html_body") or "").strip()))
            if twin is not None:
                result.children.append(ChildResult("comment", comment.source_id, str(twin)))
            else:
                bodies.append((comment, body))
        if bodies:
            result.warnings.append("comments added by a delta get the time they are written")
        return bodies

    def _send_updates(self, chunk: list[tuple[str, dict[str, Any]]],
                      pending: dict[str, tuple[WriteResult, dict[str, Any],
                                               list[tuple[Comment, dict]]]]) -> None:
        job = self.api.http.request("PUT", "api/v2/tickets/update_many.json", json={
            "tickets": [item for _, item in chunk]}).json()["job_status"]
        outcomes = {str(r.get("id")): r for r in self.api.wait_for_job(job).get("results") or []}
        for target_id, item in chunk:
            result, _, bodies = pending[target_id]
            outcome = outcomes.get(target_id) or {}
            if not outcome.get("success"):
                result.error = (f"Zendesk refused the update of ticket {target_id}: "
                                f"{outcome.get('error') or 'no result'}")
                result.target_id = None
                del pending[target_id]
                continue
            if "comment" in item:
                comment, _ = bodies.pop(0)
                result.children.append(ChildResult("comment", comment.source_id, None))
            if not bodies:
                del pending[target_id]

    def fields_update(self, ticket: Ticket, ctx: WriteContext, result: WriteResult
                      ) -> dict[str, Any]:
        kind, remark = type_out(ticket.type)
        if remark:
            result.warnings.append(remark)
        custom, remarks = self.fields.values("ticket", ticket.custom_fields)
        result.warnings.extend(remarks)
        update = {
            "subject": ticket.subject or "(no subject)", "status": status_out(ticket.status),
            "priority": priority_out(ticket.priority), "type": kind, "tags": list(ticket.tags),
            "assignee_id": _int(ctx.user(ticket.assignee_id, agent=True)
                                if ticket.assignee_id else None),
            "group_id": _int(ctx.target_id("group", ticket.group_id)),
            "custom_fields": [{"id": k, "value": v} for k, v in custom.items()],
        }
        return {k: v for k, v in update.items() if v is not None}


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None

"""The copy script a competent Zendesk admin writes with zenpy, as the peer deskmigrate is
measured against (``bench/compare.py``): users and organizations in bulk jobs of 100, then
one ticket at a time — read its comments, copy each attachment (download, upload), import
the ticket with its whole conversation, authors and times kept.

    python bench/peer_zenpy.py SOURCE_URL TARGET_URL --source-email E --source-token T \\
        --target-email E --target-token T

zenpy talks to ``https://{subdomain}.zendesk.com``; the two sandboxes are on loopback, so
each client's subdomain is mapped to its sandbox (what ``ZENPY_FORCE_NETLOC`` does for one
client). Prints one JSON object: requests sent to each side, 429s met, tickets imported.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
from zenpy import Zenpy
from zenpy.lib.api import BaseApi
from zenpy.lib.api_objects import Comment, Organization, Ticket, User

NETLOCS: dict[str, str] = {}  # subdomain -> host:port of its sandbox
_zendesk_netloc = BaseApi.base_url


def _netloc(api: BaseApi) -> str:
    return NETLOCS.get(api.subdomain) or _zendesk_netloc.fget(api)  # type: ignore[attr-defined]


BaseApi.base_url = property(_netloc)  # type: ignore[assignment]


class Counted(requests.Session):
    """A session counting the requests it sends and the 429s it gets back."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self.too_many = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent += 1
        response = super().send(request, **kwargs)
        self.too_many += response.status_code == 429
        return response


def client(name: str, url: str, email: str, token: str) -> tuple[Zenpy, Counted]:
    NETLOCS[name] = urlsplit(url).netloc
    os.environ["ZENPY_FORCE_SCHEME"] = urlsplit(url).scheme
    session = Counted()
    zenpy = Zenpy(subdomain=name, email=email, token=token, session=session)
    zenpy.disable_caching()
    return zenpy, session


def chunks(items: Iterable[Any], size: int = 100) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def wait(target: Zenpy, job: Any) -> None:
    while job.status not in ("completed", "failed", "killed"):
        time.sleep(0.5)
        job = target.job_status(id=job.id)


def copy_people(source: Zenpy, target: Zenpy) -> tuple[dict[int, int], dict[int, int]]:
    """Organizations and users in bulk; returns source id -> target id for each (people
    matched by email, so that the target's own admin is found too)."""
    for batch in chunks(source.organizations()):
        wait(target, target.organizations.create([
            Organization(name=o.name, domain_names=o.domain_names, tags=o.tags,
                         external_id=f"src-{o.id}") for o in batch]))
    orgs = {int(o.external_id[4:]): o.id for o in target.organizations()
            if (o.external_id or "").startswith("src-")}
    emails = {}
    for batch in chunks(source.users()):
        emails.update((u.id, u.email.lower()) for u in batch if u.email)
        wait(target, target.users.create([
            User(name=u.name, email=u.email, role=u.role, external_id=f"src-{u.id}",
                 organization_id=orgs.get(u.organization_id)) for u in batch if u.email]))
    by_email = {u.email.lower(): u.id for u in target.users() if u.email}
    fallback = target.users.me().id  # authors the source no longer lists: the admin
    users = defaultdict(lambda: fallback, {
        source_id: by_email[email] for source_id, email in emails.items() if email in by_email})
    return orgs, users


def copy_ticket(source: Zenpy, source_http: requests.Session, target: Zenpy, ticket: Any,
                orgs: dict[int, int], users: dict[int, int]) -> None:
    comments = []
    for comment in source.tickets.comments(ticket=ticket.id):
        tokens = []
        for attachment in comment.attachments or []:
            data = source_http.get(attachment.content_url, timeout=60).content
            upload = target.attachments.upload(io.BytesIO(data),
                                               target_name=attachment.file_name,
                                               content_type=attachment.content_type)
            tokens.append(upload.token)
        comments.append(Comment(author_id=users[comment.author_id], public=comment.public,
                                html_body=comment.html_body, created_at=comment.created_at,
                                uploads=tokens))
    target.ticket_import.create(Ticket(
        subject=ticket.subject, status=ticket.status, priority=ticket.priority,
        type=ticket.type, tags=ticket.tags, requester_id=users[ticket.requester_id],
        assignee_id=users[ticket.assignee_id] if ticket.assignee_id else None,
        organization_id=orgs.get(ticket.organization_id),
        external_id=f"src-{ticket.id}", created_at=ticket.created_at,
        updated_at=ticket.updated_at, comments=comments))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_url")
    parser.add_argument("target_url")
    for side in ("source", "target"):
        parser.add_argument(f"--{side}-email", required=True)
        parser.add_argument(f"--{side}-token", required=True)
    args = parser.parse_args()
    source, source_http = client("source", args.source_url, args.source_email,
                                args.source_token)
    target, target_http = client("target", args.target_url, args.target_email,
                                 args.target_token)
    began = time.monotonic()
    orgs, users = copy_people(source, target)
    tickets = 0
    for ticket in source.tickets.incremental(start_time=0):
        if ticket.status != "deleted":
            copy_ticket(source, source_http, target, ticket, orgs, users)
            tickets += 1
    print(json.dumps({"tickets": tickets, "seconds": round(time.monotonic() - began, 1),
                      "source_requests": source_http.sent, "target_requests": target_http.sent,
                      "source_429": source_http.too_many, "target_429": target_http.too_many}))


if __name__ == "__main__":
    main()

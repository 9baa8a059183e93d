"""IntercomPlatform: configuration, capabilities, Bearer auth pinned to API 2.14, and the
HTTP options (error.list bodies, rate-limit headers, attachment hosts)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from deskmigrate.core.connector import Capabilities, ConfigField, Connection, Platform, page_url
from deskmigrate.core.http import HttpOptions, RateHeaders

if TYPE_CHECKING:
    from .sandbox import IntercomSandbox
    from .source import IntercomSource
    from .target import IntercomTarget

API_VERSION = "2.14"
KINDS = ("field", "group", "agent", "company", "contact", "ticket",
         "kb_category", "kb_folder", "kb_article")
# Files and inline images are served from Intercom's CDN (US, EU and AU workspaces).
ATTACHMENT_HOSTS = ("downloads.intercomcdn.com", "downloads.intercomcdn.eu",
                    "downloads.au.intercomcdn.com")

# The inbox of the workspace the operator is signed in to ("_" stands for its app id).
AGENT_PAGES = {"ticket": "a/apps/_/inbox/inbox/conversation/{}",
               "contact": "a/apps/_/users/{}", "company": "a/apps/_/companies/{}",
               "kb_article": "a/apps/_/articles/articles/{}/show"}


class IntercomAuth(httpx.Auth):
    """``Authorization: Bearer TOKEN`` and ``Intercom-Version: 2.14`` on every request."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response,
                                                             None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        request.headers["Intercom-Version"] = API_VERSION
        request.headers.setdefault("Accept", "application/json")
        yield request


class IntercomPlatform(Platform):
    name = "intercom"
    title = "Intercom"
    config_fields = (
        ConfigField("url", "API host: https://api.intercom.io (or api.eu.intercom.io, "
                           "api.au.intercom.io)"),
        ConfigField("token", "Access token of the Intercom app (Developer Hub)", secret=True),
    )
    capabilities = Capabilities(
        source_kinds=KINDS,
        target_kinds=KINDS,
        keeps_timestamps=True,  # conversations and replies take created_at (meant for imports)
        keeps_authors=True,  # replies as the admin or the contact who wrote them
        embeds_inline_images=True,  # pasted images live only in HTML bodies
        kb_translations=True,  # articles and collections carry translated_content
        max_attachment_bytes=None,
        default_rate_per_minute=1000,
        update_kinds=("ticket", "contact", "company"),  # what its Target.update brings up to date
        ticket_statuses=("open", "pending", "solved"),  # open, snoozed, closed
        # no ticket fields, company nor priority on a conversation through API 2.14, no
        # files on a customer's message nor on articles (docs/intercom.md)
        lossy=("ticket.custom_fields", "ticket.company", "ticket.priority",
               "comment.attachments", "kb_article.attachments",
               "ticket.group",  # teams cannot be created: an unmatched one is skipped
               "contact.other_emails"),  # one email per contact
    )

    def source(self, connection: Connection) -> IntercomSource:
        from .source import IntercomSource

        return IntercomSource(connection)

    def target(self, connection: Connection) -> IntercomTarget:
        from .target import IntercomTarget

        return IntercomTarget(connection)

    def auth(self, credentials: dict[str, str]) -> IntercomAuth:
        return IntercomAuth(credentials["token"])

    def sandbox(self, db_path: str, *, rate_limit: int | None = None, fault_rate: float = 0.0,
                fault_seed: int = 0) -> IntercomSandbox:
        from .sandbox import IntercomSandbox

        return IntercomSandbox(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                               fault_seed=fault_seed)

    def record_url(self, url: str, kind: str, target_id: str) -> str | None:
        """On the web app beside the API host (api.eu.intercom.io: app.eu.intercom.com);
        a sandbox's links stay on the sandbox."""
        host = urlsplit(url).hostname or ""
        if host.startswith("api.") and host.endswith(".intercom.io"):
            url = f"https://app.{host.removeprefix('api.').removesuffix('.io')}.com"
        return page_url(url, AGENT_PAGES, kind, target_id)

    def http_options(self, url: str) -> HttpOptions:
        return HttpOptions(
            # The limit counts 10-second windows; X-RateLimit-Reset is an epoch second.
            rate_headers=RateHeaders(limit=("x-ratelimit-limit",),
                                     remaining=("x-ratelimit-remaining",),
                                     reset=("x-ratelimit-reset",)), rate_window=10.0,
            error_message=error_message, allowed_hosts=ATTACHMENT_HOSTS)


def error_message(response: httpx.Response) -> str:
    """``code: message`` from Intercom's ``error.list`` bodies, never echoing the request."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return "; ".join(f"{e.get('code', '?')}: {e.get('message', '')}"
                         for e in body["errors"][:3] if isinstance(e, dict))[:300]
    return ""

"""The Zendesk platform entry: configuration, auth, HTTP options, source, target, sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from deskmigrate.core.connector import Capabilities, ConfigField, Connection, Platform, page_url
from deskmigrate.core.http import HttpOptions, RateHeaders

if TYPE_CHECKING:
    from .sandbox import ZendeskSandbox
    from .source import ZendeskSource
    from .target import ZendeskTarget

KINDS = ("field", "group", "agent", "company", "contact", "ticket",
         "kb_category", "kb_folder", "kb_article")
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
HELP_CENTER = ("api/v2/help_center/", "api/v2/guide/")  # Guide's permission groups too


def error_message(response: httpx.Response) -> str:
    """A short, credential-free description of a Zendesk error body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(body, dict):
        return str(body)[:300]
    error = body.get("error")
    if isinstance(error, dict):  # {"error": {"title": ..., "message": ...}}
        return str(error.get("message") or error.get("title"))[:300]
    parts = [p for p in (error, body.get("description")) if isinstance(p, str) and p]
    details = body.get("details")
    if isinstance(details, dict):
        parts += [str(e.get("description")) for errors in details.values()
                  if isinstance(errors, list) for e in errors if isinstance(e, dict)]
    return ": ".join(parts)[:300] if parts else str(body)[:300]

AGENT_PAGES = {"ticket": "agent/tickets/{}", "contact": "agent/users/{}",
               "agent": "agent/users/{}", "company": "agent/organizations/{}",
               "group": "admin/people/team/groups/{}", "kb_category": "hc/categories/{}",
               "kb_folder": "hc/sections/{}", "kb_article": "hc/articles/{}"}


class ZendeskPlatform(Platform):
    """Zendesk Support (tickets, people, fields) and Help Center (Guide)."""

    name = "zendesk"
    title = "Zendesk Support"
    demo_roles = ("source",)
    config_fields = (
        ConfigField("url", "Account URL, e.g. https://SUBDOMAIN.zendesk.com"),
        ConfigField("email", "Email of an admin (the API token acts as this user)"),
        ConfigField("token", "API token (Admin Center > Apps and integrations > API)",
                    secret=True),
    )
    capabilities = Capabilities(
        source_kinds=KINDS, target_kinds=KINDS, keeps_timestamps=True, keeps_authors=True,
        kb_translations=True, side_conversations=True, call_recordings=True,
        max_attachment_bytes=MAX_ATTACHMENT_BYTES, default_rate_per_minute=400,
        update_kinds=("ticket",),  # what its Target.update brings up to date
    )

    def source(self, connection: Connection) -> ZendeskSource:
        from .source import ZendeskSource

        return ZendeskSource(connection)

    def target(self, connection: Connection) -> ZendeskTarget:
        from .target import ZendeskTarget

        return ZendeskTarget(connection)

    def auth(self, credentials: dict[str, str]) -> httpx.Auth:
        return httpx.BasicAuth(f"{credentials['email']}/token", credentials["token"])

    def sandbox(self, db_path: str, *, rate_limit: int | None = None, fault_rate: float = 0.0,
                fault_seed: int = 0) -> ZendeskSandbox:
        from .sandbox import ZendeskSandbox

        return ZendeskSandbox(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                              fault_seed=fault_seed)

    def record_url(self, url: str, kind: str, target_id: str) -> str | None:
        return page_url(url, AGENT_PAGES, kind, target_id)

    def http_options(self, url: str) -> HttpOptions:
        host = urlsplit(url).hostname or ""
        hosts: tuple[str, ...] = ()
        if host.endswith(".zendesk.com"):  # attachments redirect to the account's CDN host
            subdomain = host.removesuffix(".zendesk.com")
            hosts = (f"{subdomain}.zdusercontent.com",)
        return HttpOptions(
            rate_headers=RateHeaders(limit=("x-rate-limit", "ratelimit-limit"),
                                     remaining=("x-rate-limit-remaining", "ratelimit-remaining"),
                                     reset=("ratelimit-reset",)),
            error_message=error_message, allowed_hosts=hosts,
            # the incremental exports' own limit (10 a minute, 30 with High Volume); the
            # cursor-based user export has its own (20, 60) and header
            endpoint_limits=(
                ("api/v2/incremental/users/cursor",
                 "zendesk-ratelimit-incremental-exports-cursor"),
                ("api/v2/incremental/", "zendesk-ratelimit-incremental-exports")),
            # the Help Center API has the Support API's per-minute limit, counted apart: a
            # request to one does not count against the other
            separate_api=HELP_CENTER)

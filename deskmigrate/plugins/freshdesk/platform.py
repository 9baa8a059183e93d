"""FreshdeskPlatform: configuration, capabilities, auth and HTTP options."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from deskmigrate.core.connector import Capabilities, ConfigField, Connection, Platform, page_url
from deskmigrate.core.http import HttpOptions, RateHeaders, Verdict

from .hosts import FILE_HOSTS
from .mapping import MAX_REQUEST_BYTES

if TYPE_CHECKING:
    from .sandbox import FreshdeskSandbox
    from .source import FreshdeskSource
    from .target import FreshdeskTarget

KINDS = ("field", "group", "agent", "company", "contact", "ticket",
         "kb_category", "kb_folder", "kb_article")

AGENT_PAGES = {"ticket": "a/tickets/{}", "contact": "a/contacts/{}",
               "company": "a/companies/{}", "agent": "a/admin/agents/{}",
               "group": "a/admin/groups/{}", "kb_category": "a/solutions/categories/{}",
               "kb_folder": "a/solutions/folders/{}", "kb_article": "a/solutions/articles/{}"}


class FreshdeskPlatform(Platform):
    name = "freshdesk"
    title = "Freshdesk"
    demo_roles = ("target",)
    config_fields = (
        ConfigField("url", "Help desk URL, e.g. https://acme.freshdesk.com"),
        ConfigField("api_key", "API key of an administrator (Profile settings)", secret=True),
    )
    capabilities = Capabilities(
        source_kinds=KINDS,
        target_kinds=KINDS,
        keeps_timestamps=False,
        keeps_authors=True,  # notes take user_id; times stay in a header line of the body
        embeds_inline_images=True,  # pasted images live only in the HTML bodies
        kb_translations=True,
        max_attachment_bytes=MAX_REQUEST_BYTES,
        default_rate_per_minute=200,
        update_kinds=("ticket", "contact", "company"),  # what its Target.update brings up to date
        ticket_statuses=("open", "pending", "solved", "closed"),  # new/hold: a status tag
        lossy=("kb_article.attachments",),  # article files are not uploaded (docs/freshdesk.md)
        # its crash marker, status and type tags, and the tag of a suspended contact
        own_tags=("dm-*", "status-*", "type-*", "suspended"),
    )

    def source(self, connection: Connection) -> FreshdeskSource:
        from .source import FreshdeskSource

        return FreshdeskSource(connection)

    def target(self, connection: Connection) -> FreshdeskTarget:
        from .target import FreshdeskTarget

        return FreshdeskTarget(connection)

    def auth(self, credentials: dict[str, str]) -> httpx.BasicAuth:
        """Basic auth: the API key as user name, any password ("X")."""
        return httpx.BasicAuth(credentials["api_key"], "X")

    def sandbox(self, db_path: str, *, rate_limit: int | None = None, fault_rate: float = 0.0,
                fault_seed: int = 0) -> FreshdeskSandbox:
        from .sandbox import FreshdeskSandbox

        return FreshdeskSandbox(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                                fault_seed=fault_seed)

    def record_url(self, url: str, kind: str, target_id: str) -> str | None:
        return page_url(url, AGENT_PAGES, kind, target_id)

    def http_options(self, url: str) -> HttpOptions:
        return HttpOptions(
            rate_headers=RateHeaders(limit=("x-ratelimit-total",),
                                     remaining=("x-ratelimit-remaining",), reset=()),
            error_message=error_message,
            allowed_hosts=FILE_HOSTS,  # every data centre's (see hosts.py)
            status_verdicts={409: Verdict.FAIL})  # a duplicate value, not a conflict


def error_message(response: httpx.Response) -> str:
    """One line from Freshdesk's error bodies, never echoing request data.

    Validation errors are ``{"description": "Validation failed", "errors": [{field,
    message, code}]}``; others ``{"code", "message"}``.
    """
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        parts = [f"{e.get('field', '?')}: {e.get('message', '')} ({e.get('code', '')})"
                 for e in errors[:3] if isinstance(e, dict)]
        return f"{body.get('description', 'Validation failed')} - " + "; ".join(parts)
    for key in ("message", "description", "code"):
        if isinstance(body.get(key), str):
            return body[key][:300]
    return ""

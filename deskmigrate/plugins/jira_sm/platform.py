"""JiraSmPlatform: configuration, capabilities, auth and HTTP options."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from deskmigrate.core.connector import Capabilities, ConfigField, Connection, Platform, page_url
from deskmigrate.core.http import HttpOptions, RateHeaders, Verdict

if TYPE_CHECKING:
    from .sandbox import JiraSmSandbox
    from .source import JiraSmSource
    from .target import JiraSmTarget

SOURCE_KINDS = ("field", "group", "agent", "company", "contact", "ticket")
# Fields and groups are taken to say why they are skipped: JSM's REST API cannot create
# custom fields, and groups are site-wide (a site admin's choice).
TARGET_KINDS = ("field", "group", "agent", "company", "contact", "ticket")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # attachTemporaryFile's default site limit
# Attachment content answers with a 303 to Atlassian's media service.
ATTACHMENT_HOSTS = ("api.media.atlassian.com",)

AGENT_PAGES = {"ticket": "browse/{}", "agent": "jira/people/{}"}  # issue key, account id


class JiraSmPlatform(Platform):
    name = "jira_sm"
    title = "Jira Service Management"
    config_fields = (
        ConfigField("url", "Site URL, e.g. https://acme.atlassian.net"),
        ConfigField("email", "Email of the Atlassian account the API token belongs to"),
        ConfigField("token", "API token (id.atlassian.com > Security > API tokens)",
                    secret=True),
        ConfigField("service_desk", "Key or id of the service desk to read or write, "
                                    "e.g. HELP"),
    )
    capabilities = Capabilities(
        source_kinds=SOURCE_KINDS,
        target_kinds=TARGET_KINDS,
        keeps_timestamps=False,
        keeps_authors=False,
        embeds_inline_images=True,
        max_attachment_bytes=MAX_ATTACHMENT_BYTES,
        default_rate_per_minute=300,
        update_kinds=("ticket",),  # what its Target.update brings up to date
        lossy=("ticket.custom_fields",  # fields cannot be created (docs/jira_sm.md)
               "ticket.type",  # the request type comes from [mapping] request_type
               "ticket.group",  # groups are site-wide: not set on requests
               # a customer account has a name and one email (no phone, no labels)
               "contact.phone", "contact.tags", "contact.other_emails"),
    )

    def source(self, connection: Connection) -> JiraSmSource:
        from .source import JiraSmSource

        return JiraSmSource(connection)

    def target(self, connection: Connection) -> JiraSmTarget:
        from .target import JiraSmTarget

        return JiraSmTarget(connection)

    def auth(self, credentials: dict[str, str]) -> httpx.BasicAuth:
        """Basic auth: the account's email and an API token."""
        return httpx.BasicAuth(credentials["email"], credentials["token"])

    def sandbox(self, db_path: str, *, rate_limit: int | None = None, fault_rate: float = 0.0,
                fault_seed: int = 0) -> JiraSmSandbox:
        from .sandbox import JiraSmSandbox

        return JiraSmSandbox(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                             fault_seed=fault_seed)

    def record_url(self, url: str, kind: str, target_id: str) -> str | None:
        return page_url(url, AGENT_PAGES, kind, target_id)

    def http_options(self, url: str) -> HttpOptions:
        return HttpOptions(
            rate_headers=RateHeaders(limit=("x-ratelimit-limit",),
                                     remaining=("x-ratelimit-remaining",), reset=()),
            error_message=error_message, allowed_hosts=ATTACHMENT_HOSTS,
            status_verdicts={409: Verdict.FAIL})  # an existing customer, not a conflict


def error_message(response: httpx.Response) -> str:
    """One line from Atlassian's error bodies, never echoing request data: platform
    ``{"errorMessages": [...], "errors": {field: msg}}``; servicedeskapi
    ``{"errorMessage": ..., "i18nErrorMessage": {...}}``."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(body, dict):
        return ""
    if isinstance(body.get("errorMessage"), str):
        return body["errorMessage"][:300]
    parts = [m for m in body.get("errorMessages") or [] if isinstance(m, str)]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{k}: {v}" for k, v in list(errors.items())[:3]]
    return "; ".join(parts)[:300]

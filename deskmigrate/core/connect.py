"""Build a :class:`Connection` (and its host-owned HTTP client) for a configured account."""

from __future__ import annotations

from typing import Any

import httpx

from .connector import Connection, Platform
from .errors import ConfigError
from .http import HttpClient, HttpOptions
from .logs import redact, redact_authorization


def connect(platform: Platform, url: str, credentials: dict[str, str], *,
            rate_per_minute: int | None = None, transport: httpx.BaseTransport | None = None,
            concurrency: int = 8, max_in_flight: int | None = None,
            settings: dict[str, Any] | None = None) -> Connection:
    """A connection to one account; its secrets are registered for redaction first.
    ``max_in_flight``: at most that many requests at once (else twice ``concurrency``)."""
    missing = [f.name for f in platform.config_fields if f.name not in credentials
               and f.name != "url"]
    if missing:
        raise ConfigError(f"The {platform.name} account needs '{missing[0]}' in its config.")
    for secret in platform.secret_values(credentials):
        redact(secret)
    options = platform.http_options(url)
    # A plain dict is what plugins written before HttpOptions return: still accepted.
    arguments = options.client_arguments() if isinstance(options, HttpOptions) else options
    auth = platform.auth(credentials)
    client = HttpClient(
        url, platform=platform.name, auth=auth,
        rate_per_minute=rate_per_minute,
        default_rate=platform.capabilities.default_rate_per_minute,
        transport=transport, concurrency=concurrency, max_in_flight=max_in_flight,
        max_download_bytes=platform.capabilities.max_attachment_bytes, **arguments,
    )
    header = authorization(auth, client.base_url)
    if header:
        redact_authorization(header)
    return Connection(platform=platform.name, url=client.base_url, credentials=credentials,
                      http=client, settings=settings or {})


def authorization(auth: Any, url: str) -> str | None:
    """The ``Authorization`` header ``auth`` puts on a request (so that every encoding of
    the credentials, e.g. base64 of ``email/token:secret``, is redacted)."""
    if isinstance(auth, tuple):
        auth = httpx.BasicAuth(*auth)
    if not isinstance(auth, httpx.Auth):
        return None
    try:
        request = next(auth.sync_auth_flow(httpx.Request("GET", url)))
    except (StopIteration, httpx.HTTPError, httpx.InvalidURL, ValueError):
        return None
    return request.headers.get("authorization")

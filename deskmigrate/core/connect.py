"""Build a :class:`Connection` (and its host-owned HTTP client) for a configured account."""

from __future__ import annotations

from typing import Any

import httpx

from .connector import Connection, Platform
from .errors import ConfigError
from .http import HttpClient, HttpOptions
from .logs import redact


def connect(platform: Platform, url: str, credentials: dict[str, str], *,
            rate_per_minute: int | None = None, transport: httpx.BaseTransport | None = None,
            concurrency: int = 8, settings: dict[str, Any] | None = None) -> Connection:
    """A connection to one account; its secrets are registered for redaction first."""
    missing = [f.name for f in platform.config_fields if f.name not in credentials
               and f.name != "url"]
    if missing:
        raise ConfigError(f"The {platform.name} account needs '{missing[0]}' in its config.")
    for secret in platform.secret_values(credentials):
        redact(secret)
    options = platform.http_options(url)
    # A plain dict is what plugins written before HttpOptions return: still accepted.
    arguments = options.client_arguments() if isinstance(options, HttpOptions) else options
    client = HttpClient(
        url, platform=platform.name, auth=platform.auth(credentials),
        rate_per_minute=rate_per_minute,
        default_rate=platform.capabilities.default_rate_per_minute,
        transport=transport, concurrency=concurrency, **arguments,
    )
    return Connection(platform=platform.name, url=client.base_url, credentials=credentials,
                      http=client, settings=settings or {})

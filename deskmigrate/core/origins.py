"""Where the account's credentials may go, and how attachment bytes are read: credentials
only to the account's exact origin (scheme, host, port); the platform's attachment hosts
over https, without credentials unless the platform requires them there; nothing else.
Downloads are streamed and refused past a size limit."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

from .errors import ApiError, ConfigError, TooLarge

REDIRECTS = (301, 302, 303, 307, 308)
DOWNLOAD_LIMIT = 100 * 1_048_576  # bytes, when the platform states no attachment limit
ANSWER_LIMIT = 256 * 1_048_576  # bytes of one API answer (a page): more is a hostile source
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Refuse anything but https, or plain http to a loopback address, and credentials
    written into the URL."""
    try:
        parts, _ = urlsplit(url), urlsplit(url).port
    except ValueError as exc:
        shown = url.rpartition("@")[2]  # never what could be a password
        raise ConfigError(f"'{shown}' is not a valid URL ({exc}).") from None
    if parts.username or parts.password:
        raise ConfigError("Credentials do not belong in a URL; put them in the account's "
                          "own keys (e.g. token or api_key) instead.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"'{url}' is not an http(s) URL.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(f"Plain HTTP is only allowed to loopback addresses, not "
                          f"{parts.hostname}; use https.")
    return url.rstrip("/")


def origin(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL, the port made explicit; ValueError if malformed."""
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme, 0)
    return parts.scheme, (parts.hostname or "").lower(), port


class OriginPolicy:
    """Decides, before a request is sent, whether it carries credentials or is refused."""

    def __init__(self, base_url: str, platform: str, file_hosts: Iterable[str] = (),
                 credentialed_hosts: Iterable[str] = ()) -> None:
        self.base_url = base_url
        self.platform = platform
        self.origin = origin(base_url)
        self.file_hosts = {h.lower() for h in file_hosts}
        self.credentialed_hosts = {h.lower() for h in credentialed_hosts}

    def credentials_for(self, url: str) -> bool:
        """True: send the account's credentials; False: send none; ApiError: refuse."""
        try:
            scheme, host, port = origin(url)
            parts = urlsplit(url)
        except ValueError:
            raise ApiError(f"Refusing to call a malformed {self.platform} URL.") from None
        if parts.username or parts.password:
            raise ApiError(f"Refusing to call a URL with credentials in it for "
                           f"{self.platform}.")
        if (scheme, host, port) == self.origin:
            return True
        if host in self.file_hosts and scheme == "https" and port == 443:
            return host in self.credentialed_hosts
        where = f"{scheme}://{host}:{port}" if host in (self.origin[1], *self.file_hosts) \
            else host or "that URL"
        raise ApiError(f"Refusing to call {where}: it is not a {self.platform} host "
                       f"(credentials go only to {self.base_url}).")


def read_capped(response: httpx.Response, limit: int, platform: str,
                what: str = "has a file") -> httpx.Response:
    """The streamed ``response`` read into memory (decoded), refused past ``limit`` bytes
    whatever the metadata or Content-Length said."""
    too_large = TooLarge(f"{platform} {what} larger than {_size(limit)}.")
    chunks, size = [], 0
    try:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise too_large
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
    finally:
        response.close()
    return rebuilt(response, b"".join(chunks))


def rebuilt(response: httpx.Response, content: bytes) -> httpx.Response:
    """``response`` with a new, already decoded body."""
    headers = {k: v for k, v in response.headers.items()
               if k.lower() not in ("content-encoding", "content-length")}
    return httpx.Response(response.status_code, headers=headers, content=content,
                          request=response.request)


def _size(limit: int) -> str:
    return f"{limit / 1_048_576:g} MB" if limit >= 1_048_576 else f"{limit} bytes"

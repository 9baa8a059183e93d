"""The base of the Intercom sandbox: Bearer-token auth, the ``Intercom-Version`` header,
``error.list`` bodies, 10-second rate-limit windows reported with an epoch reset, string
ids, cursor pages (``pages.next.starting_after``) and attachment files."""

from __future__ import annotations

import base64
import hmac
import json
import math
import time
import uuid
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxApp, json_response
from deskmigrate.sandbox.app import ApiHTTPError, MinuteWindow

VERSIONS = ("2.10", "2.11", "2.12", "2.13", "2.14", "Unstable")
WINDOW = 10  # seconds: Intercom spreads the per-minute limit over 10-second windows
MAX_PER_PAGE = 150
HEX_BASE = {"contacts": 0x6762F0000000000000000000, "companies": 0x6762E0000000000000000000}
CODES = {400: "parameter_invalid", 401: "unauthorized", 403: "api_plan_restricted",
         404: "not_found", 409: "conflict", 422: "parameter_invalid", 429: "rate_limit_exceeded",
         500: "server_error"}
DEFAULT_MESSAGES = {401: "Access Token Invalid", 404: "Resource Not Found",
                    500: "Request failed due to an internal error"}
DOWNLOADS = "/downloads/"
HOST_MARK = "https://sandbox-host.invalid/"  # stored in documents; answered as the real host


def file_url(number: int, name: str) -> str:
    return f"{HOST_MARK}{DOWNLOADS[1:]}{number}/{name}"


def fail(status: int, code: str, message: str) -> ApiHTTPError:
    return ApiHTTPError(status, message, code)


def not_found(message: str = "Resource Not Found") -> ApiHTTPError:
    return fail(404, "not_found", message)


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (400 ``parameter_invalid`` otherwise)."""
    if not request.get_data():
        return {}
    try:
        data = json.loads(request.get_data())
    except ValueError:
        raise fail(400, "parameter_invalid", "Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise fail(400, "parameter_invalid", "Request body must be a JSON object")
    return data


def hex_id(collection: str, number: int) -> str:
    return format(HEX_BASE[collection] + number, "x")


def number_of(collection: str, value: Any) -> int | None:
    """The store id behind a rendered id (hex for contacts and companies)."""
    try:
        if collection in HEX_BASE:
            number = int(str(value), 16) - HEX_BASE[collection]
            return number if number > 0 else None
        return int(str(value))
    except ValueError:
        return None


def per_page(value: Any, default: int = 20) -> int:
    try:
        size = int(value) if value is not None else default
    except (TypeError, ValueError):
        raise fail(400, "parameter_invalid", "per_page must be an integer") from None
    if not 1 <= size <= MAX_PER_PAGE:
        raise fail(400, "per_page_invalid", f"per_page must be between 1 and {MAX_PER_PAGE}")
    return size


def cursor_page(rows: list[Any], size: int, after: str | None, key: str = "id"
                ) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``rows`` (in a stable order) after the opaque cursor ``after``, with
    the ``pages`` object: ``next.starting_after`` only when more rows follow."""
    start = 0
    if after:
        try:
            last = json.loads(base64.urlsafe_b64decode(after.encode()).decode())
        except ValueError:
            raise fail(400, "parameter_invalid", "starting_after is invalid") from None
        follows = next((i + 1 for i, r in enumerate(rows) if str(r[key]) == str(last)), None)
        if follows is None:
            raise fail(400, "parameter_invalid", "starting_after is invalid")
        start = follows
    chunk = rows[start:start + size]
    total_pages = max(1, math.ceil(len(rows) / size)) if rows else 0
    pages: dict[str, Any] = {"type": "pages", "page": start // size + 1, "per_page": size,
                             "total_pages": total_pages}
    if start + size < len(rows):
        token = base64.urlsafe_b64encode(json.dumps(str(chunk[-1][key])).encode()).decode()
        pages["next"] = {"per_page": size, "starting_after": token}
    return chunk, pages


class IntercomBase(SandboxApp):
    """Shared state and helpers; endpoint groups are mixins built on it."""

    platform = "intercom"
    default_rate_limit = 10_000

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 fault_rate: float = 0.0, fault_seed: int = 0) -> None:
        super().__init__(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                         fault_seed=fault_seed)
        # a per-minute limit of N allows ceil(N / 6) requests in each 10-second window
        self.limiter = MinuteWindow(None if rate_limit is None else max(
            1, math.ceil(rate_limit / 6)), seconds=WINDOW)
        self.versions_seen: set[str] = set()
        self._token = self.store.meta("token")
        if self._token is None:
            self._token = "dG9rOn" + uuid.uuid4().hex
            self.store.set_meta("token", self._token)
        for name, fields in (("ic_email", ("email",)), ("ic_external", ("external_id",)),
                             ("ic_company", ("company_id",)), ("ic_updated", ("updated_at",))):
            self.store.create_index(name, *fields)

    # -- the SandboxApp contract ----------------------------------------------------------
    def credentials(self) -> dict[str, str]:
        return {"token": self._token or ""}

    def authenticate(self, request: Request) -> dict[str, Any] | None:
        version = request.headers.get("Intercom-Version")
        if version is not None:
            self.versions_seen.add(version)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(),
                                                                 self._token or ""):
            return None
        owner = self.store.meta("owner")
        return self.store.get("admins", int(owner)) if owner else {"id": 0}

    def dispatch(self, request: Request) -> Response:
        version = request.headers.get("Intercom-Version")
        if version is not None and version not in VERSIONS:
            return json_response(self.error_body(400, "Requested version is not valid",
                                                 "intercom_version_invalid"), 400)
        response = super().dispatch(request)
        if response.status_code == 401:  # no rate-limit headers without valid credentials
            for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                response.headers.pop(name, None)
        return response

    def error_body(self, status: int, message: str, details: Any = None) -> Any:
        code = details if isinstance(details, str) else CODES.get(status, "server_error")
        if message in ("RecordNotFound", "InternalError", "Couldn't authenticate you", ""):
            message = DEFAULT_MESSAGES.get(status, message or "Bad Request")
        return {"type": "error.list", "request_id": str(uuid.uuid4()),
                "errors": [{"code": code, "message": message}]}

    def rate_limit_headers(self, limit: int | None, remaining: int, reset: int
                           ) -> dict[str, str]:
        if limit is None:
            return {}
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int(time.time()) + reset)}

    def _too_many(self, reset: int) -> Response:
        limit = self.limiter.limit or 0
        body = self.error_body(429, f"Exceeded rate limit of {limit} in 10_seconds",
                               "rate_limit_exceeded")
        return json_response(body, 429, self.rate_limit_headers(limit, 0, reset)
                             or {"X-RateLimit-Reset": str(int(time.time()) + reset)})

    def public_paths(self) -> tuple[str, ...]:
        return (DOWNLOADS,)

    # -- files ----------------------------------------------------------------------------
    def save_file(self, name: str, content_type: str, data: bytes) -> dict:
        """Keep bytes and describe them as Intercom's ``upload`` attachment."""
        number = self.store.next_id("files")
        self.store.put_blob(f"file:{number}", data)
        self.store.set_meta(f"file-type:{number}", content_type)
        return {"type": "upload", "name": name, "url": file_url(number, name),
                "content_type": content_type, "filesize": len(data)}

    def _route(self, request: Request, user: dict[str, Any] | None) -> Response:
        """Stored documents name the host by a mark; answer with the host that was asked."""
        response = super()._route(request, user)
        if response.mimetype == "application/json":
            data = response.get_data()
            if HOST_MARK.encode() in data:
                response.set_data(data.replace(HOST_MARK.encode(), request.host_url.encode()))
        return response

    def serve_file(self, request: Request, user: Any, number: str, name: str) -> Response:
        data = self.store.blob(f"file:{number}")
        if data is None:
            raise not_found()
        kind = self.store.meta(f"file-type:{number}") or "application/octet-stream"
        return Response(data, content_type=kind)

"""The base of the Jira Service Management sandbox: Basic auth with email and API token,
Atlassian's two error body shapes, its rate-limit headers, both pagination styles and the
user / time / ADF helpers every endpoint group shares."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxApp
from deskmigrate.sandbox.app import ApiHTTPError, json_response

from .workflow import DEFAULT_PRIORITY

SD_PREFIX = "/rest/servicedeskapi"
V3 = "/rest/api/3"
MEDIA_PATH = "/_media/file/"
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
SITE_EMAIL = "admin@sandbox.atlassian.test"


def now_stamp() -> str:
    return jira_time(datetime.now(UTC))


def jira_time(moment: datetime) -> str:
    """``2024-03-01T10:22:05.000+0000`` (how Jira writes times)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}+0000"


def parse_jira_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def platform_error(status: int, message: str, errors: dict[str, str] | None = None
                   ) -> ApiHTTPError:
    """Raise for platform v3: ``{"errorMessages": [...], "errors": {field: msg}}``."""
    return ApiHTTPError(status, message, {"errors": errors or {}})


def sd_error(status: int, message: str, key: str = "sd.error") -> ApiHTTPError:
    """Raise for servicedeskapi: ``{"errorMessage", "i18nErrorMessage"}``."""
    return ApiHTTPError(status, message, {"i18nKey": key})


def json_body(request: Request) -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise ApiHTTPError(415, "Unsupported Media Type")
    try:
        data = json.loads(request.get_data() or b"null")
    except ValueError:
        raise platform_error(400, "Unexpected character in the request body.") from None
    if not isinstance(data, dict):
        raise platform_error(400, "The request body must be a JSON object.")
    return data


def int_arg(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not value.lstrip("-").isdigit() or int(value) < 0:
        raise platform_error(400, f"The '{name}' parameter must be a non-negative integer.")
    return min(int(value), maximum) if maximum else int(value)


def property_value(request: Request) -> Any:
    """An entity property's JSON value (32 KB at most, as Jira allows)."""
    try:
        value = json.loads(request.get_data() or b"null")
    except ValueError:
        raise platform_error(400, "The property value must be valid JSON.") from None
    if len(request.get_data()) > 32768:
        raise platform_error(400, "The property value is too large (32768 bytes at most).")
    return value


def adf_text(node: Any) -> str:
    """The plain text of an ADF document (servicedeskapi shows comment bodies as text)."""
    if not isinstance(node, dict):
        return str(node or "")
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    if node.get("type") == "media":
        return f"!{node.get('attrs', {}).get('alt', 'file')}!"
    inner = "".join(adf_text(child) for child in node.get("content") or [])
    block = node.get("type") in ("paragraph", "heading", "listItem", "codeBlock",
                                 "blockquote")
    return inner + ("\n" if block else "")


def text_adf(text: str) -> dict[str, Any]:
    """A plain string as an ADF document (servicedeskapi comments take text)."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()] or [""]
    return {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": p}] if p else []}
        for p in paragraphs]}


def valid_adf(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("type") == "doc"
            and value.get("version") == 1 and isinstance(value.get("content"), list))


class IssueWrites:
    """Jira's per-issue write limit: at most ``burst`` writes to one issue in 2 seconds and
    ``sustained`` in 30 seconds (writes: POST, PUT or DELETE under an issue or request)."""

    WINDOWS = ((2.0, "burst"), (30.0, "sustained"))

    def __init__(self, burst: int = 20, sustained: int = 100) -> None:
        self.burst, self.sustained = burst, sustained
        self._stamps: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, request: Request) -> int:
        """Seconds to wait (0: the write may go ahead, and is counted)."""
        parts = request.path.strip("/").split("/")
        scoped = parts[1:4] == ["api", "3", "issue"] and len(parts) > 5 or \
            parts[1:3] == ["servicedeskapi", "request"] and len(parts) > 4
        if request.method not in ("POST", "PUT", "DELETE") or not scoped:
            return 0
        key = (parts[4] if parts[1] == "api" else parts[3]).upper()
        now = time.monotonic()
        with self._lock:
            stamps = self._stamps.setdefault(key, deque())
            while stamps and now - stamps[0] > 30.0:
                stamps.popleft()
            for span, name in self.WINDOWS:
                recent = [t for t in stamps if now - t <= span]
                if len(recent) >= getattr(self, name):
                    return max(1, math.ceil(span - (now - recent[0])))
            stamps.append(now)
            return 0


class JsmBase(SandboxApp):
    """Shared state and helpers; endpoint groups are mixins built on it."""

    platform = "jira_sm"
    default_rate_limit = 600
    _local = threading.local()

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 fault_rate: float = 0.0, fault_seed: int = 0) -> None:
        super().__init__(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                         fault_seed=fault_seed)
        for name, fields in (("jsm_account", ("accountId",)), ("jsm_issue", ("issueId", "id")),
                             ("jsm_key", ("key",)), ("jsm_updated", ("updated", "id"))):
            self.store.create_index(name, *fields)
        self.issue_writes = IssueWrites()
        if self.store.meta("token") is None:
            self.store.set_meta("token", "sandbox-jsm-token")
            self.store.set_meta("email", SITE_EMAIL)

    # -- SandboxApp hooks ---------------------------------------------------------------
    def credentials(self) -> dict[str, str]:
        desk = self.store.query("servicedesks", limit=1)
        return {"email": self.store.meta("email") or "", "token": self.store.meta("token") or "",
                "service_desk": desk[0]["projectKey"] if desk else "HELP"}

    def authenticate(self, request: Request) -> dict[str, Any] | None:
        """Basic ``email:api_token``."""
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            email, _, token = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if email != self.store.meta("email") or not hmac.compare_digest(
                token.encode(), (self.store.meta("token") or "").encode()):
            return None
        return self.user_by_email(email)

    def dispatch(self, request: Request) -> Response:
        self._local.servicedesk = request.path.startswith(SD_PREFIX)
        wait = self.issue_writes.hit(request)
        if wait:
            return Response(json.dumps({"errorMessages": ["Too many writes on this issue."],
                                        "errors": {}}), status=429,
                            content_type="application/json", headers={
                                "Retry-After": str(wait),
                                "RateLimit-Reason": "jira-per-issue-on-write"})
        return super().dispatch(request)

    def error_body(self, status: int, message: str, details: Any = None) -> Any:
        if status == 401:
            message = "Client must be authenticated to access this resource."
        elif message == "RecordNotFound":
            message = "The requested resource could not be found."
        if getattr(self._local, "servicedesk", False):
            key = details.get("i18nKey") if isinstance(details, dict) else None
            return {"errorMessage": message,
                    "i18nErrorMessage": {"i18nKey": key or f"sd.http.{status}",
                                         "parameters": []}}
        errors = details.get("errors") if isinstance(details, dict) else None
        return {"errorMessages": [message] if message else [], "errors": errors or {}}

    def rate_limit_headers(self, limit: int | None, remaining: int, reset: int
                           ) -> dict[str, str]:
        if limit is None:
            return {}
        stamp = datetime.fromtimestamp(datetime.now(UTC).timestamp() + reset, UTC)
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": stamp.strftime("%Y-%m-%dT%H:%MZ")}

    def _too_many(self, reset: int) -> Response:
        """Jira's 429 names why: here the tenant's burst limit."""
        response = super()._too_many(reset)
        response.headers["RateLimit-Reason"] = "jira-burst-based"
        return response

    def public_paths(self) -> tuple[str, ...]:
        return (MEDIA_PATH,)

    # -- people -------------------------------------------------------------------------
    def user_by_email(self, email: str) -> dict | None:
        rows = self.store.query("users", "lower(json_extract(doc, '$.emailAddress')) = ?",
                                [email.strip().lower()], limit=1)
        return rows[0] if rows else None

    def user_by_account(self, account_id: Any) -> dict | None:
        if not isinstance(account_id, str):
            return None
        rows = self.store.query("users", "json_extract(doc, '$.accountId') = ?", [account_id],
                                limit=1)
        return rows[0] if rows else None

    def base_url(self, request: Request) -> str:
        return request.host_url.rstrip("/")

    def render_user(self, request: Request, user: dict | None) -> dict | None:
        if user is None:
            return None
        base = self.base_url(request)
        return {"self": f"{base}/rest/api/3/user?accountId={user['accountId']}",
                "accountId": user["accountId"], "emailAddress": user["emailAddress"],
                "displayName": user["displayName"], "active": user["active"],
                "timeZone": "UTC", "accountType": user["accountType"],
                "avatarUrls": {"48x48": f"{base}/avatar/{user['id']}"}}

    def sd_user(self, request: Request, user: dict | None) -> dict | None:
        if user is None:
            return None
        base = self.base_url(request)
        return {"accountId": user["accountId"], "emailAddress": user["emailAddress"],
                "displayName": user["displayName"], "active": user["active"],
                "timeZone": "UTC",
                "_links": {"jiraRest": f"{base}/rest/api/2/user?accountId={user['accountId']}",
                           "self": f"{base}/rest/api/2/user?accountId={user['accountId']}"}}

    # -- desks --------------------------------------------------------------------------
    def desk(self, id_or_key: str) -> dict:
        if id_or_key.isdigit():
            found = self.store.get("servicedesks", int(id_or_key))
        else:
            rows = self.store.query("servicedesks", "json_extract(doc, '$.projectKey') = ?",
                                    [id_or_key], limit=1)
            found = rows[0] if rows else None
        if found is None:
            raise sd_error(404, f"Service desk {id_or_key} does not exist.",
                           "sd.servicedesk.error.not.found")
        return found

    def issue(self, id_or_key: str, servicedesk: bool = False) -> dict:
        if id_or_key.isdigit():
            found = self.store.get("issues", int(id_or_key))
        else:
            rows = self.store.query("issues", "json_extract(doc, '$.key') = ?",
                                    [id_or_key.upper()], limit=1)
            found = rows[0] if rows else None
        if found is None:
            if servicedesk:
                raise sd_error(404, f"Request {id_or_key} does not exist.",
                               "sd.request.error.not.found")
            raise platform_error(404, "Issue does not exist or you do not have permission "
                                      "to see it.")
        return found

    def new_issue(self, desk: dict, request_type: dict | None, creator: dict, reporter: str,
                  summary: str, description: Any) -> dict:
        number = self.store.next_id(f"issuekey:{desk['projectKey']}")
        stamp = now_stamp()
        return self.store.insert("issues", {
            "key": f"{desk['projectKey']}-{number}", "projectKey": desk["projectKey"],
            "projectId": desk["projectId"], "serviceDeskId": desk["id"],
            "requestTypeId": request_type["id"] if request_type else None,
            "issueTypeId": str(request_type["issueTypeId"]) if request_type else "10100",
            "summary": summary, "description": description, "status": "Waiting for support",
            "priority": DEFAULT_PRIORITY, "labels": [], "reporter": reporter,
            "creator": creator["accountId"], "assignee": None, "created": stamp,
            "updated": stamp, "resolutiondate": None, "organizations": [], "custom": {},
            "properties": {}})

    def comments_of(self, issue_id: int) -> list[dict]:
        return self.store.query("comments", "json_extract(doc, '$.issueId') = ?", [issue_id])

    def insert_comment(self, issue: dict, author: str, body: dict, public: bool,
                       properties: dict[str, Any] | None = None) -> dict:
        stamp = now_stamp()
        row = self.store.insert("comments", {
            "issueId": issue["id"], "author": author, "body": body, "public": public,
            "created": stamp, "updated": stamp, "properties": properties or {}})
        self.touch(issue)
        return row

    def render_attachment(self, request: Request, row: dict) -> dict:
        base = self.base_url(request)
        return {"self": f"{base}/rest/api/3/attachment/{row['id']}", "id": str(row["id"]),
                "filename": row["filename"],
                "author": self.render_user(request, self.user_by_account(row["author"])),
                "created": row["created"], "size": row["size"], "mimeType": row["mimeType"],
                "content": f"{base}/rest/api/3/attachment/content/{row['id']}"}

    def touch(self, issue: dict) -> None:
        issue["updated"] = now_stamp()
        self.store.put("issues", issue)


def sd_page(request: Request, rows: list[Any], start: int, limit: int, total_more: bool,
            path: str) -> Response:
    """servicedeskapi paging: ``{size, start, limit, isLastPage, values, _links}``."""
    base = request.host_url.rstrip("/") + SD_PREFIX
    links: dict[str, str] = {"base": base, "context": ""}
    if total_more:
        links["next"] = f"{base}{path}?start={start + limit}&limit={limit}"
    if start > 0:
        links["prev"] = f"{base}{path}?start={max(0, start - limit)}&limit={limit}"
    return json_response({"_expands": [], "size": len(rows), "start": start, "limit": limit,
                          "isLastPage": not total_more, "values": rows, "_links": links})


def sd_slice(request: Request, fetch: Any, render: Any, path: str) -> Response:
    """One servicedeskapi page of ``fetch(limit, offset)`` rows."""
    start = int_arg(request, "start", 0)
    limit = max(1, int_arg(request, "limit", DEFAULT_LIMIT, MAX_LIMIT))
    rows = fetch(limit + 1, start)
    return sd_page(request, [render(r) for r in rows[:limit]], start, limit,
                   len(rows) > limit, path)

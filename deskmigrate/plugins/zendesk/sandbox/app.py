"""The Zendesk Support sandbox: a WSGI app speaking Zendesk's REST API (``/api/v2/...``,
optional ``.json``) with Basic ``{email}/token:{token}`` auth, Zendesk's rate-limit headers
and error bodies, backed by the kit's SQLite store."""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxApp
from deskmigrate.sandbox.app import MinuteWindow

from .exports import ExportHandlers
from .fields import FieldHandlers
from .files import FileHandlers
from .groups import GroupHandlers
from .hc_files import CONTENT_PREFIX, ArticleAttachmentHandlers
from .help_center import HelpCenterHandlers
from .identities import IdentityHandlers
from .jobs import JobHandlers, JobQueue
from .people import PeopleHandlers
from .people_ops import PeopleOpsHandlers
from .search import SearchHandlers
from .seed import SeedOptions, ensure_owner, seed_sandbox
from .side_conversations import SideConversationHandlers
from .support import Ids
from .ticket_ops import TicketOpsHandlers
from .tickets import TicketHandlers
from .voice import VoiceHandlers

# Incremental exports have their own limit on top of the account's: 10 a minute (30 with the
# High Volume add-on); the cursor-based user export 20 (60), with its own header.
EXPORTS = "/api/v2/incremental/"
EXPORT_HEADER = "Zendesk-RateLimit-incremental-exports"
USER_CURSOR_HEADER = "Zendesk-RateLimit-incremental-exports-cursor"

# The Help Center API follows the Support API's per-minute limit, but requests in one API
# don't count against the limit of the other (developer.zendesk.com, Help Center API,
# "Rate limits"); the Guide permission groups are part of the Help Center API.
HELP_CENTER = ("/api/v2/help_center/", "/api/v2/guide/")

INDEXES = {
    "zendesk_ts": ("_ts", "id"), "zendesk_ticket": ("_ticket_id",),
    "zendesk_email": ("email",), "zendesk_external": ("external_id",),
    "zendesk_sc_ticket": ("ticket_id",), "zendesk_sc_events": ("side_conversation_id",),
    "zendesk_identity_value": ("value",), "zendesk_identity_user": ("user_id",),
}


class ZendeskSandbox(PeopleHandlers, PeopleOpsHandlers, IdentityHandlers, GroupHandlers,
                     FieldHandlers,
                     TicketHandlers, TicketOpsHandlers, ExportHandlers, SearchHandlers,
                     SideConversationHandlers, VoiceHandlers, FileHandlers, HelpCenterHandlers,
                     ArticleAttachmentHandlers, JobHandlers, SandboxApp):
    """Zendesk Support (with side conversations and Talk recordings) + Help Center."""

    platform = "zendesk"
    default_rate_limit = 700
    export_rate_limit: int | None = 10  # exports a minute while the account limit is on

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 fault_rate: float = 0.0, fault_seed: int = 0) -> None:
        super().__init__(db_path, rate_limit=rate_limit, fault_rate=fault_rate,
                         fault_seed=fault_seed)
        for name, fields in INDEXES.items():
            self.store.create_index(name, *fields)
        self.ids = Ids(self.store)
        self.jobs = JobQueue(self.store)
        self._agents: dict[str, dict[str, Any]] = {}
        self._agents_lock = threading.Lock()
        self._export_windows: dict[str, MinuteWindow] = {}
        self._help_center = MinuteWindow(rate_limit)

    def rules(self) -> Iterable[Rule]:
        return [*self.people_rules(), *self.people_op_rules(), *self.identity_rules(),
                *self.group_rules(),
                *self.field_rules(), *self.ticket_rules(), *self.ticket_op_rules(),
                *self.export_rules(), *self.search_rules(), *self.side_conversation_rules(),
                *self.voice_rules(), *self.file_rules(), *self.help_center_rules(),
                *self.article_attachment_rules(), *self.job_rules()]

    # -- seeding and credentials ----------------------------------------------------------
    def seed(self, *, tickets: int, seed: int, attachments: bool = True,
             help_center: bool = True) -> None:
        """Fill the sandbox with a deterministic help desk (``tickets=0``: only the owner)."""
        seed_sandbox(self.store, self.ids, SeedOptions(tickets=tickets, seed=seed,
                                                       attachments=attachments,
                                                       help_center=help_center))

    def credentials(self) -> dict[str, str]:
        owner = ensure_owner(self.store, self.ids, seed=0)
        return {"email": owner["email"], "token": self.store.meta("zendesk:api_token") or ""}

    # -- the SandboxApp hooks -----------------------------------------------------------
    def authenticate(self, request: Request) -> dict[str, Any] | None:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            login, _, secret = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        email, _, kind = login.rpartition("/")
        token = self.store.meta("zendesk:api_token")
        if kind != "token" or not token or secret != token:
            return None
        return self._agent(email.lower())

    def _agent(self, email: str) -> dict[str, Any] | None:
        with self._agents_lock:
            cached = self._agents.get(email)
        if cached is not None:
            return cached
        rows = self.store.query("users", "json_extract(doc, '$.email') = ? AND "
                                "json_extract(doc, '$.active') = 1", [email], limit=1)
        user = rows[0] if rows else None
        if user is None or user["role"] == "end-user" or user["suspended"]:
            return None
        with self._agents_lock:
            self._agents[email] = user
        return user

    def forget_user(self, user_id: int) -> None:
        with self._agents_lock:
            self._agents = {k: v for k, v in self._agents.items() if v["id"] != user_id}

    def error_body(self, status: int, message: str, details: Any = None) -> Any:
        if status == 401:
            return {"error": message}
        error: dict[str, Any] = {"error": message}
        if isinstance(details, dict):
            error.update(details)
        elif message == "RecordNotFound":
            error["description"] = "Not found"
        return error

    def rate_limit_headers(self, limit: int | None, remaining: int, reset: int
                           ) -> dict[str, str]:
        if limit is None:
            return {}
        return {"X-Rate-Limit": str(limit), "X-Rate-Limit-Remaining": str(remaining),
                "ratelimit-limit": str(limit), "ratelimit-remaining": str(remaining),
                "ratelimit-reset": str(reset)}

    def activity(self, client: httpx.Client, *, new: int, updated: int, seed: int
                 ) -> dict[str, int]:
        from .activity import simulate

        return simulate(client, new=new, updated=updated, seed=seed)

    def window(self, path: str) -> MinuteWindow:
        """Help Center requests in a window of their own, of the account's size."""
        if not path.startswith(HELP_CENTER):
            return self.limiter
        with self._agents_lock:
            if self._help_center.limit != self.limiter.limit:
                self._help_center = MinuteWindow(self.limiter.limit)
            return self._help_center

    def endpoint_limit(self, path: str) -> tuple[str, MinuteWindow] | None:
        """The incremental exports' own limit (none when the account has no limit)."""
        per_minute = self.export_rate_limit
        if self.limiter.limit is None or not per_minute or not path.startswith(EXPORTS):
            return None
        if path.removesuffix(".json").rstrip("/").endswith("/users/cursor"):
            header, per_minute = USER_CURSOR_HEADER, per_minute * 2
        else:
            header = EXPORT_HEADER
        with self._agents_lock:
            window = self._export_windows.get(header)
            if window is None or window.limit != per_minute:
                window = self._export_windows[header] = MinuteWindow(per_minute)
        return header, window

    def public_paths(self) -> tuple[str, ...]:
        return ("/attachments/token/", CONTENT_PREFIX)

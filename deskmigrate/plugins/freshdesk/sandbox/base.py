"""The base of the Freshdesk sandbox app: account, Basic auth with the API key,
Freshdesk's error bodies and rate-limit headers, and the user / field look-ups every
endpoint group shares."""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import re
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxApp

from .account import ensure_account
from .files import ATTACHMENT_PATH, INLINE_PATH, FileStore
from .plumbing import MAX_PER_PAGE, Validation

PLAN_LIMITS = {"trial": 50, "growth": 200, "pro": 400, "enterprise": 700}
AUTH_FAILED = {"code": "invalid_credentials",
               "message": "You have to be logged in to perform this action."}
ERROR_CODES = {403: "access_denied", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "request_too_large", 415: "invalid_content_type",
               500: "internal_error"}
HOST_MARK = "__sandbox_host__"  # stored in bodies; replaced with the serving host
_TAG = re.compile(r"<[^>]+>")
_CHECKS: dict[str, type | tuple[type, ...]] = {
    "custom_number": int, "custom_checkbox": bool, "custom_decimal": (int, float)}


def text_of(body_html: str) -> str:
    """The plain text Freshdesk derives from an HTML body (``body_text``)."""
    spaced = re.sub(r"</(p|div|li)>|<br\s*/?>", "\n", body_html, flags=re.I)
    return html.unescape(_TAG.sub("", spaced)).strip()


class FreshdeskBase(SandboxApp):
    """Shared state and helpers; the endpoint groups are mixins built on it."""

    platform = "freshdesk"
    default_rate_limit = PLAN_LIMITS["growth"]

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 plan: str | None = None, fault_rate: float = 0.0, fault_seed: int = 0,
                 attachment_ttl: int = 300, max_per_page: int = MAX_PER_PAGE) -> None:
        """``rate_limit`` (per minute) wins over ``plan``; neither means unlimited."""
        limit = rate_limit if rate_limit is not None else PLAN_LIMITS.get(plan or "")
        super().__init__(db_path, rate_limit=limit, fault_rate=fault_rate,
                         fault_seed=fault_seed)
        ensure_account(self.store)
        for name, fields in (("fd_updated", ("updated_at", "id")),
                             ("fd_created", ("created_at", "id")),
                             ("fd_ticket", ("ticket_id", "id")), ("fd_email", ("email",))):
            self.store.create_index(name, *fields)
        secret = (self.store.meta("signing_secret") or "").encode()
        self.files = FileStore(self.store, secret, attachment_ttl)
        self.max_per_page = max_per_page

    # -- SandboxApp hooks ---------------------------------------------------------------
    def credentials(self) -> dict[str, str]:
        return {"api_key": self.store.meta("api_key") or ""}

    def authenticate(self, request: Request) -> dict[str, Any] | None:
        """Basic auth: the API key as user name, any password."""
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user_name = base64.b64decode(encoded).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(user_name.encode(), self.credentials()["api_key"].encode()):
            return None
        return self.store.get("agents", int(self.store.meta("owner_id") or 0))

    def error_body(self, status: int, message: str, details: Any = None) -> Any:
        if status == 401:
            return AUTH_FAILED
        if details is not None:
            return {"description": message, "errors": details}
        if status == 404:
            message = "The requested resource was not found."
        return {"code": ERROR_CODES.get(status, "invalid_request"), "message": message}

    def rate_limit_headers(self, limit: int | None, remaining: int, reset: int
                           ) -> dict[str, str]:
        if limit is None:
            return {}
        return {"X-RateLimit-Total": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Used-CurrentRequest": "1"}

    def public_paths(self) -> tuple[str, ...]:
        return (ATTACHMENT_PATH, INLINE_PATH)

    def dispatch(self, request: Request) -> Response:
        """Each resource embedded with ``include=`` costs one more credit (Freshdesk's
        docs), shown in ``X-RateLimit-Used-CurrentRequest``."""
        extra = len([v for v in request.args.get("include", "").split(",") if v.strip()])
        for _ in range(extra if request.path.startswith("/api/v2/tickets") else 0):
            self.limiter.hit()
        response = super().dispatch(request)
        if extra and "X-RateLimit-Used-CurrentRequest" in response.headers:
            response.headers["X-RateLimit-Used-CurrentRequest"] = str(1 + extra)
        return response

    # -- people -------------------------------------------------------------------------
    def user_doc(self, user_id: Any) -> dict | None:
        """An agent or contact by user id (they share one id space)."""
        if not isinstance(user_id, int):
            return None
        return self.store.get("agents", user_id) or self.store.get("contacts", user_id)

    def user_by_email(self, email: str) -> dict | None:
        key = email.strip().lower()
        agents = self.store.query("agents", "lower(json_extract(doc, '$.contact.email')) = ?",
                                  [key], limit=1)
        if agents:
            return agents[0]
        contacts = self.store.query(
            "contacts", "lower(json_extract(doc, '$.email')) = ? OR EXISTS (SELECT 1 FROM "
            "json_each(json_extract(doc, '$.other_emails')) WHERE lower(value) = ?)",
            [key, key], limit=1)
        return contacts[0] if contacts else None

    @staticmethod
    def email_of(user: dict) -> str | None:
        return user.get("email") or user.get("contact", {}).get("email")

    # -- fields -------------------------------------------------------------------------
    def field_choices(self, collection: str, name: str) -> list[str]:
        rows = self.store.query(collection, "json_extract(doc, '$.name') = ?", [name], limit=1)
        return list(rows[0]["choices"]) if rows else []

    def custom_fields(self, collection: str) -> list[dict]:
        return self.store.query(collection, "json_extract(doc, '$.default') = 0",
                                order="json_extract(doc, '$.position')")

    def custom_field_names(self, collection: str) -> list[str]:
        return [f["name"] for f in self.custom_fields(collection)]

    def render_custom(self, collection: str, stored: dict[str, Any]) -> dict[str, Any]:
        """Every current custom field of a record (null when unset); values of deleted
        fields are gone."""
        return {name: stored.get(name) for name in self.custom_field_names(collection)}

    def check_custom_fields(self, collection: str, values: Any, check: Validation,
                            stored: dict[str, Any] | None = None) -> None:
        """Keys must be the account's custom fields; values of the field's type; required
        fields filled (by ``values`` or the record's ``stored`` ones)."""
        if not isinstance(values, dict):
            check.add("custom_fields", "It should be a/an key/value pair", "datatype_mismatch")
            return
        fields = {f["name"]: f for f in self.custom_fields(collection)}
        for key, value in values.items():
            field = fields.get(key)
            if field is None:
                check.add(key, "Unexpected/invalid field in request", "invalid_field")
            elif value is None:
                continue
            elif field["type"] == "custom_dropdown" and value not in field["choices"]:
                check.add(key, "It should be one of these values: '"
                          + ",".join(field["choices"]) + "'")
            elif field["type"] in _CHECKS and (not isinstance(value, _CHECKS[field["type"]])
                                               or (field["type"] != "custom_checkbox"
                                                   and isinstance(value, bool))):
                check.add(key, f"Value set is of type {type(value).__name__}.It should be "
                          f"a/an {field['type'].removeprefix('custom_')}", "datatype_mismatch")
        merged = {**(stored or {}), **values}
        for key, field in fields.items():
            if field["required_for_agents"] and merged.get(key) in (None, ""):
                check.add(key, "It should be a/an String", "missing_field")

    def coerce_custom(self, collection: str, values: Any) -> Any:
        """Multipart forms carry every value as text; read them as the field's type."""
        if not isinstance(values, dict):
            return values
        types = {f["name"]: f["type"] for f in self.custom_fields(collection)}
        out = dict(values)
        for key, value in values.items():
            kind = types.get(key)
            if not isinstance(value, str):
                continue
            if kind == "custom_number" and value.lstrip("-").isdigit():
                out[key] = int(value)
            elif kind == "custom_checkbox" and value in ("true", "false"):
                out[key] = value == "true"
            elif kind == "custom_decimal":
                try:
                    out[key] = float(value)
                except ValueError:
                    continue
        return out

"""Request plumbing of the Freshdesk sandbox: bodies (JSON or multipart), validation
errors in Freshdesk's shape, ``page``/``per_page`` pagination with the ``Link`` header."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import ApiHTTPError, json_response

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30
INVALID_FIELD = "Unexpected/invalid field in request"


class Validation:
    """Collects field errors; :meth:`raise_if_any` answers 400 "Validation failed"."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str, code: str = "invalid_value") -> None:
        self.errors.append({"field": field, "message": message, "code": code})

    def raise_if_any(self, status: int = 400) -> None:
        if self.errors:
            raise ApiHTTPError(status, "Validation failed", self.errors)


def invalid(field: str, message: str, code: str = "invalid_value", status: int = 400
            ) -> ApiHTTPError:
    """A one-error "Validation failed" to raise."""
    return ApiHTTPError(status, "Validation failed",
                        [{"field": field, "message": message, "code": code}])


def not_found() -> ApiHTTPError:
    return ApiHTTPError(404, "The requested resource was not found.")


@dataclass
class Upload:
    """One file of a multipart ``attachments[]`` field."""

    name: str
    content_type: str
    data: bytes


def body(request: Request, int_fields: tuple[str, ...] = (),
         bool_fields: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[Upload]]:
    """The request's fields and uploaded files, from JSON or multipart/form-data."""
    mimetype = request.mimetype
    if mimetype == "application/json":
        try:
            data = json.loads(request.get_data() or b"null")
        except ValueError:
            raise invalid("", "Request body has invalid json format", "invalid_json") from None
        if not isinstance(data, dict):
            raise invalid("", "Request body has invalid json format", "invalid_json")
        return data, []
    if mimetype == "multipart/form-data":
        return _form_fields(request, int_fields, bool_fields), _uploads(request)
    raise ApiHTTPError(415, f"Content-Type header is set to {mimetype or 'nothing'}. It "
                       "should be set to application/json or multipart/form-data")


def _form_fields(request: Request, int_fields: tuple[str, ...],
                 bool_fields: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in request.form:
        values = request.form.getlist(key)
        if key.endswith("[]"):
            fields[key[:-2]] = values
        elif "[" in key and key.endswith("]"):
            outer, inner = key[:-1].split("[", 1)
            fields.setdefault(outer, {})[inner] = values[-1]
        else:
            fields[key] = values[-1]
    for key in int_fields:
        if isinstance(fields.get(key), str) and fields[key].lstrip("-").isdigit():
            fields[key] = int(fields[key])
    for key in bool_fields:
        if isinstance(fields.get(key), str) and fields[key] in ("true", "false"):
            fields[key] = fields[key] == "true"
    return fields


def _uploads(request: Request) -> list[Upload]:
    files: list[FileStorage] = request.files.getlist("attachments[]")
    return [Upload(f.filename or "file", f.mimetype or "application/octet-stream", f.read())
            for f in files]


def only_fields(fields: dict[str, Any], allowed: set[str], check: Validation) -> None:
    """Freshdesk refuses fields it does not know (``created_at`` included)."""
    for key in fields:
        if key not in allowed:
            check.add(key, INVALID_FIELD, "invalid_field")


def page_args(request: Request, max_per_page: int = MAX_PER_PAGE) -> tuple[int, int]:
    """``(page, per_page)`` from the query string, validated like Freshdesk does.

    ``max_per_page`` below 100 is a sandbox knob: larger requests are served that many
    rows, so a test reaches the 300-page cap with few records.
    """
    check = Validation()
    page = _positive(request.args.get("page", "1"), "page", check)
    per_page = _positive(request.args.get("per_page", str(DEFAULT_PER_PAGE)), "per_page",
                         check)
    if per_page and per_page > MAX_PER_PAGE:
        check.add("per_page", "It should be a Positive Integer less than or equal to 100")
    check.raise_if_any()
    return page, min(per_page, max_per_page)


def _positive(value: str, field: str, check: Validation) -> int:
    if value.isdigit() and int(value) > 0:
        return int(value)
    check.add(field, "It should be a Positive Integer", "datatype_mismatch")
    return 0


def paged(request: Request, page: int, per_page: int,
          fetch: Callable[[int, int], list[dict]], render: Callable[[dict], Any]) -> Response:
    """One page of ``fetch(limit, offset)`` rows, with ``Link: <next>; rel="next"`` only
    when another page exists."""
    rows = fetch(per_page + 1, (page - 1) * per_page)
    response = json_response([render(row) for row in rows[:per_page]])
    if len(rows) > per_page:
        args = {**request.args.to_dict(), "page": str(page + 1)}
        next_url = f"{request.base_url}?{urlencode(args)}"
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response

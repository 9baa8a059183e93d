"""Zendesk's list pagination in the sandbox: cursor (``page[size]``/``page[after]``), offset
(``page``/``per_page``, refused past 10,000 records) and the incremental exports (cursor and
time-based). Export order is the indexed ``_ts`` field (the record's last change)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxStore

from .support import bad_request, base_url, now

Render = Callable[[dict[str, Any]], dict[str, Any]]

OFFSET_CAP = 10_000
TS = "json_extract(doc, '$._ts')"


def encode_cursor(*parts: float | int) -> str:
    raw = "|".join(repr(p) for p in parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[float | int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = [float(p) if "." in p else int(p) for p in raw.split("|")]
    except ValueError:
        raise bad_request("InvalidPaginationParameter", "Invalid cursor") from None
    if len(parts) != width:
        raise bad_request("InvalidPaginationParameter", "Invalid cursor")
    return parts


def page_url(request: Request, **params: Any) -> str:
    """This request's URL with ``params`` replaced (absolute, on the request's host)."""
    args = {k: v for k, v in request.args.items() if k not in params}
    args.update({k: v for k, v in params.items() if v is not None})
    return f"{base_url(request)}{request.path}?{urlencode(args)}"


def int_arg(request: Request, name: str, default: int, low: int = 1,
             high: int | None = None) -> int:
    raw = request.args.get(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        raise bad_request("InvalidPaginationParameter", f"'{name}' must be a number") from None
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high else f"at least {low}"
        raise bad_request("InvalidPaginationParameter", f"'{name}' must be {limit}")
    return value


def list_page(request: Request, store: SandboxStore, collection: str, key: str,
              render: Render, where: str = "", params: Sequence[Any] = (),
              default_size: int = 100) -> dict[str, Any]:
    """One page of a list endpoint, cursor-paginated when ``page[size]``/``page[after]`` is
    given and offset-paginated otherwise."""
    if "page[size]" in request.args or "page[after]" in request.args:
        return cursor_page(request, store, collection, key, render, where, params, default_size)
    return offset_page(request, store, collection, key, render, where, params, default_size)


def cursor_page(request: Request, store: SandboxStore, collection: str, key: str,
                render: Render, where: str, params: Sequence[Any],
                default_size: int) -> dict[str, Any]:
    size = int_arg(request, "page[size]", default_size, 1, 100)
    clauses, args = ([f"({where})"], list(params)) if where else ([], [])
    after, before = request.args.get("page[after]"), request.args.get("page[before]")
    if after:
        clauses.append("id > ?")
        args.extend(decode_cursor(after, 1))
    elif before:
        clauses.append("id < ?")
        args.extend(decode_cursor(before, 1))
    rows = store.query(collection, " AND ".join(clauses), args,
                       order="id DESC" if before and not after else "id", limit=size + 1)
    has_more = len(rows) > size
    rows = rows[:size]
    if before and not after:
        rows.reverse()
    first = encode_cursor(rows[0]["id"]) if rows else None
    last = encode_cursor(rows[-1]["id"]) if rows else None
    return {
        key: [render(r) for r in rows],
        "meta": {"has_more": has_more, "after_cursor": last, "before_cursor": first},
        "links": {
            "next": page_url(request, **{"page[size]": size, "page[after]": last,
                                         "page[before]": None}) if last else None,
            "prev": page_url(request, **{"page[size]": size, "page[before]": first,
                                         "page[after]": None}) if first else None,
        },
    }


def offset_page(request: Request, store: SandboxStore, collection: str, key: str,
                render: Render, where: str, params: Sequence[Any],
                default_size: int) -> dict[str, Any]:
    per_page = int_arg(request, "per_page", default_size, 1, 100)
    page = int_arg(request, "page", 1)
    offset = (page - 1) * per_page
    if offset + per_page > OFFSET_CAP:
        raise bad_request("InvalidPaginationParameter",
                          "Offset pagination is limited to the first 10,000 records; "
                          "use cursor pagination (page[size]) instead")
    total = store.count(collection, where, params)
    rows = store.query(collection, where, params, order="id", limit=per_page, offset=offset)
    more = offset + len(rows) < total
    return {
        key: [render(r) for r in rows],
        "next_page": page_url(request, page=page + 1, per_page=per_page) if more else None,
        "previous_page": page_url(request, page=page - 1, per_page=per_page) if page > 1
        else None,
        "count": total,
    }


def start_time(request: Request) -> int:
    value = int_arg(request, "start_time", -1, 0)
    if value < 0:
        raise bad_request("InvalidValue", "start_time is required")
    if value > now():
        raise bad_request("InvalidValue", "start_time cannot be in the future")
    return value


def incremental_cursor(request: Request, store: SandboxStore, collection: str, key: str,
                       render: Render, where: str = "", params: Sequence[Any] = (),
                       extra: Callable[[list[dict]], dict[str, Any]] | None = None,
                       ) -> dict[str, Any]:
    """A cursor-based incremental export page (``start_time`` first, then ``cursor``)."""
    per_page = int_arg(request, "per_page", 1000, 1, 1000)
    clauses, args = ([f"({where})"], list(params)) if where else ([], [])
    cursor = request.args.get("cursor")
    if cursor:
        ts, last_id = decode_cursor(cursor, 2)
        clauses.append(f"({TS} > ? OR ({TS} = ? AND id > ?))")
        args.extend([ts, ts, last_id])
    else:
        clauses.append(f"{TS} >= ?")
        args.append(start_time(request))
    rows = store.query(collection, " AND ".join(clauses), args, order=f"{TS}, id",
                       limit=per_page + 1)
    end = len(rows) <= per_page
    rows = rows[:per_page]
    if rows:
        after = encode_cursor(rows[-1]["_ts"], rows[-1]["id"])
    else:
        after = cursor or encode_cursor(start_time(request) - 1, 2**62)
    after_url = f"{base_url(request)}{request.path}?{urlencode({'cursor': after})}"
    page = {
        key: [render(r) for r in rows],
        "after_cursor": after, "after_url": after_url,
        "before_cursor": encode_cursor(rows[0]["_ts"], rows[0]["id"]) if rows else None,
        "before_url": None, "end_of_stream": end,
    }
    if extra is not None:
        page.update(extra(rows))
    return page


def incremental_time(request: Request, store: SandboxStore, collection: str, key: str,
                     items: Callable[[list[dict]], list[dict[str, Any]]],
                     where: str = "", params: Sequence[Any] = ()) -> dict[str, Any]:
    """A time-based incremental export page: up to 1000 rows from ``start_time``; the next
    page starts at ``end_time`` (the last row's time), so rows may repeat across pages."""
    begin = start_time(request)
    per_page = int_arg(request, "per_page", 1000, 1, 1000)
    clause = f"{TS} >= ?" + (f" AND ({where})" if where else "")
    rows = store.query(collection, clause, [begin, *params], order=f"{TS}, id",
                       limit=per_page + 1)
    end = len(rows) <= per_page
    rows = rows[:per_page]
    if not end:
        last = rows[-1]["_ts"]
        # Never loop: finish the last second and start after it when a page is one second.
        rows += store.query(collection, f"{TS} = ? AND id > ?" + (f" AND ({where})"
                            if where else ""), [last, rows[-1]["id"], *params],
                            order="id")
        end_time = int(last) if rows[0]["_ts"] != last else int(last) + 1
    else:
        end_time = int(rows[-1]["_ts"]) if rows else begin
    query = {k: v for k, v in request.args.items() if k != "start_time"}
    query["start_time"] = str(end_time)
    return {
        key: items(rows), "count": len(rows), "end_of_stream": end, "end_time": end_time,
        "next_page": f"{base_url(request)}{request.path}?{urlencode(query)}",
    }

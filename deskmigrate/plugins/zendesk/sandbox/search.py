"""``GET /search`` and ``GET /search/export`` in the sandbox: Zendesk's query language for the
properties a migration or a script filters on — ``type:``, ``status:`` (also ``<``/``>``),
``priority:``, ``tags:``, ``subject:``, ``requester:``/``assignee:`` (email or id),
``email:``, ``name:``, ``role:``, ``external_id:``, ``created``/``updated`` with ``<``/``>``,
``-`` to negate, and free words (matched in subjects, descriptions, names and emails).

``/search`` pages by offset (``page``, ``per_page`` ≤ 100) and stops at 1,000 results like
Zendesk; ``/search/export`` needs ``filter[type]`` and pages by cursor (``page[size]``)."""

from __future__ import annotations

import shlex
from typing import Any, TypeVar

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxStore
from deskmigrate.sandbox.app import ApiHTTPError

from .paging import decode_cursor, encode_cursor, int_arg, page_url
from .support import bad_request, base_url, public, routes

_Ordered = TypeVar("_Ordered", int, str)

TYPES = {"ticket": "tickets", "user": "users", "organization": "organizations",
         "group": "groups"}
STATUS_ORDER = ("new", "open", "pending", "hold", "solved", "closed")
MAX_RESULTS = 1000
Term = tuple[bool, str, str, str]  # (negated, field, operator, value)


def parse(query: str) -> list[Term]:
    """``status<solved -tags:vip "printer fire"`` → terms (a free word has field "")."""
    try:
        words = shlex.split(query)
    except ValueError:
        raise bad_request("InvalidQuery", "The query has an unclosed quote") from None
    terms = []
    for word in words:
        negated = word.startswith("-") and len(word) > 1
        word = word[1:] if negated else word
        for op in (":", ">", "<"):
            field, found, value = word.partition(op)
            if found and field.isidentifier():
                terms.append((negated, field.lower(), op, value.strip('"')))
                break
        else:
            terms.append((negated, "", ":", word))
    return terms


def _user_ref(store: SandboxStore, value: str) -> int | None:
    if value.isdigit():
        return int(value)
    rows = store.query("users", "json_extract(doc, '$.email') = ?", [value.lower()], limit=1)
    return rows[0]["id"] if rows else None


def _compare(have: Any, op: str, want: str, order: tuple[str, ...] = ()) -> bool:
    if have is None:
        return False
    if order and want in order and have in order:
        return _holds(order.index(have), op, order.index(want))
    return _holds(str(have)[:len(want)].lower(), op, want.lower())


def _holds(a: _Ordered, op: str, b: _Ordered) -> bool:
    return a == b if op == ":" else (a > b if op == ">" else a < b)


def matches(store: SandboxStore, doc: dict[str, Any], term: Term) -> bool:
    negated, field, op, value = term
    words = " ".join(str(doc.get(k) or "") for k in ("subject", "description", "name",
                                                     "email", "details", "notes")).lower()
    if field == "":
        hit = value.lower() in words
    elif field in ("tags", "tag"):
        hit = value.lower() in (doc.get("tags") or [])
    elif field in ("requester", "assignee", "submitter", "organization", "group"):
        key = f"{field}_id"
        ref = _user_ref(store, value) if field in ("requester", "assignee", "submitter") \
            else (int(value) if value.isdigit() else None)
        hit = doc.get(key) == ref and ref is not None
    elif field in ("created", "updated", "solved"):
        hit = _compare(doc.get(f"{field}_at"), op, value)
    elif field == "status":
        hit = _compare(doc.get("status"), op, value.lower(), STATUS_ORDER)
    elif field in ("subject", "name", "description"):
        hit = value.lower() in str(doc.get(field) or "").lower()
    else:
        hit = str(doc.get(field) or "").lower() == value.lower()
    return hit != negated


class SearchHandlers:
    """Search (offset pages) and search export (cursor pages)."""

    store: SandboxStore

    def search_rules(self) -> list[Rule]:
        return [*routes("/search", "search"), *routes("/search/export", "search_export")]

    def _found(self, request: Request, types: list[str]) -> list[dict[str, Any]]:
        terms = parse(request.args.get("query", ""))
        wanted = [v for neg, f, _, v in terms if f == "type" and not neg] or types
        if any(t not in TYPES for t in wanted):
            raise bad_request("InvalidType", f"Unknown type '{wanted[0]}'")
        terms = [t for t in terms if t[1] != "type"]
        base, out = base_url(request), []
        for kind in wanted:
            collection = TYPES[kind]
            for doc in self.store.query(collection, order="id"):
                if _live(collection, doc) and all(matches(self.store, doc, t) for t in terms):
                    out.append({**public(doc, base), "result_type": kind,
                                "url": f"{base}/api/v2/{collection}/{doc['id']}.json"})
        return out

    def search(self, request: Request, user: dict) -> dict[str, Any]:
        if not request.args.get("query", "").strip():
            raise bad_request("InvalidQuery", "The query is required")
        page = int_arg(request, "page", 1, 1)
        per_page = int_arg(request, "per_page", 100, 1, 100)
        if page * per_page > MAX_RESULTS:
            raise ApiHTTPError(422, "invalid", {
                "description": "Search results are limited to 1,000; narrow the query or "
                               "use the search export"})
        found = self._found(request, list(TYPES))
        start = (page - 1) * per_page
        more = start + per_page < min(len(found), MAX_RESULTS)
        return {"results": found[start:start + per_page], "facets": None, "count": len(found),
                "next_page": page_url(request, page=page + 1, per_page=per_page) if more
                else None,
                "previous_page": page_url(request, page=page - 1, per_page=per_page)
                if page > 1 else None}

    def search_export(self, request: Request, user: dict) -> dict[str, Any]:
        kind = request.args.get("filter[type]")
        if kind not in TYPES:
            raise bad_request("InvalidType", "filter[type] must be ticket, user, organization "
                                             "or group")
        size = int_arg(request, "page[size]", 100, 1, 1000)
        after = request.args.get("page[after]")
        start = int(decode_cursor(after, 1)[0]) if after else 0
        found = self._found(request, [kind])
        rows, more = found[start:start + size], start + size < len(found)
        cursor = encode_cursor(start + len(rows)) if more else None
        return {"results": rows, "facets": None,
                "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
                "links": {"next": page_url(request, **{"page[after]": cursor}) if more
                          else None, "prev": None}}


def _live(collection: str, doc: dict[str, Any]) -> bool:
    if collection == "tickets":
        return doc.get("status") != "deleted"
    if collection == "users":
        return bool(doc.get("active", True))
    return not doc.get("deleted")

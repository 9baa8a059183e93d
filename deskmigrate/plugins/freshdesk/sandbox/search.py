"""Filter queries of the Freshdesk sandbox: ``GET /search/tickets|contacts|companies?query=
"…"`` and ``GET /search/solutions?term=…``.

The query language (Freshdesk's "Filter tickets" docs): ``field:value`` terms joined by
``AND`` / ``OR`` with parentheses, strings in single quotes, ``null`` for empty, ``:>``
and ``:<`` meaning "on or after" / "on or before" (dates) or "at least" / "at most"
(numbers); the whole query in double quotes. 30 results a page, pages 1 to 10, the body
``{"results": [...], "total": N}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .people import PeopleRoutes
from .plumbing import invalid, page_args
from .solutions import ARTICLE, SolutionRoutes
from .views import TicketViews

PER_PAGE = 30
MAX_PAGE = 10
MAX_QUERY = 512
_TOKEN = re.compile(r"""\s*(?:(?P<open>\()|(?P<close>\))|(?P<join>AND|OR)\b|
    (?P<field>[a-z_][a-z0-9_]*):(?P<op>[<>]?)\s*
    (?P<value>'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|null|true|false))""", re.X)
# Query names that differ from the stored keys.
ALIASES = {"tickets": {"agent_id": "responder_id", "tag": "tags"},
           "contacts": {"tag": "tags"}, "companies": {}}
WORDS = {"null": None, "true": True, "false": False}
Term = Callable[[dict], bool]


def parse(query: str, collection: str) -> Term:
    """A predicate over stored documents, or a 400 "Validation failed" for a bad query."""
    tokens = _tokens(query)
    position = 0

    def peek() -> dict | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> dict:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> Term:
        parts = [both()]
        while (token := peek()) and token["join"] == "OR":
            take()
            parts.append(both())
        return lambda doc: any(p(doc) for p in parts)

    def both() -> Term:
        parts = [single()]
        while (token := peek()) and token["join"] == "AND":
            take()
            parts.append(single())
        return lambda doc: all(p(doc) for p in parts)

    def single() -> Term:
        token = peek()
        if token is None:
            raise _bad(query)
        take()
        if token["open"]:
            inner = either()
            if not (peek() or {}).get("close"):
                raise _bad(query)
            take()
            return inner
        if not token["field"]:
            raise _bad(query)
        return _term(collection, token["field"], token["op"], _value(token["value"]))

    predicate = either()
    if peek() is not None:
        raise _bad(query)
    return predicate


def _tokens(query: str) -> list[dict]:
    tokens, position = [], 0
    while position < len(query.rstrip()):
        match = _TOKEN.match(query, position)
        if match is None:
            raise _bad(query)
        tokens.append(match.groupdict())
        position = match.end()
    return tokens


def _value(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1].replace("\\'", "'")
    if text in WORDS:
        return WORDS[text]
    return float(text) if "." in text else int(text)


def _term(collection: str, field: str, op: str, wanted: Any) -> Term:
    key = ALIASES[collection].get(field, field)

    def value_of(doc: dict) -> Any:
        if key in doc:
            return doc[key]
        return (doc.get("custom_fields") or {}).get(key)

    def test(doc: dict) -> bool:
        have = value_of(doc)
        if isinstance(have, list):  # tags: any of them
            return wanted in have
        if not op:
            return have == wanted
        if have is None or wanted is None:
            return False
        if isinstance(have, str) and isinstance(wanted, str):
            have = have[:len(wanted)]  # a date against a date-time: compare the date
        try:
            return have >= wanted if op == ">" else have <= wanted
        except TypeError:
            return False
    return test


def _bad(query: str) -> Exception:
    return invalid("query", f"Given query is invalid: {query[:80]}", "invalid_value")


class SearchRoutes(TicketViews, PeopleRoutes, SolutionRoutes):
    """Filter queries over tickets, contacts and companies; solution search."""

    def search_rules(self) -> Iterable[Rule]:
        return [*(Rule(f"/api/v2/search/{c}", methods=["GET"], endpoint="search",
                       defaults={"collection": c}) for c in ALIASES),
                Rule("/api/v2/search/solutions", methods=["GET"],
                     endpoint="search_solutions")]

    def search(self, request: Request, user: dict, collection: str) -> dict:
        raw = request.args.get("query", "")
        if len(raw) < 2 or not (raw.startswith('"') and raw.endswith('"')):
            raise invalid("query", "It should be a/an String enclosed in double quotes",
                          "invalid_value")
        if len(raw) > MAX_QUERY:
            raise invalid("query", f"It should not be more than {MAX_QUERY} characters")
        predicate = parse(raw[1:-1], collection)
        page = page_args(request)[0]
        if page > MAX_PAGE:
            raise invalid("page", f"It should be a Positive Integer less than or equal to "
                          f"{MAX_PAGE}")
        rows = [d for d in self.store.query(collection, order="json_extract(doc, "
                                            "'$.created_at') desc, id desc")
                if not d.get("deleted") and not d.get("spam") and predicate(d)]
        shown = rows[(page - 1) * PER_PAGE:page * PER_PAGE]
        return {"results": [self._search_view(collection, d, request.host_url)
                            for d in shown], "total": len(rows)}

    def _search_view(self, collection: str, doc: dict, host: str) -> dict:
        if collection == "tickets":
            return self.render_ticket(doc, host, listing=True)
        if collection == "contacts":
            return self.render_contact(doc)
        return self.render_company(doc)

    def search_solutions(self, request: Request, user: dict) -> list[dict]:
        """Published and draft articles whose title or body has every word of ``term``."""
        words = request.args.get("term", "").lower().split()
        if not words:
            raise invalid("term", "It should be a/an String", "missing_field")
        return [self.render_kb(ARTICLE, a, None) for a in self.store.query("solution_articles")
                if all(w in f"{a['title']} {a['description_text']}".lower() for w in words)]

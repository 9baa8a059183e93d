"""The slice of JQL a migration sends: clauses joined by AND, then ORDER BY.

``project = KEY``, ``updated >= "yyyy-MM-dd HH:mm"`` (also ``created``, ``>``, ``<``, ``<=``),
``creator = currentUser()``, ``key in (A-1, A-2)`` / ``issuekey = A-1`` and
``ORDER BY field [ASC|DESC]``. Anything else is refused the way Jira refuses bad JQL."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .base import parse_jira_time, platform_error

_ORDER = re.compile(r"\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$", re.I)
_TIME_FIELDS = {"updated", "created", "updateddate", "createddate"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "=": lambda a, b: a == b}


@dataclass
class Query:
    filters: list[Callable[[dict, dict], bool]] = field(default_factory=list)
    order: str = "key"
    descending: bool = False


def parse(jql: str) -> Query:
    query = Query()
    text = jql.strip()
    match = _ORDER.search(" " + text)
    if match:
        text = (" " + text)[:match.start()].strip()
        query.order = match.group(1).lower()
        query.descending = (match.group(2) or "ASC").upper() == "DESC"
        if query.order not in ("key", "created", "updated", "id"):
            raise _bad(f"Field '{match.group(1)}' does not support sorting.")
    if text:
        for clause in re.split(r"\s+AND\s+", text, flags=re.I):
            query.filters.append(_clause(clause.strip()))
    return query


def _clause(clause: str) -> Callable[[dict, dict], bool]:
    try:
        tokens = shlex.split(clause.replace("(", " ( ").replace(")", " ) ").replace(",", " "))
    except ValueError:
        raise _bad(f"The quoted string in '{clause}' has not been completed.") from None
    if len(tokens) < 3:
        raise _bad(f"Expecting an operator after '{clause}'.")
    name, op, rest = tokens[0].lower(), tokens[1].lower(), tokens[2:]
    if name == "project" and op == "=":
        key = rest[0].upper()
        return lambda issue, user: issue["projectKey"] == key
    if name in ("key", "issuekey") and op in ("=", "in"):
        keys = {t.upper() for t in rest if t not in ("(", ")")}
        return lambda issue, user: issue["key"] in keys
    if name == "creator" and op == "=" and rest[0].lower() == "currentuser":
        return lambda issue, user: issue["creator"] == user["accountId"]
    if name in _TIME_FIELDS and op in _COMPARE:
        moment = _moment(rest[0])
        stored = "updated" if name.startswith("updated") else "created"
        compare = _COMPARE[op]
        return lambda issue, user: compare(_minute(issue[stored]), moment)
    raise _bad(f"The field '{tokens[0]}' or operator '{tokens[1]}' is not supported here.")


def _moment(value: str) -> datetime:
    for pattern in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise _bad(f"Date value '{value}' for field is invalid. Valid formats include: "
               "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'.")


def _minute(stamp: str) -> datetime:
    """JQL compares at minute precision."""
    return parse_jira_time(stamp).replace(second=0, microsecond=0)


def _bad(message: str) -> Exception:
    return platform_error(400, f"Error in the JQL Query: {message}")


def sort_key(query: Query) -> Callable[[dict], Any]:
    if query.order in ("key", "id"):
        return lambda issue: issue["id"]
    return lambda issue: (issue[query.order], issue["id"])

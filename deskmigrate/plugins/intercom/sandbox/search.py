"""Intercom's search query language: ``{field, operator, value}`` filters combined by
``{operator: AND|OR, value: [...]}``, at most two levels of nesting and 15 filters a group.
Operators ``= != IN NIN > < ~ !~ ^ $``; ``>`` and ``<`` include the bound, as documented."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import fail

MAX_FILTERS = 15
MAX_NESTING = 2
DATE_FIELDS = {"created_at", "updated_at", "waiting_since", "snoozed_until", "signed_up_at",
               "last_seen_at"}


def _compare(operator: str, actual: Any, wanted: Any, field: str) -> bool:
    if operator in (">", "<"):
        try:
            left, right = float(actual), float(wanted)
        except (TypeError, ValueError):
            return False
        return left >= right if operator == ">" else left <= right
    if operator in ("IN", "NIN"):
        if not isinstance(wanted, list):
            raise fail(400, "invalid_query", f"{operator} needs an array value")
        found = any(_equal(actual, w) for w in wanted)
        return found if operator == "IN" else not found
    if operator == "=":
        return _equal(actual, wanted)
    if operator == "!=":
        return not _equal(actual, wanted)
    text, needle = str(actual if actual is not None else ""), str(wanted)
    tests: dict[str, Callable[[], bool]] = {
        "~": lambda: needle.lower() in text.lower(),
        "!~": lambda: needle.lower() not in text.lower(),
        "^": lambda: text.lower().startswith(needle.lower()),
        "$": lambda: text.lower().endswith(needle.lower()),
    }
    if operator not in tests:
        raise fail(400, "invalid_query", f"Operator '{operator}' is not supported")
    return tests[operator]()


def _equal(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, list):
        return any(_equal(a, wanted) for a in actual)
    if wanted is None:
        return actual is None
    if isinstance(actual, bool):
        return str(actual).lower() == str(wanted).lower()
    return str(actual) == str(wanted)


def _lookup(doc: dict[str, Any], field: str) -> Any:
    value: Any = doc
    for part in field.split("."):
        if isinstance(value, list):
            value = [v.get(part) for v in value if isinstance(v, dict)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def matcher(query: Any, depth: int = 0) -> Callable[[dict[str, Any]], bool]:
    """A predicate over a searchable document (validating the query as Intercom does)."""
    if not isinstance(query, dict) or "operator" not in query:
        raise fail(400, "invalid_query", "Query must be an object with an operator")
    operator = query["operator"]
    if operator in ("AND", "OR"):
        if depth >= MAX_NESTING:
            raise fail(400, "invalid_query", "There's a limit of max 2 nested filters")
        parts = query.get("value")
        if not isinstance(parts, list) or not parts:
            raise fail(400, "invalid_query", f"{operator} needs a list of filters")
        if len(parts) > MAX_FILTERS:
            raise fail(400, "invalid_query", "There's a limit of max 15 filters for each "
                                             "AND or OR group")
        tests = [matcher(p, depth + 1) for p in parts]
        if operator == "AND":
            return lambda doc: all(t(doc) for t in tests)
        return lambda doc: any(t(doc) for t in tests)
    field = query.get("field")
    if not isinstance(field, str) or not field:
        raise fail(400, "invalid_query", "A filter needs a field")
    if field in DATE_FIELDS and operator in ("!=", ">=", "<=", "IN", "NIN"):
        raise fail(400, "invalid_query", f"Operator '{operator}' is not supported on "
                                         f"date field {field}")
    wanted = query.get("value")
    _compare(operator, None, wanted, field)  # refuse unknown operators up front
    return lambda doc: _compare(operator, _lookup(doc, field), wanted, field)

"""``redact_cards = true``: payment card numbers (13–19 digits, spaces or dashes allowed,
Luhn-valid) in every message body (comments and side conversations) are masked before they
reach the target; the last four digits stay readable. A third-party option: only the
public hooks are used."""

from __future__ import annotations

import re
from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "redact_cards"
CANDIDATE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
MASK = "•"


def luhn(digits: str) -> bool:
    total = 0
    for n, char in enumerate(reversed(digits)):
        value = int(char) * (2 if n % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not luhn(digits):
        return text
    keep = len(digits) - 4
    out, seen = [], 0
    for char in text:
        if char.isdigit():
            out.append(MASK if seen < keep else char)
            seen += 1
        else:
            out.append(char)
    return "".join(out)


def redact(text: str) -> str:
    """``text`` with every Luhn-valid card number masked."""
    return CANDIDATE.sub(_mask, text)


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Mask payment card numbers in comment bodies"))


@hookimpl
def prepare_record(context: RunContext, kind: str, record: Record) -> None:
    if not context.options.get(NAME) or not isinstance(record, Ticket):
        return
    changed = False
    for comment in record.messages():  # side conversations too
        html_body, text = redact(comment.body_html), redact(comment.body_text)
        if (html_body, text) != (comment.body_html, comment.body_text):
            comment.body_html, comment.body_text, changed = html_body, text, True
    if changed:
        context.option_applied(NAME)

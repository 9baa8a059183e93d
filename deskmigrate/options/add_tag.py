"""``add_tag = "TEXT"``: a tag on every migrated ticket."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "add_tag"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Add a tag (e.g. migrated-2026-11) to every "
                    "migrated ticket", value_type=str))


@hookimpl
def prepare_record(context: RunContext, kind: str, record: Record) -> None:
    tag = context.options.get(NAME)
    if tag and isinstance(record, Ticket):
        if tag not in record.tags:
            record.tags.append(tag)
        context.option_applied(NAME)

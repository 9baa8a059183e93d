"""``call_recordings = true``: voice-call recordings (sources with the ``call_recordings``
capability) become attachments of the comment they belong to. Without it, recordings stay
behind."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "call_recordings"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Migrate voice-call recordings as attachments",
                    source_needs=("call_recordings",)))


@hookimpl
def shape_record(context: RunContext, kind: str, record: Record) -> None:
    if not isinstance(record, Ticket):
        return
    moved = 0
    for comment in record.messages():
        if comment.recording is None:
            continue
        if context.options.get(NAME):
            comment.attachments.append(comment.recording)
            moved += 1
        comment.recording = None
    if moved:
        context.option_applied(NAME)

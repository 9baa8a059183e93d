"""``side_conversations = true``: side conversations migrate — as side conversations into
targets that have them natively (the ``side_conversations`` capability), as private notes
anywhere else. Without it, they stay behind."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.history import side_conversation_notes
from deskmigrate.core.options import Option
from deskmigrate.core.records import Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "side_conversations"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Migrate side conversations",
                    source_needs=("side_conversations",)))


@hookimpl
def shape_record(context: RunContext, kind: str, record: Record) -> None:
    if not isinstance(record, Ticket) or not record.side_conversations:
        return
    if not context.options.get(NAME):
        record.side_conversations = []
        return
    context.option_applied(NAME)
    if context.target_capabilities.side_conversations:
        return
    notes = [note for c in record.side_conversations for note in side_conversation_notes(c)]
    record.side_conversations = []
    record.comments = sorted([*record.comments, *notes],
                             key=lambda c: (c.created_at is None, c.created_at))

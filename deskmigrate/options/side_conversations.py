"""``side_conversations = true``: side conversations migrate — as side conversations into
targets that have them natively (the ``side_conversations`` capability), as private notes
anywhere else. Without it, they stay behind."""

from __future__ import annotations

import html
from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import Comment, Record, SideConversation, Ticket
from deskmigrate.core.run import RunContext

NAME = "side_conversations"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Migrate side conversations",
                    source_needs=("side_conversations",)))


def as_notes(conversation: SideConversation) -> list[Comment]:
    """Each message of a side conversation as a private note that says where it came from."""
    header = (f"<p><em>Side conversation “{html.escape(conversation.subject)}” with "
              f"{html.escape(', '.join(conversation.participants))}</em></p>")
    return [Comment(source_id=f"side-{conversation.source_id}-{m.source_id}",
                    author_id=m.author_id, body_html=header + m.body_html,
                    body_text=m.body_text, public=False, created_at=m.created_at,
                    attachments=m.attachments, channel="side_conversation")
            for m in conversation.messages]


@hookimpl
def prepare_record(context: RunContext, kind: str, record: Record) -> None:
    if not isinstance(record, Ticket) or not record.side_conversations:
        return
    if not context.options.get(NAME):
        record.side_conversations = []
        return
    context.option_applied(NAME)
    if context.target_capabilities.side_conversations:
        return
    notes = [note for c in record.side_conversations for note in as_notes(c)]
    record.side_conversations = []
    record.comments = sorted([*record.comments, *notes],
                             key=lambda c: (c.created_at is None, c.created_at))

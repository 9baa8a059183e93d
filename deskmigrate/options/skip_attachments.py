"""``skip_attachments = true``: no attachment is transferred (faster, cheaper), on any
message: comments, side-conversation messages (as notes or native), call recordings."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import KbArticle, Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "skip_attachments"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Do not transfer attachments"))


@hookimpl
def select_files(context: RunContext, kind: str, record: Record) -> None:
    if not context.options.get(NAME):
        return
    dropped = 0
    if isinstance(record, Ticket):
        for comment in record.messages():
            dropped += len(comment.attachments) + (comment.recording is not None)
            comment.attachments = []
            comment.recording = None
    elif isinstance(record, KbArticle):
        dropped = len(record.attachments)
        record.attachments = []
    if dropped:
        context.option_applied(NAME)

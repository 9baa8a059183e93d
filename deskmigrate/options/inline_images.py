"""``inline_images = true``: images embedded in the HTML of sources that keep them only
there (the ``embeds_inline_images`` capability) are downloaded and re-attached as files; the
body keeps its reference. Without it, such images stay links to the source."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import Record, Ticket
from deskmigrate.core.run import RunContext

NAME = "inline_images"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Re-attach images embedded in HTML bodies as files",
                    source_needs=("embeds_inline_images",)))


@hookimpl
def select_files(context: RunContext, kind: str, record: Record) -> None:
    if not isinstance(record, Ticket) or (
            not context.source_capabilities.embeds_inline_images):
        return
    kept = 0
    for comment in record.messages():
        inline = [a for a in comment.attachments if a.inline]
        if not inline:
            continue
        if context.options.get(NAME):
            kept += len(inline)
        else:
            comment.attachments = [a for a in comment.attachments if not a.inline]
    if kept:
        context.option_applied(NAME)

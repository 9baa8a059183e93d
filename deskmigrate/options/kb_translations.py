"""``kb_translations = true``: every language version of a KB article, folder and category
migrates with it. Without it, only the default language does."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.options import Option
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record
from deskmigrate.core.run import RunContext

NAME = "kb_translations"


@hookimpl
def register_options(register: Callable[[Option], None]) -> None:
    register(Option(name=NAME, description="Migrate every language version of KB articles",
                    source_needs=("kb_translations",), target_needs=("kb_translations",)))


@hookimpl
def shape_record(context: RunContext, kind: str, record: Record) -> None:
    if not isinstance(record, KbArticle | KbFolder | KbCategory) or not record.translations:
        return
    if context.options.get(NAME):
        context.option_applied(NAME)
    else:
        record.translations = []

"""Writing solutions to Freshdesk: categories -> folders -> articles, each translation
as ``POST .../{id}/{language}`` for the languages the help desk supports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskmigrate.core.connector import WriteContext, WriteResult
from deskmigrate.core.errors import ApiError
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record, Translation

from .mapping import ARTICLE_DRAFT, ARTICLE_PUBLISHED, FOLDER_VISIBLE_TO_ALL, language
from .paging import FreshdeskApi, rows

PLURALS = {"kb_category": "categories", "kb_folder": "folders", "kb_article": "articles"}


class KbWriter:
    def __init__(self, api: FreshdeskApi) -> None:
        self.api = api
        self._languages: tuple[str, set[str]] | None = None

    def languages(self) -> tuple[str, set[str]]:
        if self._languages is None:
            settings = self.api.get_json("settings/helpdesk")
            self._languages = (settings.get("primary_language", "en"),
                               set(settings.get("supported_languages") or []))
        return self._languages

    def write(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        def warn(message: str) -> None:
            ctx.warn(record.source_id, message)

        parent = self._parent(kind, record, ctx)
        if parent is False:
            return WriteResult(source_id=record.source_id,
                               error="its parent was not migrated to Freshdesk")
        existing = self.find(kind, record, ctx)
        if existing is not None:  # there before: used, never the run's to delete
            return WriteResult(source_id=record.source_id, target_id=existing, matched=True,
                               warnings=["one of this name was already there in its place; "
                                         "reused as it is"])
        path, payload = self._create(kind, record, parent)
        ctx.creating(kind, record.source_id)  # no stamp: nothing alike was there
        created = self.api.request("POST", path, json=payload).json()
        item = f"solutions/{PLURALS[kind]}/{created['id']}"
        for translation in getattr(record, "translations", []):
            try:
                self._translate(kind, item, translation, warn)
            except ApiError as exc:
                warn(f"translation {translation.locale} could not be written: {exc}")
        return WriteResult(source_id=record.source_id, target_id=str(created["id"]))

    def find(self, kind: str, record: Record, ctx: WriteContext) -> str | None:
        """An item of the same name under the same parent."""
        parent = self._parent(kind, record, ctx)
        if parent is False:
            return None
        if kind == "kb_category":
            items = self.api.get_json("solutions/categories")
        elif kind == "kb_folder":
            items = self.api.get_json(f"solutions/categories/{parent}/folders")
        else:
            items = list(rows(self.api, f"solutions/folders/{parent}/articles"))
        name = _name(record)
        key = "title" if kind == "kb_article" else "name"
        return next((str(i["id"]) for i in items if i.get(key) == name), None)

    def _parent(self, kind: str, record: Record, ctx: WriteContext) -> str | None | bool:
        """The parent's target id (None for categories; False when it is missing)."""
        if isinstance(record, KbFolder):
            return ctx.target_id("kb_category", record.category_id) or False
        if isinstance(record, KbArticle):
            return ctx.target_id("kb_folder", record.folder_id) or False
        return None

    def _create(self, kind: str, record: Record, parent: Any) -> tuple[str, dict[str, Any]]:
        if isinstance(record, KbCategory):
            return "solutions/categories", {"name": record.name,
                                            "description": record.description}
        if isinstance(record, KbFolder):
            return f"solutions/categories/{parent}/folders", {
                "name": record.name, "description": record.description,
                "visibility": FOLDER_VISIBLE_TO_ALL}
        if isinstance(record, KbArticle):
            return f"solutions/folders/{parent}/articles", {
                "title": record.title, "description": record.body or "<p></p>",
                "status": ARTICLE_DRAFT if record.draft else ARTICLE_PUBLISHED}
        raise ValueError(f"not a knowledge base record: {kind}")

    def _translate(self, kind: str, item: str, translation: Translation,
                   warn: Callable[[str], None]) -> None:
        primary, supported = self.languages()
        code = language(translation.locale)
        if code == primary:
            return
        if code not in supported:
            warn(f"translation {translation.locale} skipped: the help desk does not "
                 f"support that language")
            return
        if kind == "kb_article":
            payload = {"title": translation.title, "description": translation.body or "<p></p>",
                       "status": ARTICLE_DRAFT if translation.draft else ARTICLE_PUBLISHED}
        else:
            payload = {"name": translation.title, "description": translation.body}
        self.api.request("POST", f"{item}/{code}", json=payload)


def _name(record: Record) -> str:
    return getattr(record, "title", "") or getattr(record, "name", "")

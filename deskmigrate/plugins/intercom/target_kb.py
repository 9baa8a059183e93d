"""The knowledge base as Intercom's help center: categories become top-level collections,
folders collections inside them, articles keep every translation Intercom supports (no
created time can be set). Collections and articles carry no stamp (Intercom keeps no field
for one): a collection of the same name (an article of the same title) already in the same
place is reused as it is, never owned, so a rollback never deletes it. Only an item with
nothing of its name there is created, announced first (``ctx.creating``) so that, found
again by name after a crash, the engine counts it as this run's."""

from __future__ import annotations

from typing import Any

from deskmigrate.core.connector import WriteContext, WriteResult
from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record, Translation

from .api import numbered
from .mapping import locale_out


class KbWriter:
    def __init__(self, http: HttpClient, default_admin: Any) -> None:
        self.http = http
        self.default_admin = default_admin

    def _translations(self, record: Record, items: list[Translation], *, article: bool,
                      author: Any, ctx: WriteContext) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in items:
            locale = locale_out(item.locale)
            if locale is None or locale == "en":
                ctx.warn(record.source_id, f"translation '{item.locale}' is not a language "
                                           "Intercom's help center supports")
                continue
            if article:
                out[locale] = {"title": item.title, "body": item.body, "author_id": author,
                               "state": "draft" if item.draft else "published"}
            else:
                out[locale] = {"name": item.title, "description": item.body}
        return out

    def write(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        if isinstance(record, KbCategory | KbFolder):
            payload: dict[str, Any] = {"name": record.name,
                                       "description": record.description or ""}
            if isinstance(record, KbFolder):
                parent = ctx.target_id("kb_category", record.category_id)
                if parent is None:
                    return WriteResult(source_id=record.source_id,
                                       error="its category was not migrated")
                payload["parent_id"] = parent
            content = self._translations(record, record.translations, article=False,
                                         author=None, ctx=ctx)
            if content:
                payload["translated_content"] = content
            existing = self._collection(record, ctx)
            if existing is not None:
                return _reused(record, existing)
            ctx.creating(kind, record.source_id)
            body = self.http.request("POST", "help_center/collections", json=payload).json()
            return WriteResult(source_id=record.source_id, target_id=str(body["id"]))
        if isinstance(record, KbArticle):
            parent = ctx.target_id("kb_folder", record.folder_id)
            if parent is None:
                return WriteResult(source_id=record.source_id,
                                   error="its folder was not migrated")
            existing = self._article(record, parent)
            if existing is not None:
                return _reused(record, existing)
            author = ctx.target_id("agent", record.author_id) or self.default_admin()
            payload = {"title": record.title, "body": record.body, "author_id": int(author),
                       "state": "draft" if record.draft else "published",
                       "parent_id": int(parent), "parent_type": "collection"}
            content = self._translations(record, record.translations, article=True,
                                         author=int(author), ctx=ctx)
            if content:
                payload["translated_content"] = content
            ctx.creating(kind, record.source_id)
            body = self.http.request("POST", "articles", json=payload).json()
            return WriteResult(source_id=record.source_id, target_id=str(body["id"]))
        return WriteResult(source_id=record.source_id, skipped=f"not a {kind}")

    def find(self, kind: str, record: Record, ctx: WriteContext) -> str | None:
        """A collection by name or an article by title in its parent (never owned)."""
        if isinstance(record, KbArticle):
            parent = ctx.target_id("kb_folder", record.folder_id)
            return None if parent is None else self._article(record, parent)
        if isinstance(record, KbCategory | KbFolder):
            return self._collection(record, ctx)
        return None

    def _collection(self, record: KbCategory | KbFolder, ctx: WriteContext) -> str | None:
        parent = (ctx.target_id("kb_category", record.category_id)
                  if isinstance(record, KbFolder) else None)
        if isinstance(record, KbFolder) and parent is None:
            return None
        return next((str(c["id"]) for c in numbered(self.http, "help_center/collections")
                     if str(c.get("parent_id")) == str(parent)
                     and c.get("name") == record.name), None)

    def _article(self, record: KbArticle, parent: str) -> str | None:
        return next((str(a["id"]) for a in numbered(self.http, "articles")
                     if str(a.get("parent_id")) == str(parent)
                     and a.get("title") == record.title), None)


def _reused(record: Record, existing: str) -> WriteResult:
    """One of the same name was already in its place: used as it is, never this run's."""
    return WriteResult(source_id=record.source_id, target_id=existing, matched=True,
                       warnings=["one of this name was already there in its place; "
                                 "reused as it is"])

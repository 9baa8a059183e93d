"""The help center as a neutral knowledge base: top-level collections are categories,
collections inside them folders (deeper ones join their top-level category), articles
keep every language of ``translated_content``. An article placed straight in a top-level
collection has no folder: it is logged and left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import structlog

from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record, Translation

from .api import numbered
from .mapping import from_epoch, locale_in

log = structlog.get_logger("deskmigrate.intercom")


class KbReader:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _collections(self) -> dict[str, dict]:
        return {str(c["id"]): c for c in numbered(self.http, "help_center/collections")}

    @staticmethod
    def _top(collections: dict[str, dict], collection_id: str) -> str:
        seen = set()
        while collections.get(collection_id, {}).get("parent_id") and collection_id not in seen:
            seen.add(collection_id)
            collection_id = str(collections[collection_id]["parent_id"])
        return collection_id

    def read(self, kind: str, since: datetime | None = None) -> Iterator[Record]:
        collections = self._collections()
        if kind == "kb_category":
            rows = [c for c in collections.values() if not c.get("parent_id")]
            yield from (self.category(c) for c in rows if _since(c, since))
        elif kind == "kb_folder":
            rows = [c for c in collections.values() if c.get("parent_id")]
            yield from (self.folder(c, self._top(collections, str(c["id"])))
                        for c in rows if _since(c, since))
        elif kind == "kb_article":
            for row in numbered(self.http, "articles"):
                parent = str(row.get("parent_id") or "")
                if not collections.get(parent, {}).get("parent_id"):
                    log.warning("intercom.article_without_folder", article=row["id"])
                    continue
                if _since(row, since):
                    yield self.article(row)

    def get(self, kind: str, ids: list[str]) -> Iterator[Record]:
        wanted = set(ids)
        yield from (r for r in self.read(kind) if r.source_id in wanted)

    def count(self) -> dict[str, int]:
        return {kind: sum(1 for _ in self.read(kind))
                for kind in ("kb_category", "kb_folder", "kb_article")}

    @staticmethod
    def _group_translations(row: dict) -> list[Translation]:
        default = row.get("default_locale") or "en"
        return [Translation(locale=locale_in(locale), title=item.get("name") or "",
                            body=item.get("description") or "")
                for locale, item in (row.get("translated_content") or {}).items()
                if locale not in ("type", default) and isinstance(item, dict)]

    def category(self, row: dict) -> KbCategory:
        return KbCategory(source_id=str(row["id"]), name=row.get("name") or "",
                          description=row.get("description") or "",
                          locale=locale_in(row.get("default_locale") or "en"),
                          position=int(row.get("order") or 0),
                          translations=self._group_translations(row))

    def folder(self, row: dict, category: str) -> KbFolder:
        return KbFolder(source_id=str(row["id"]), category_id=category,
                        name=row.get("name") or "", description=row.get("description") or "",
                        locale=locale_in(row.get("default_locale") or "en"),
                        position=int(row.get("order") or 0),
                        translations=self._group_translations(row))

    @staticmethod
    def article(row: dict) -> KbArticle:
        default = row.get("default_locale") or "en"
        translations = [
            Translation(locale=locale_in(locale), title=item.get("title") or "",
                        body=item.get("body") or "", draft=item.get("state") == "draft")
            for locale, item in (row.get("translated_content") or {}).items()
            if locale not in ("type", default) and isinstance(item, dict)]
        return KbArticle(source_id=str(row["id"]), folder_id=str(row["parent_id"]),
                         title=row.get("title") or "", body=row.get("body") or "",
                         locale=locale_in(default), author_id=str(row.get("author_id") or ""),
                         draft=row.get("state") == "draft",
                         created_at=from_epoch(row.get("created_at")),
                         updated_at=from_epoch(row.get("updated_at")),
                         translations=translations)


def _since(row: dict, since: datetime | None) -> bool:
    stamp = from_epoch(row.get("updated_at"))
    return since is None or stamp is None or stamp >= since

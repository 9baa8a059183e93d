"""The help center as a neutral knowledge base: top-level collections are categories,
collections inside them folders (deeper ones join their top-level category), articles
keep every language of ``translated_content``. Articles placed straight in a top-level
collection go to a folder of that collection's name made for them (every other help desk
needs one); an article in no collection is logged and left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import structlog

from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record, Translation

from .api import numbered
from .mapping import from_epoch, locale_in

log = structlog.get_logger("deskmigrate.intercom")
DIRECT = "-direct"  # the folder id of a top-level collection's own articles: "{id}-direct"


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
            articles = [(_folder_id(collections, a), _since(a, since))
                        for a in numbered(self.http, "articles")]
            for row in collections.values():  # wanted when it or one of its articles changed
                changed = [new for folder, new in articles if folder == f"{row['id']}{DIRECT}"]
                if changed and (any(changed) or _since(row, since)):
                    yield self.folder(row, str(row["id"]), direct=True)
        elif kind == "kb_article":
            for row in numbered(self.http, "articles"):
                folder = _folder_id(collections, row)
                if folder is None:
                    log.warning("intercom.article_without_collection", article=row["id"])
                elif _since(row, since):
                    yield self.article(row, folder)

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

    def folder(self, row: dict, category: str, *, direct: bool = False) -> KbFolder:
        """A collection inside a category, or (``direct``) the folder made for the
        articles placed straight in top-level collection ``row``."""
        return KbFolder(source_id=f"{row['id']}{DIRECT if direct else ''}",
                        category_id=category,
                        name=row.get("name") or "", description=row.get("description") or "",
                        locale=locale_in(row.get("default_locale") or "en"),
                        position=int(row.get("order") or 0),
                        translations=self._group_translations(row))

    @staticmethod
    def article(row: dict, folder: str) -> KbArticle:
        default = row.get("default_locale") or "en"
        translations = [
            Translation(locale=locale_in(locale), title=item.get("title") or "",
                        body=item.get("body") or "", draft=item.get("state") == "draft")
            for locale, item in (row.get("translated_content") or {}).items()
            if locale not in ("type", default) and isinstance(item, dict)]
        return KbArticle(source_id=str(row["id"]), folder_id=folder,
                         title=row.get("title") or "", body=row.get("body") or "",
                         locale=locale_in(default), author_id=str(row.get("author_id") or ""),
                         draft=row.get("state") == "draft",
                         created_at=from_epoch(row.get("created_at")),
                         updated_at=from_epoch(row.get("updated_at")),
                         translations=translations)


def _folder_id(collections: dict[str, dict], article: dict) -> str | None:
    """The folder an article goes to: its collection, or the folder made for a top-level
    collection's own articles; None when it is in no collection that is listed."""
    parent = collections.get(str(article.get("parent_id") or ""))
    if parent is None:
        return None
    return str(parent["id"]) if parent.get("parent_id") else f"{parent['id']}{DIRECT}"


def _since(row: dict, since: datetime | None) -> bool:
    stamp = from_epoch(row.get("updated_at"))
    return since is None or stamp is None or stamp >= since

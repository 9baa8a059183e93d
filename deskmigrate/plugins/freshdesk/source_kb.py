"""Reading Freshdesk solutions: categories -> folders -> articles, with every language
version (``.../{lang}`` lists) as translations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial

from deskmigrate.core.records import (
    KbArticle,
    KbCategory,
    KbFolder,
    Record,
    Translation,
    readable,
)

from .mapping import ARTICLE_DRAFT, locale, parse_time
from .paging import FreshdeskApi, rows


class KbReader:
    """One pass over the knowledge base per call; translations fetched per list."""

    def __init__(self, api: FreshdeskApi) -> None:
        self.api = api
        self._languages: tuple[str, list[str]] | None = None

    def languages(self) -> tuple[str, list[str]]:
        """``(primary language, other languages)`` of the help desk."""
        if self._languages is None:
            settings = self.api.get_json("settings/helpdesk")
            primary = settings.get("primary_language", "en")
            others = [x for x in settings.get("supported_languages") or [] if x != primary]
            self._languages = (primary, others)
        return self._languages

    def count(self) -> dict[str, int]:
        counts = {"kb_category": 0, "kb_folder": 0, "kb_article": 0}
        for category in self.api.get_json("solutions/categories"):
            counts["kb_category"] += 1
            for folder in self.api.get_json(f"solutions/categories/{category['id']}/folders"):
                counts["kb_folder"] += 1
                counts["kb_article"] += sum(
                    1 for _ in rows(self.api, f"solutions/folders/{folder['id']}/articles"))
        return counts

    def read(self, kind: str, since: datetime | None) -> Iterator[Record]:
        for record in self._walk(kind):
            stamp = getattr(record, "updated_at", None)
            if since is None or stamp is None or stamp >= since:
                yield record

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        wanted = set(ids)
        yield from (r for r in self._walk(kind) if r.source_id in wanted)

    def _walk(self, kind: str) -> Iterator[Record]:
        categories = self._translated("solutions/categories")
        for position, (category, versions) in enumerate(categories):
            if kind == "kb_category":
                yield readable(category.get("id"), partial(self._category, category, versions,
                                                           position))
                continue
            folders = self._translated(f"solutions/categories/{category['id']}/folders")
            for folder_position, (folder, folder_versions) in enumerate(folders):
                if kind == "kb_folder":
                    yield readable(folder.get("id"), partial(
                        self._folder, folder, folder_versions, category, folder_position))
                    continue
                articles = self._translated(f"solutions/folders/{folder['id']}/articles",
                                            paged=True)
                for article_position, (article, article_versions) in enumerate(articles):
                    yield readable(article.get("id"), partial(
                        self._article, article, article_versions, folder, article_position))

    def _translated(self, path: str, paged: bool = False) -> list[tuple[dict, dict[str, dict]]]:
        """The items of a list in the primary language, each with its other-language
        versions from ``{path}/{lang}`` (one list request per language)."""
        fetch = (lambda p: list(rows(self.api, p))) if paged else self.api.get_json
        items = fetch(path)
        _, others = self.languages()
        versions: dict[int, dict[str, dict]] = {item["id"]: {} for item in items}
        for language in others:
            for item in fetch(f"{path}/{language}"):
                if item["id"] in versions:
                    versions[item["id"]][language] = item
        return [(item, versions[item["id"]]) for item in items]

    def _category(self, item: dict, versions: dict[str, dict], position: int) -> KbCategory:
        return KbCategory(
            source_id=str(item["id"]), name=item["name"],
            description=item.get("description") or "", locale=locale(self.languages()[0]),
            position=position,
            translations=[Translation(locale=locale(lang), title=v["name"],
                                      body=v.get("description") or "")
                          for lang, v in versions.items()])

    def _folder(self, item: dict, versions: dict[str, dict], category: dict,
                position: int) -> KbFolder:
        return KbFolder(
            source_id=str(item["id"]), category_id=str(category["id"]), name=item["name"],
            description=item.get("description") or "", locale=locale(self.languages()[0]),
            position=position,
            translations=[Translation(locale=locale(lang), title=v["name"],
                                      body=v.get("description") or "")
                          for lang, v in versions.items()])

    def _article(self, item: dict, versions: dict[str, dict], folder: dict,
                 position: int) -> KbArticle:
        return KbArticle(
            source_id=str(item["id"]), folder_id=str(folder["id"]), title=item["title"],
            body=item.get("description") or "", locale=locale(self.languages()[0]),
            author_id=None if item.get("agent_id") is None else str(item["agent_id"]),
            draft=item.get("status") == ARTICLE_DRAFT, position=position,
            created_at=parse_time(item.get("created_at")),
            updated_at=parse_time(item.get("updated_at")),
            translations=[Translation(locale=locale(lang), title=v["title"],
                                      body=v.get("description") or "",
                                      draft=v.get("status") == ARTICLE_DRAFT)
                          for lang, v in versions.items()])

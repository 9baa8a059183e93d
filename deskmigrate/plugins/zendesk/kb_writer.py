"""Write the Help Center: categories → sections → articles, each with its translations,
articles with their attachments; find what an interrupted run created, and delete for
rollback. Help Center items carry no stamp: one of the same name already in its parent is
reused (matched, never deleted); otherwise the create is announced (``ctx.creating``), so
what a crash leaves is found by name as the run's and rollback removes it."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from deskmigrate.core.connector import WriteContext, WriteResult, delete_each
from deskmigrate.core.records import KbArticle, KbCategory, KbFolder, Record, Translation

from .client import ZendeskApi
from .kb_files import ArticleFiles

HC = "api/v2/help_center"
COLLECTION = {"kb_category": "categories", "kb_folder": "sections", "kb_article": "articles"}


class KbWriter:
    """Help Center writes; articles need a permission group (the first one is used)."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api
        self.files = ArticleFiles(api)
        self._permission_group: int | None = None
        self._lock = threading.Lock()

    def write(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
        result = WriteResult(source_id=record.source_id)
        existing = self.find(kind, record, ctx)
        if existing is not None:  # there before: used, never the run's to delete
            result.target_id, result.matched = existing, True
            result.warnings.append("one of this name was already there in its place; "
                                   "reused as it is")
            return result
        # no stamp on Help Center items: announced as created after seeing nothing alike,
        # what a crash leaves found by name is this run's
        ctx.creating(kind, record.source_id)
        if isinstance(record, KbCategory):
            created = self._post(f"{HC}/categories.json", "category", {
                "name": record.name, "description": record.description,
                "locale": record.locale, "position": record.position})
            self._translations("categories", created["id"], record.translations)
        elif isinstance(record, KbFolder):
            parent = ctx.target_id("kb_category", record.category_id)
            if parent is None:
                result.error = f"its category {record.category_id} is not in the target"
                return result
            created = self._post(f"{HC}/categories/{parent}/sections.json", "section", {
                "name": record.name, "description": record.description,
                "locale": record.locale, "position": record.position})
            self._translations("sections", created["id"], record.translations)
        elif isinstance(record, KbArticle):
            parent = ctx.target_id("kb_folder", record.folder_id)
            if parent is None:
                result.error = f"its section {record.folder_id} is not in the target"
                return result
            created = self._article(record, parent, ctx)
            self.files.attach(created, record, result)
            if record.created_at:
                result.warnings.append("Help Center articles cannot keep their creation time")
        else:
            raise ValueError(f"not a Help Center record: {kind}")
        result.target_id = str(created["id"])
        return result

    def _article(self, record: KbArticle, section: str, ctx: WriteContext) -> dict[str, Any]:
        author = ctx.user(record.author_id, agent=True) if record.author_id else None
        payload = {"title": record.title, "body": record.body, "locale": record.locale,
                   "draft": record.draft, "position": record.position,
                   "permission_group_id": self.permission_group(), "user_segment_id": None}
        if author:
            payload["author_id"] = int(author)
        body = {"article": payload, "notify_subscribers": False}
        article = self.api.http.request("POST", f"{HC}/sections/{section}/articles.json",
                                        json=body).json()["article"]
        self._translations("articles", article["id"], record.translations)
        return article

    def _translations(self, collection: str, item_id: Any, translations: list[Translation]
                      ) -> None:
        """One POST per language version (for categories and sections ``body`` is the
        description)."""
        for translation in translations:
            payload: dict[str, Any] = {"locale": translation.locale, "title": translation.title,
                                       "body": translation.body}
            if collection == "articles":
                payload["draft"] = translation.draft
            self._post(f"{HC}/{collection}/{item_id}/translations.json", "translation",
                       payload)

    def _post(self, path: str, root: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.api.http.request("POST", path, json={root: payload}).json()[root]

    def permission_group(self) -> int:
        with self._lock:
            if self._permission_group is None:
                groups = list(self.api.cursor_list("api/v2/guide/permission_groups.json",
                                                   "permission_groups"))
                if not groups:
                    raise ValueError("the Help Center has no permission group for articles")
                self._permission_group = int(groups[0]["id"])
            return self._permission_group

    def find(self, kind: str, record: Record, ctx: WriteContext) -> str | None:
        """The Help Center has no external ids: match by name/title under the same parent."""
        if isinstance(record, KbCategory):
            items, key, value = self.api.cursor_list(f"{HC}/categories.json",
                                                     "categories"), "name", record.name
        elif isinstance(record, KbFolder):
            parent = ctx.target_id("kb_category", record.category_id)
            if parent is None:
                return None
            items, key, value = self.api.cursor_list(
                f"{HC}/categories/{parent}/sections.json", "sections"), "name", record.name
        elif isinstance(record, KbArticle):
            parent = ctx.target_id("kb_folder", record.folder_id)
            if parent is None:
                return None
            items, key, value = self.api.cursor_list(
                f"{HC}/sections/{parent}/articles.json", "articles"), "title", record.title
        else:
            return None
        return next((str(i["id"]) for i in items if i.get(key) == value), None)

    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        return delete_each(target_ids, lambda i: self.api.http.request(
            "DELETE", f"{HC}/{COLLECTION[kind]}/{i}.json", ok_404=True))

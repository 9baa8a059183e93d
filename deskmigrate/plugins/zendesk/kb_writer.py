"""Write the Help Center: categories → sections → articles, each with its translations,
articles with their attachments; find what an interrupted run created, and delete for
rollback. Help Center items carry no stamp: one of the same name already in its parent is
reused (matched, never deleted); otherwise the create is announced (``ctx.creating``), so
what a crash leaves is found by name as the run's and rollback removes it. Each parent's
items are listed once (none for a parent this run created) and kept up to date with what
the run creates."""

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
PARENT = {"sections": "categories", "articles": "sections"}  # the collection a list is in
KEY = {"categories": "name", "sections": "name", "articles": "title"}
Parent = tuple[str, str | None]  # (collection, parent id): the items of one list


class KbWriter:
    """Help Center writes; articles need a permission group (the first one is used)."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api
        self.files = ArticleFiles(api)
        self._permission_group: int | None = None
        self._lock = threading.Lock()
        self._names: dict[Parent, dict[str, str]] = {}  # each parent's items by name or title

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
            collection, created = "categories", self._post(f"{HC}/categories.json", "category", {
                "name": record.name, "description": record.description,
                "locale": record.locale, "position": record.position})
        elif isinstance(record, KbFolder):
            parent = ctx.target_id("kb_category", record.category_id)
            if parent is None:
                result.error = f"its category {record.category_id} is not in the target"
                return result
            collection, created = "sections", self._post(
                f"{HC}/categories/{parent}/sections.json", "section", {
                    "name": record.name, "description": record.description,
                    "locale": record.locale, "position": record.position})
        elif isinstance(record, KbArticle):
            parent = ctx.target_id("kb_folder", record.folder_id)
            if parent is None:
                result.error = f"its section {record.folder_id} is not in the target"
                return result
            collection, created = "articles", self._article(record, parent, ctx)
        else:
            raise ValueError(f"not a Help Center record: {kind}")
        result.target_id = str(created["id"])
        self._remember(record, ctx, result.target_id)  # before what may fail after it
        self._translations(collection, created["id"], record.translations)
        if isinstance(record, KbArticle):
            self.files.attach(created, record, result)
            if record.created_at:
                result.warnings.append("Help Center articles cannot keep their creation time")
        return result

    def _article(self, record: KbArticle, section: str, ctx: WriteContext) -> dict[str, Any]:
        author = ctx.user(record.author_id, agent=True) if record.author_id else None
        payload = {"title": record.title, "body": record.body, "locale": record.locale,
                   "draft": record.draft, "position": record.position,
                   "permission_group_id": self.permission_group(), "user_segment_id": None}
        if author:
            payload["author_id"] = int(author)
        body = {"article": payload, "notify_subscribers": False}
        return self.api.http.request("POST", f"{HC}/sections/{section}/articles.json",
                                     json=body).json()["article"]

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
        place = _place(record, ctx)
        if place is None:
            return None
        (collection, parent), name = place
        with self._lock:
            if ctx.was_absent(kind, record.source_id):  # a create whose answer was lost
                self._names.pop((collection, parent), None)  # may be there: list again
            names = self._names.get((collection, parent))
            if names is None:
                path = f"{HC}/{collection}.json" if parent is None else \
                    f"{HC}/{PARENT[collection]}/{parent}/{collection}.json"
                names = {}
                for item in self.api.cursor_list(path, collection):
                    names.setdefault(item.get(KEY[collection]) or "", str(item["id"]))
                self._names[(collection, parent)] = names
            return names.get(name)

    def _remember(self, record: Record, ctx: WriteContext, created: str) -> None:
        """An item the run created: in its parent's list, and its own list is empty."""
        place = _place(record, ctx)
        assert place is not None  # a created item has its parent
        (collection, parent), name = place
        with self._lock:
            names = self._names.get((collection, parent))
            if names is not None:
                names.setdefault(name, created)
            if collection in PARENT.values():
                child = next(c for c, p in PARENT.items() if p == collection)
                self._names[(child, created)] = {}

    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        with self._lock:
            self._names.clear()  # read again after a rollback
        return delete_each(target_ids, lambda i: self.api.http.request(
            "DELETE", f"{HC}/{COLLECTION[kind]}/{i}.json", ok_404=True))


def _place(record: Record, ctx: WriteContext) -> tuple[Parent, str] | None:
    """The list a Help Center record belongs in and its name there (None: its parent is
    not in the target)."""
    if isinstance(record, KbCategory):
        return ("categories", None), record.name
    if isinstance(record, KbFolder):
        parent = ctx.target_id("kb_category", record.category_id)
        return (("sections", parent), record.name) if parent else None
    if isinstance(record, KbArticle):
        parent = ctx.target_id("kb_folder", record.folder_id)
        return (("articles", parent), record.title) if parent else None
    return None

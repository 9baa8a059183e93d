"""Help center: collections (nested through ``parent_id``) and articles, each with
``translated_content`` per locale; page-numbered lists as Intercom's help center has."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .base import IntercomBase, fail, json_body, not_found, per_page

LOCALES = ("ar", "bg", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he",
           "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "mn", "nb", "nl", "pl", "pt", "ro",
           "ru", "sl", "sr", "sv", "tr", "vi", "pt-BR", "zh-CN", "zh-TW")
STATES = ("published", "draft")
HELP_CENTER = 1


def _paged(request: Request, rows: list[dict]) -> tuple[list[dict], dict]:
    size = per_page(request.args.get("per_page"), 20)
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        raise fail(400, "parameter_invalid", "page must be an integer") from None
    pages = {"type": "pages", "page": page, "per_page": size,
             "total_pages": -(-len(rows) // size)}
    return rows[(page - 1) * size:page * size], pages


class KbRoutes(IntercomBase):
    def kb_rules(self) -> Iterable[Rule]:
        return [
            Rule("/articles", methods=["GET"], endpoint="list_articles"),
            Rule("/articles", methods=["POST"], endpoint="create_article"),
            Rule("/articles/<article_id>", methods=["GET"], endpoint="get_article"),
            Rule("/articles/<article_id>", methods=["DELETE"], endpoint="delete_article"),
            Rule("/help_center/collections", methods=["GET"], endpoint="list_collections"),
            Rule("/help_center/collections", methods=["POST"], endpoint="create_collection"),
            Rule("/help_center/collections/<collection_id>", methods=["GET"],
                 endpoint="get_collection"),
            Rule("/help_center/collections/<collection_id>", methods=["DELETE"],
                 endpoint="delete_collection"),
        ]

    # -- collections ----------------------------------------------------------------------
    def render_collection(self, doc: dict) -> dict:
        content: dict[str, Any] = {"type": "group_translated_content"}
        for locale, item in doc["translated_content"].items():
            content[locale] = {"type": "group_content", "name": item["name"],
                               "description": item.get("description") or ""}
        return {"id": str(doc["id"]), "workspace_id": "sandbox0app", "name": doc["name"],
                "description": doc.get("description"), "created_at": doc["created_at"],
                "updated_at": doc["updated_at"], "url": None, "icon": "book-bookmark",
                "order": doc.get("order", 1), "default_locale": doc["default_locale"],
                "translated_content": content,
                "parent_id": None if doc.get("parent_id") is None else str(doc["parent_id"]),
                "help_center_id": HELP_CENTER if doc.get("parent_id") is None else None}

    def list_collections(self, request: Request, user: dict, **_: Any) -> dict:
        rows = self.store.query("collections")
        chunk, pages = _paged(request, rows)
        return {"type": "list", "data": [self.render_collection(c) for c in chunk],
                "total_count": len(rows), "pages": pages}

    def get_collection(self, request: Request, user: dict, collection_id: str) -> dict:
        doc = self.store.get("collections", collection_id)
        if doc is None:
            raise not_found("Collection not found")
        return self.render_collection(doc)

    def create_collection(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            raise fail(400, "parameter_not_found", "Name is a required parameter.")
        parent = data.get("parent_id")
        if parent is not None and self.store.get("collections", parent) is None:
            raise fail(404, "parent_not_found", "Parent collection not found")
        content = {"en": {"name": data["name"], "description": data.get("description") or ""}}
        for locale, item in _translations(data.get("translated_content")).items():
            content[locale] = {"name": item.get("name") or "",
                               "description": item.get("description") or ""}
        now = int(time.time())
        doc = self.store.insert("collections", {
            "name": data["name"], "description": data.get("description"),
            "parent_id": None if parent is None else int(parent), "default_locale": "en",
            "order": self.store.count("collections") + 1, "translated_content": content,
            "created_at": now, "updated_at": now})
        return self.render_collection(doc)

    def delete_collection(self, request: Request, user: dict, collection_id: str) -> dict:
        doc = self.store.get("collections", collection_id)
        if doc is None:
            raise not_found("Collection not found")
        self.store.delete("collections", doc["id"])
        return {"id": str(doc["id"]), "object": "collection", "deleted": True}

    # -- articles -------------------------------------------------------------------------
    def render_article(self, doc: dict) -> dict:
        content: dict[str, Any] = {"type": "article_translated_content"}
        for locale, item in doc["translated_content"].items():
            content[locale] = {"type": "article_content", "title": item["title"],
                               "description": item.get("description") or "",
                               "body": item.get("body") or "", "author_id": item["author_id"],
                               "state": item.get("state", "draft"),
                               "created_at": item["created_at"],
                               "updated_at": item["updated_at"], "url": ""}
        parent = doc.get("parent_id")
        return {"type": "article", "id": str(doc["id"]), "workspace_id": "sandbox0app",
                "title": doc["title"], "description": doc.get("description") or "",
                "body": doc.get("body") or "", "author_id": doc["author_id"],
                "state": doc["state"], "created_at": doc["created_at"],
                "updated_at": doc["updated_at"], "url": None, "parent_id": parent,
                "parent_ids": [] if parent is None else [parent],
                "parent_type": None if parent is None else "collection",
                "default_locale": doc["default_locale"], "translated_content": content,
                "tags": {"type": "tag.list", "tags": []}}

    def list_articles(self, request: Request, user: dict, **_: Any) -> dict:
        rows = self.store.query("articles")
        chunk, pages = _paged(request, rows)
        return {"type": "list", "pages": pages, "total_count": len(rows),
                "data": [self.render_article(a) for a in chunk]}

    def get_article(self, request: Request, user: dict, article_id: str) -> dict:
        doc = self.store.get("articles", article_id)
        if doc is None:
            raise not_found()
        return {**self.render_article(doc), "statistics": {
            "type": "article_statistics", "views": 0, "conversations": 0, "reactions": 0,
            "happy_reaction_percentage": 0, "neutral_reaction_percentage": 0,
            "sad_reaction_percentage": 0}}

    def create_article(self, request: Request, user: dict, **_: Any) -> dict:
        """``title`` and ``author_id`` (an admin) in the body or the default locale's
        content; other locales in ``translated_content``. No created time can be set."""
        data = json_body(request)
        translations = _translations(data.get("translated_content"))
        main = {**translations.get("en", {}), **{k: v for k, v in data.items()
                                                 if k != "translated_content"}}
        if not main.get("title") or not main.get("author_id"):
            raise fail(400, "parameter_not_found", "author_id must be in the main body or "
                                                   "default locale translated_content object")
        now = int(time.time())
        content = {}
        for locale, item in {**translations, "en": main}.items():
            author = item.get("author_id") or main["author_id"]
            if self.store.get("admins", author) is None:
                raise fail(400, "parameter_invalid", f"author_id {author} is not an admin")
            if item.get("state", "draft") not in STATES:
                raise fail(400, "parameter_invalid", "state must be published or draft")
            content[locale] = {"title": item.get("title") or "",
                               "description": item.get("description") or "",
                               "body": item.get("body") or "", "author_id": int(author),
                               "state": item.get("state", "draft"), "created_at": now,
                               "updated_at": now}
        parent = main.get("parent_id")
        if parent is not None and self.store.get("collections", parent) is None:
            raise fail(404, "parent_not_found", "Parent collection not found")
        doc = self.store.insert("articles", {
            "title": main["title"], "description": main.get("description") or "",
            "body": main.get("body") or "", "author_id": int(main["author_id"]),
            "state": main.get("state", "draft"),
            "parent_id": None if parent is None else int(parent), "default_locale": "en",
            "translated_content": content, "created_at": now, "updated_at": now})
        return self.render_article(doc)

    def delete_article(self, request: Request, user: dict, article_id: str) -> dict:
        doc = self.store.get("articles", article_id)
        if doc is None:
            raise not_found()
        self.store.delete("articles", doc["id"])
        return {"id": str(doc["id"]), "object": "article", "deleted": True}


def _translations(value: Any) -> dict[str, dict]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(400, "parameter_invalid", "translated_content must be an object")
    out = {}
    for locale, item in value.items():
        if locale == "type" or item is None:
            continue
        if locale not in LOCALES or not isinstance(item, dict):
            raise fail(400, "parameter_invalid", f"'{locale}' is not a supported locale")
        out[locale] = item
    return out

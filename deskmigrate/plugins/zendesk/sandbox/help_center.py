"""Sandbox handlers for the Help Center (Guide): categories → sections → articles with
translations, and the permission groups an article must name."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .paging import list_page
from .support import Ids, base_url, body, invalid, iso, not_found, now, public, routes

PARENT = {"sections": ("category_id", "categories"), "articles": ("section_id", "sections")}
ROOT = {"categories": "category", "sections": "section", "articles": "article",
        "translations": "translation"}
SOURCE_OF = ("json_extract(doc, '$.source_id') = ? AND "
             "json_extract(doc, '$.source_type') = ?")
SOURCE_TYPE = {"articles": "Article", "categories": "Category", "sections": "Section"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def render_hc(collection: str, doc: dict[str, Any], base: str) -> dict[str, Any]:
    view = public(doc, base)
    view["url"] = f"{base}/api/v2/help_center/{doc['locale']}/{collection}/{doc['id']}.json"
    if collection != "translations":
        title = doc.get("title") or doc.get("name") or ""
        view["html_url"] = f"{base}/hc/{doc['locale']}/{collection}/{doc['id']}-{_slug(title)}"
    return view


def new_hc_doc(collection: str, data: dict[str, Any], parent_id: int | None) -> dict[str, Any]:
    """A category, section or article document from a create payload (validated)."""
    title_key = "title" if collection == "articles" else "name"
    title = (data.get(title_key) or "").strip()
    if not title:
        raise invalid("Record validation errors", {title_key: "cannot be blank"})
    locale = (data.get("locale") or "en-us").lower()
    stamp = now()
    doc: dict[str, Any] = {
        title_key: title, "locale": locale, "source_locale": locale,
        "position": int(data.get("position") or 0), "outdated": False,
        "created_at": iso(stamp), "updated_at": iso(stamp), "_ts": stamp,
    }
    if collection == "articles":
        if data.get("permission_group_id") is None:
            raise invalid("Record validation errors", {"permission_group_id": "is required"})
        doc.update(name=title, body=data.get("body") or "", author_id=data.get("author_id"),
                   draft=bool(data.get("draft")), promoted=bool(data.get("promoted")),
                   comments_disabled=bool(data.get("comments_disabled")), section_id=parent_id,
                   permission_group_id=data["permission_group_id"],
                   user_segment_id=data.get("user_segment_id"),
                   label_names=list(data.get("label_names") or []), edited_at=iso(stamp),
                   vote_sum=0, vote_count=0, outdated_locales=[], content_tag_ids=[])
    else:
        doc["description"] = data.get("description") or ""
    if collection == "sections":
        doc.update(category_id=parent_id, sorting="manual", parent_section_id=None,
                   theme_template="section_page")
    return doc


def new_translation(collection: str, parent: dict[str, Any], data: dict[str, Any],
                    author: int | None) -> dict[str, Any]:
    """A translation of an article, section or category (for the last two ``body`` is the
    description)."""
    locale = (data.get("locale") or "").lower()
    if not locale or not (data.get("title") or "").strip():
        raise invalid("Record validation errors", {"translation": "needs a locale and a title"})
    stamp = now()
    return {"source_id": parent["id"], "source_type": SOURCE_TYPE[collection],
            "locale": locale, "title": data["title"].strip(), "body": data.get("body") or "",
            "draft": bool(data.get("draft")), "hidden": False, "outdated": False,
            "created_by_id": author, "updated_by_id": author, "created_at": iso(stamp),
            "updated_at": iso(stamp), "_ts": stamp}


class HelpCenterHandlers:
    """``/help_center/...`` and ``/guide/permission_groups``."""

    store: SandboxStore
    ids: Ids
    delete_article_attachments: Callable[[int], None]  # ArticleAttachmentHandlers

    def help_center_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/help_center/categories", "list_hc", ("GET",)),
            *r("/help_center/sections", "list_hc", ("GET",)),
            *r("/help_center/articles", "list_hc", ("GET",)),
            *r("/help_center/categories/<int:parent_id>/sections", "list_hc_children"),
            *r("/help_center/sections/<int:parent_id>/articles", "list_hc_children"),
            *r("/help_center/categories", "create_category", ("POST",)),
            *r("/help_center/categories/<int:parent_id>/sections", "create_hc_child",
               ("POST",)),
            *r("/help_center/sections/<int:parent_id>/articles", "create_hc_child",
               ("POST",)),
            *r("/help_center/categories/<int:doc_id>", "show_hc"),
            *r("/help_center/sections/<int:doc_id>", "show_hc"),
            *r("/help_center/articles/<int:doc_id>", "show_hc"),
            *r("/help_center/categories/<int:doc_id>", "delete_hc", ("DELETE",)),
            *r("/help_center/sections/<int:doc_id>", "delete_hc", ("DELETE",)),
            *r("/help_center/articles/<int:doc_id>", "delete_hc", ("DELETE",)),
            *(rule for collection in ("articles", "sections", "categories") for rule in (
                *r(f"/help_center/{collection}/<int:doc_id>/translations", "list_translations"),
                *r(f"/help_center/{collection}/<int:doc_id>/translations",
                   "create_translation", ("POST",)))),
            *r("/guide/permission_groups", "list_permission_groups"),
        ]

    @staticmethod
    def _collection(request: Request, position: int) -> str:
        return request.path.split("/")[position].removesuffix(".json")

    def list_hc(self, request: Request, user: dict) -> dict[str, Any]:
        collection = self._collection(request, 4)
        base = base_url(request)
        return list_page(request, self.store, collection, collection,
                         lambda d: render_hc(collection, d, base), default_size=30)

    def list_hc_children(self, request: Request, user: dict, parent_id: int) -> dict[str, Any]:
        collection = self._collection(request, 6)
        key, parent = PARENT[collection]
        self._hc(parent, parent_id)
        base = base_url(request)
        return list_page(request, self.store, collection, collection,
                         lambda d: render_hc(collection, d, base),
                         f"json_extract(doc, '$.{key}') = ?", [parent_id], default_size=30)

    def show_hc(self, request: Request, user: dict, doc_id: int) -> dict[str, Any]:
        collection = self._collection(request, 4)
        doc = self._hc(collection, doc_id)
        return {ROOT[collection]: render_hc(collection, doc, base_url(request))}

    def create_category(self, request: Request, user: dict) -> Response:
        data = body(request, "category")
        doc = self.store.insert("categories", new_hc_doc("categories", data, None),
                                id=self.ids.next("categories"))
        self._source_translation("categories", doc, user["id"])
        return json_response({"category": render_hc("categories", doc, base_url(request))}, 201)

    def create_hc_child(self, request: Request, user: dict, parent_id: int) -> Response:
        collection = self._collection(request, 6)
        self._hc(PARENT[collection][1], parent_id)
        data = body(request, ROOT[collection])
        if collection == "articles":
            data = {"author_id": user["id"], **data}
            group = data.get("permission_group_id")
            if group is not None and self.store.get("permission_groups", group) is None:
                raise invalid("Record validation errors", {"permission_group": "not found"})
        doc = self.store.insert(collection, new_hc_doc(collection, data, parent_id),
                                id=self.ids.next(collection))
        self._source_translation(collection, doc, doc.get("author_id") or user["id"])
        return json_response({ROOT[collection]: render_hc(collection, doc, base_url(request))},
                             201)

    def _source_translation(self, collection: str, doc: dict[str, Any], author: int) -> None:
        """Every Help Center item has a translation in its source locale."""
        fields = {"locale": doc["locale"], "title": doc.get("title") or doc["name"],
                  "body": doc.get("body") if collection == "articles" else doc["description"],
                  "draft": doc.get("draft", False)}
        self.store.insert("translations", new_translation(collection, doc, fields, author),
                          id=self.ids.next("translations"))

    def delete_hc(self, request: Request, user: dict, doc_id: int) -> Response:
        collection = self._collection(request, 4)
        self._hc(collection, doc_id)
        self._cascade(collection, doc_id)
        return Response(status=204)

    def _cascade(self, collection: str, doc_id: int) -> None:
        with self.store.transaction():  # one transaction for the whole tree
            self._delete_tree(collection, doc_id)

    def _delete_tree(self, collection: str, doc_id: int) -> None:
        self.store.delete(collection, doc_id)
        for t in self.store.query("translations", SOURCE_OF, [doc_id, SOURCE_TYPE[collection]]):
            self.store.delete("translations", t["id"])
        if collection == "articles":
            self.delete_article_attachments(doc_id)
            return
        child = "sections" if collection == "categories" else "articles"
        key = PARENT[child][0]
        for doc in self.store.query(child, f"json_extract(doc, '$.{key}') = ?", [doc_id]):
            self._delete_tree(child, doc["id"])

    def list_translations(self, request: Request, user: dict, doc_id: int) -> dict[str, Any]:
        collection = self._collection(request, 4)
        self._hc(collection, doc_id)
        base = base_url(request)
        return list_page(request, self.store, "translations", "translations",
                         lambda d: render_hc("translations", d, base), SOURCE_OF,
                         [doc_id, SOURCE_TYPE[collection]], default_size=30)

    def create_translation(self, request: Request, user: dict, doc_id: int) -> Response:
        collection = self._collection(request, 4)
        parent = self._hc(collection, doc_id)
        doc = new_translation(collection, parent, body(request, "translation"), user["id"])
        if self.store.count("translations", SOURCE_OF + " AND json_extract(doc, "
                            "'$.locale') = ?", [doc_id, doc["source_type"], doc["locale"]]):
            raise invalid("Record validation errors", {"locale": "has already been taken"})
        doc = self.store.insert("translations", doc, id=self.ids.next("translations"))
        return json_response(
            {"translation": render_hc("translations", doc, base_url(request))}, 201)

    def list_permission_groups(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        return list_page(request, self.store, "permission_groups", "permission_groups",
                         lambda d: public(d, base))

    def _hc(self, collection: str, doc_id: int) -> dict[str, Any]:
        doc = self.store.get(collection, doc_id)
        if doc is None:
            raise not_found()
        return doc

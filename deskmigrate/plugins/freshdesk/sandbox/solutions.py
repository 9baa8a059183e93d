"""Solutions (knowledge base) endpoints of the Freshdesk sandbox: categories -> folders
-> articles, each with translations addressed by appending ``/{language}``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response

from .account import KB_ID_BASE, now
from .base import FreshdeskBase, text_of
from .people import duplicate
from .plumbing import Validation, body, invalid, not_found, only_fields, page_args, paged


@dataclass(frozen=True)
class KbKind:
    """How one level of the knowledge base is stored and validated."""

    collection: str
    parent_key: str | None  # the parent's id field on the document
    fields: frozenset[str]
    required: tuple[str, ...]
    translated: frozenset[str]  # what a translation carries


CATEGORY = KbKind("solution_categories", None,
                  frozenset({"name", "description", "visible_in_portals"}), ("name",),
                  frozenset({"name", "description"}))
FOLDER = KbKind("solution_folders", "category_id",
                frozenset({"name", "description", "visibility", "company_ids"}),
                ("name", "visibility"), frozenset({"name", "description"}))
ARTICLE = KbKind("solution_articles", "folder_id",
                 frozenset({"title", "description", "status", "type", "tags", "seo_data",
                            "agent_id"}), ("title", "description", "status"),
                 frozenset({"title", "description", "status", "seo_data", "tags", "agent_id"}))
KINDS = {"categories": CATEGORY, "folders": FOLDER, "articles": ARTICLE}
CHILDREN = {"categories": ("folders", "category_id"), "folders": ("articles", "folder_id")}


class SolutionRoutes(FreshdeskBase):
    """Solution categories, folders and articles with their translations."""

    def solution_rules(self) -> Iterable[Rule]:
        base = "/api/v2/solutions"
        rules = [
            Rule(f"{base}/categories", methods=["GET"], endpoint="list_kb_roots"),
            Rule(f"{base}/categories/<lang>", methods=["GET"], endpoint="list_kb_roots"),
            Rule(f"{base}/categories", methods=["POST"], endpoint="create_kb_root"),
        ]
        for plural in KINDS:
            item = f"{base}/{plural}/<int:item_id>"
            rules += [
                Rule(item, methods=["GET"], endpoint="show_kb", defaults={"plural": plural}),
                Rule(item, methods=["PUT"], endpoint="update_kb", defaults={"plural": plural}),
                Rule(item, methods=["DELETE"], endpoint="delete_kb",
                     defaults={"plural": plural}),
                Rule(f"{item}/<lang>", methods=["GET"], endpoint="show_kb",
                     defaults={"plural": plural}),
                Rule(f"{item}/<lang>", methods=["POST"], endpoint="create_translation",
                     defaults={"plural": plural}),
                Rule(f"{item}/<lang>", methods=["PUT"], endpoint="update_kb",
                     defaults={"plural": plural}),
            ]
        for parent, (child, _key) in CHILDREN.items():
            items = f"{base}/{parent}/<int:item_id>/{child}"
            rules += [
                Rule(items, methods=["GET"], endpoint="list_kb_children",
                     defaults={"child": child}),
                Rule(f"{items}/<lang>", methods=["GET"], endpoint="list_kb_children",
                     defaults={"child": child}),
                Rule(items, methods=["POST"], endpoint="create_kb_child",
                     defaults={"child": child}),
            ]
        return rules

    # -- languages ----------------------------------------------------------------------
    def _languages(self) -> tuple[str, list[str]]:
        settings = json.loads(self.store.meta("settings") or "{}")
        return settings.get("primary_language", "en"), settings.get("supported_languages", [])

    def _language(self, lang: str | None) -> str | None:
        """None for the primary language, else a supported translation language."""
        primary, supported = self._languages()
        if lang is None or lang == primary:
            return None
        if lang not in supported:
            raise invalid("language", f"It should be one of these values: "
                          f"'{','.join(supported)}'")
        return lang

    def render_kb(self, kind: KbKind, doc: dict, lang: str | None) -> dict:
        out = {k: v for k, v in doc.items() if k != "translations"}
        if lang is not None:
            out.update(doc["translations"][lang])
        return out

    # -- reading --------------------------------------------------------------------------
    def list_kb_roots(self, request: Request, user: dict, lang: str | None = None
                      ) -> list[dict]:
        lang = self._language(lang)
        rows = self.store.query(CATEGORY.collection)
        return [self.render_kb(CATEGORY, r, lang) for r in rows
                if lang is None or lang in r["translations"]]

    def list_kb_children(self, request: Request, user: dict, item_id: int, child: str,
                         lang: str | None = None) -> Any:
        lang = self._language(lang)
        parent = "categories" if child == "folders" else "folders"
        self._kb_doc(parent, item_id)
        kind = KINDS[child]
        where = f"json_extract(doc, '$.{kind.parent_key}') = ?"
        if lang is not None:
            where += f" AND json_type(doc, '$.translations.{lang}') IS NOT NULL"
        if child == "folders":
            return [self.render_kb(kind, r, lang)
                    for r in self.store.query(kind.collection, where, [item_id])]
        page, per_page = page_args(request, self.max_per_page)

        def fetch(limit: int, offset: int) -> list[dict]:
            return self.store.query(kind.collection, where, [item_id], order="id",
                                    limit=limit, offset=offset)

        return paged(request, page, per_page, fetch, lambda r: self.render_kb(kind, r, lang))

    def show_kb(self, request: Request, user: dict, item_id: int, plural: str,
                lang: str | None = None) -> dict:
        lang = self._language(lang)
        doc = self._kb_doc(plural, item_id)
        if lang is not None and lang not in doc["translations"]:
            raise not_found()
        return self.render_kb(KINDS[plural], doc, lang)

    def _kb_doc(self, plural: str, item_id: int) -> dict:
        doc = self.store.get(KINDS[plural].collection, item_id)
        if doc is None:
            raise not_found()
        return doc

    # -- writing --------------------------------------------------------------------------
    def create_kb_root(self, request: Request, user: dict, **_: Any) -> Response:
        return self._create_kb("categories", None, request, user)

    def create_kb_child(self, request: Request, user: dict, item_id: int, child: str
                        ) -> Response:
        parent = self._kb_doc("categories" if child == "folders" else "folders", item_id)
        return self._create_kb(child, parent, request, user)

    def _create_kb(self, plural: str, parent: dict | None, request: Request, user: dict
                   ) -> Response:
        kind = KINDS[plural]
        fields, _files = body(request, ("status", "visibility", "type", "agent_id"))
        self._validate_kb(kind, fields, kind.fields, kind.required)
        stamp = now()
        doc: dict[str, Any] = {"description": None, **fields, "translations": {},
                               "created_at": stamp, "updated_at": stamp}
        if kind is FOLDER and parent is not None:
            doc["category_id"] = parent["id"]
        if kind is ARTICLE and parent is not None:
            doc.update(folder_id=parent["id"], category_id=parent["category_id"],
                       type=fields.get("type", 1), tags=fields.get("tags", []),
                       agent_id=fields.get("agent_id", user["id"]), hits=0, thumbs_up=0,
                       thumbs_down=0, feedback_count=0, seo_data=fields.get("seo_data", {}),
                       description_text=text_of(fields["description"]))
        doc = self.store.insert(kind.collection, doc,
                                id=self.store.next_id(kind.collection,
                                                      KB_ID_BASE[kind.collection] + 1))
        return json_response(self.render_kb(kind, doc, None), 201)

    def create_translation(self, request: Request, user: dict, item_id: int, plural: str,
                           lang: str) -> Response:
        kind = KINDS[plural]
        doc = self._kb_doc(plural, item_id)
        language = self._language(lang)
        if language is None or language in doc["translations"]:
            raise duplicate("language")
        fields, _files = body(request, ("status", "agent_id"))
        required = tuple(k for k in kind.required if k in kind.translated)
        self._validate_kb(kind, fields, kind.translated, required)
        stamp = now()
        doc["translations"][language] = {**fields, "created_at": stamp, "updated_at": stamp}
        if kind is ARTICLE:
            doc["translations"][language]["description_text"] = text_of(fields["description"])
        self.store.put(kind.collection, doc)
        return json_response(self.render_kb(kind, doc, language), 201)

    def update_kb(self, request: Request, user: dict, item_id: int, plural: str,
                  lang: str | None = None) -> dict:
        kind = KINDS[plural]
        doc = self._kb_doc(plural, item_id)
        language = self._language(lang)
        fields, _files = body(request, ("status", "visibility", "type", "agent_id"))
        allowed = kind.fields if language is None else kind.translated
        self._validate_kb(kind, fields, allowed, ())
        target = doc if language is None else doc["translations"].get(language)
        if target is None:
            raise not_found()
        target.update(fields, updated_at=now())
        if kind is ARTICLE and "description" in fields:
            target["description_text"] = text_of(fields["description"])
        self.store.put(kind.collection, doc)
        return self.render_kb(kind, doc, language)

    def delete_kb(self, request: Request, user: dict, item_id: int, plural: str) -> Response:
        self._kb_doc(plural, item_id)
        with self.store.transaction():
            self._delete_tree(plural, item_id)
        return Response(status=204)

    def _delete_tree(self, plural: str, item_id: int) -> None:
        if plural in CHILDREN:
            child, key = CHILDREN[plural]
            for row in self.store.query(KINDS[child].collection,
                                        f"json_extract(doc, '$.{key}') = ?", [item_id]):
                self._delete_tree(child, row["id"])
        self.store.delete(KINDS[plural].collection, item_id)

    def _validate_kb(self, kind: KbKind, fields: dict, allowed: frozenset[str],
                     required: tuple[str, ...]) -> None:
        check = Validation()
        only_fields(fields, set(allowed), check)
        for key in required:
            if fields.get(key) in (None, ""):
                check.add(key, "It should be a/an String" if key not in (
                    "status", "visibility") else "It should be a/an Positive Integer",
                    "missing_field")
        if "status" in fields and fields["status"] not in (1, 2):
            check.add("status", "It should be one of these values: '1,2'")
        if "visibility" in fields and fields["visibility"] not in (1, 2, 3, 4):
            check.add("visibility", "It should be one of these values: '1,2,3,4'")
        check.raise_if_any()

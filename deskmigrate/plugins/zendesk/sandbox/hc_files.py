"""Help Center article attachments in the sandbox: list, multipart upload (``file`` and
``inline`` fields), show, delete, and the public ``/hc/article_attachments/{id}/{name}``
content URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .files import multipart_file, store_blob
from .paging import list_page
from .support import (
    HOST,
    Ids,
    base_url,
    iso,
    not_found,
    now,
    public,
    routes,
)

ATTACHMENTS = "article_attachments"
CONTENT_PREFIX = "/hc/article_attachments/"
OF_ARTICLE = "json_extract(doc, '$.article_id') = ?"


def new_article_attachment(article: dict[str, Any], name: str, content_type: str,
                           data_key: str, size: int, inline: bool, stamp: float
                           ) -> dict[str, Any]:
    return {"article_id": article["id"], "file_name": name, "display_file_name": name,
            "locale": article["locale"], "content_type": content_type, "size": size,
            "inline": inline, "created_at": iso(stamp), "updated_at": iso(stamp),
            "_blob": data_key}


def article_attachment_view(doc: dict[str, Any], base: str = HOST) -> dict[str, Any]:
    path = f"{CONTENT_PREFIX}{doc['id']}/{quote(doc['file_name'])}"
    return {**public(doc, base), "url": f"{base}/api/v2/help_center/articles/attachments/"
            f"{doc['id']}.json", "content_url": f"{base}{path}", "relative_path": path}


class ArticleAttachmentHandlers:
    """``/help_center/articles/{id}/attachments`` and ``/help_center/articles/attachments``."""

    store: SandboxStore
    ids: Ids

    def article_attachment_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/help_center/articles/<int:article_id>/attachments", "list_article_attachments"),
            *r("/help_center/articles/<int:article_id>/attachments", "create_article_attachment",
               ("POST",)),
            *r("/help_center/articles/attachments/<int:attachment_id>", "show_article_attachment"),
            *r("/help_center/articles/attachments/<int:attachment_id>",
               "delete_article_attachment", ("DELETE",)),
            Rule(f"{CONTENT_PREFIX}<int:attachment_id>/<path:name>",
                 endpoint="article_attachment_content", methods=["GET"]),
        ]

    def list_article_attachments(self, request: Request, user: dict, article_id: int
                                 ) -> dict[str, Any]:
        self._article(article_id)
        base = base_url(request)
        return list_page(request, self.store, ATTACHMENTS, ATTACHMENTS,
                         lambda d: article_attachment_view(d, base), OF_ARTICLE, [article_id],
                         default_size=30)

    def create_article_attachment(self, request: Request, user: dict, article_id: int
                                  ) -> Response:
        article = self._article(article_id)
        name, ctype, data = multipart_file(request)
        inline = request.form.get("inline", "false").lower() == "true"
        doc = self.store.insert(ATTACHMENTS, new_article_attachment(
            article, name, ctype, store_blob(self.store, data), len(data), inline,
            now()), id=self.ids.next("article_attachments"))
        return json_response({"article_attachment": article_attachment_view(
            doc, base_url(request))}, 201)

    def show_article_attachment(self, request: Request, user: dict, attachment_id: int
                                ) -> dict[str, Any]:
        doc = self.store.get(ATTACHMENTS, attachment_id)
        if doc is None:
            raise not_found()
        return {"article_attachment": article_attachment_view(doc, base_url(request))}

    def delete_article_attachment(self, request: Request, user: dict, attachment_id: int
                                  ) -> Response:
        if not self.store.delete(ATTACHMENTS, attachment_id):
            raise not_found()
        return Response(status=204)

    def delete_article_attachments(self, article_id: int) -> None:
        for doc in self.store.query(ATTACHMENTS, OF_ARTICLE, [article_id]):
            self.store.delete(ATTACHMENTS, doc["id"])

    def article_attachment_content(self, request: Request, user: dict | None,
                                   attachment_id: int, name: str) -> Response:
        doc = self.store.get(ATTACHMENTS, attachment_id)
        if doc is None or doc["file_name"] != name:
            return Response("Not Found", status=404, content_type="text/plain")
        return Response(self.store.blob(doc["_blob"]) or b"", content_type=doc["content_type"])

    def _article(self, article_id: int) -> dict[str, Any]:
        doc = self.store.get("articles", article_id)
        if doc is None:
            raise not_found()
        return doc

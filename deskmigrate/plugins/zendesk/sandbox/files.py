"""Attachments in the sandbox: ``POST /uploads`` (raw bytes → upload token), attachment
metadata, and the content URLs serving the real bytes (stored once per content in blobs)."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import secrets
from typing import Any
from urllib.parse import quote

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .support import (
    HOST,
    Ids,
    bad_request,
    base_url,
    invalid,
    not_found,
    public,
    routes,
)

TOKEN_SECRET_LEN = 22
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def content_token(secret: str, attachment_id: int) -> str:
    """The token in a content URL: a secret part followed by the attachment id."""
    return f"{secret}{attachment_id}"


def attachment_view(doc: dict[str, Any], base: str = HOST) -> dict[str, Any]:
    """The attachment object Zendesk returns (``base`` defaults to the host placeholder)."""
    token = content_token(doc["_secret"], doc["id"])
    content_url = f"{base}/attachments/token/{token}/?name={quote(doc['file_name'])}"
    return {
        "id": doc["id"], "file_name": doc["file_name"], "content_url": content_url,
        "mapped_content_url": content_url, "content_type": doc["content_type"],
        "size": doc["size"], "inline": doc.get("inline", False), "deleted": False,
        "malware_access_override": False, "malware_scan_result": "malware_not_found",
        "thumbnails": [], "url": f"{base}/api/v2/attachments/{doc['id']}.json",
    }


def multipart_file(request: Request) -> tuple[str, str, bytes]:
    """The ``file`` part of a multipart upload: its name, content type and bytes (422 when
    it is missing, 400 over 50 MB)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise invalid("Record validation errors", {"file": "is required"})
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise bad_request("AttachmentTooLarge", "Attachments can be at most 50 MB")
    ctype = upload.mimetype
    if not ctype or ctype == "application/octet-stream":
        ctype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
    return upload.filename, ctype, data


def store_blob(store: SandboxStore, data: bytes) -> str:
    """Keep ``data`` once in the blob table; returns its key."""
    key = hashlib.sha256(data).hexdigest()
    if store.blob(key) is None:
        store.put_blob(key, data)
    return key


class FileHandlers:
    """``/uploads``, ``/attachments/{id}`` and the public content URLs."""

    store: SandboxStore
    ids: Ids

    def file_rules(self) -> list[Rule]:
        return [*routes("/uploads", "upload", ("POST",)),
                *routes("/attachments/<int:attachment_id>", "show_attachment"),
                Rule("/attachments/token/<token>/", endpoint="download", methods=["GET"])]

    def upload(self, request: Request, user: dict) -> Response:
        name = (request.args.get("filename") or "").strip()
        if not name:
            raise bad_request("InvalidValue", "filename is required")
        data = request.get_data()
        if len(data) > MAX_UPLOAD_BYTES:
            raise bad_request("AttachmentTooLarge", "Attachments can be at most 50 MB")
        ctype = request.mimetype
        if not ctype or ctype in ("application/octet-stream", "application/binary"):
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        token = request.args.get("token") or secrets.token_urlsafe(18)
        held = json.loads(self.store.meta(f"zendesk:upload:{token}", "[]") or "[]")
        doc = self.store.insert("attachments", {
            "file_name": name, "content_type": ctype, "size": len(data), "inline": False,
            "_blob": store_blob(self.store, data),
            "_secret": secrets.token_hex(TOKEN_SECRET_LEN // 2)}, id=self.ids.next("attachments"))
        held.append(doc["id"])
        self.store.set_meta(f"zendesk:upload:{token}", json.dumps(held))
        base = base_url(request)
        views = [attachment_view(self.store.get("attachments", i) or {}, base) for i in held]
        return json_response({"upload": {"token": token, "attachment": views[-1],
                                         "attachments": views}}, 201)

    def uploaded(self, token: str) -> list[dict[str, Any]]:
        """The attachment documents an upload token holds; 422 for an unknown token."""
        raw = self.store.meta(f"zendesk:upload:{token}")
        if raw is None:
            raise invalid("Record validation errors", {"uploads": f"unknown token {token}"})
        return [d for d in (self.store.get("attachments", i) for i in json.loads(raw)) if d]

    def show_attachment(self, request: Request, user: dict, attachment_id: int
                        ) -> dict[str, Any]:
        doc = self.store.get("attachments", attachment_id)
        if doc is None:
            raise not_found()
        return {"attachment": public(attachment_view(doc), base_url(request))}

    def download(self, request: Request, user: dict | None, token: str) -> Response:
        try:
            doc = self.store.get("attachments", int(token[TOKEN_SECRET_LEN:]))
        except ValueError:
            doc = None
        if doc is None or content_token(doc["_secret"], doc["id"]) != token:
            return Response("Not Found", status=404, content_type="text/plain")
        data = self.store.blob(doc["_blob"]) or b""
        return Response(data, content_type=doc["content_type"], headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc['file_name'])}"})

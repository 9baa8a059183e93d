"""Attachment storage of the Freshdesk sandbox: bytes in blobs, signed S3-style
``attachment_url``s that expire, and ``/inline/attachment?token=...`` image URLs."""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import time
from datetime import UTC, datetime
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore

from .vendor import format_time

ATTACHMENT_PATH = "/data/helpdesk/attachments/production/"
INLINE_PATH = "/inline/attachment"
ATTACHMENT_ID_BASE = 43_020_000_000


class FileStore:
    """Attachments and inline images of one sandbox."""

    def __init__(self, store: SandboxStore, secret: bytes, ttl: int = 300) -> None:
        self.store = store
        self.secret = secret
        self.ttl = ttl  # seconds an attachment_url stays valid (settable for tests)

    def add(self, name: str, content_type: str, data: bytes, *, inline: bool = False,
            created_at: str | None = None) -> dict:
        """Store one file; returns its attachment document."""
        stamp = created_at or format_time(datetime.now(UTC))
        attachment_id = self.store.next_id("attachments", ATTACHMENT_ID_BASE + 1)
        doc = {"id": attachment_id, "name": name, "content_type": content_type, "size": len(data),
               "inline": inline, "created_at": stamp, "updated_at": stamp}
        self.store.insert("attachments", doc, id=attachment_id)
        self.store.put_blob(f"attachment:{attachment_id}", data)
        return doc

    def render(self, doc: dict, host_url: str) -> dict:
        """The API shape, with a freshly signed ``attachment_url``."""
        return {"id": doc["id"], "name": doc["name"], "content_type": doc["content_type"],
                "size": doc["size"], "created_at": doc["created_at"],
                "updated_at": doc["updated_at"],
                "attachment_url": self.signed_url(doc, host_url)}

    def render_ids(self, ids: list[int], host_url: str) -> list[dict]:
        docs = (self.store.get("attachments", i) for i in ids)
        return [self.render(d, host_url) for d in docs if d]

    # -- signed attachment URLs ---------------------------------------------------------
    def signed_url(self, doc: dict, host_url: str) -> str:
        issued = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        signature = self._sign(f"{doc['id']}|{issued}|{self.ttl}")
        return (f"{host_url.rstrip('/')}{ATTACHMENT_PATH}{doc['id']}/original/"
                f"{quote(doc['name'])}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={issued}"
                f"&X-Amz-Expires={self.ttl}&X-Amz-Signature={signature}")

    def serve_signed(self, request: Request) -> Response:
        """GET of an ``attachment_url``: the bytes, or S3's 403 once it has expired."""
        parts = request.path[len(ATTACHMENT_PATH):].split("/")
        issued = request.args.get("X-Amz-Date", "")
        expires = request.args.get("X-Amz-Expires", "")
        signature = request.args.get("X-Amz-Signature", "")
        if not parts[0].isdigit() or not expires.isdigit() or not hmac.compare_digest(
                signature, self._sign(f"{parts[0]}|{issued}|{expires}")):
            return _s3_error("SignatureDoesNotMatch",
                             "The request signature we calculated does not match the "
                             "signature you provided.")
        try:
            started = calendar.timegm(time.strptime(issued, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            return _s3_error("AuthorizationQueryParametersError", "Invalid X-Amz-Date.")
        if time.time() > started + int(expires):
            return _s3_error("AccessDenied", "Request has expired")
        return self._bytes(int(parts[0]))

    # -- inline images ------------------------------------------------------------------
    def inline_url(self, doc: dict, host_url: str) -> str:
        payload = base64.urlsafe_b64encode(str(doc["id"]).encode()).decode().rstrip("=")
        return f"{host_url.rstrip('/')}{INLINE_PATH}?token={payload}.{self._sign(payload)}"

    def serve_inline(self, request: Request) -> Response:
        payload, _, signature = request.args.get("token", "").partition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return Response("Invalid token", status=403, content_type="text/plain")
        padded = payload + "=" * (-len(payload) % 4)
        try:
            file_id = int(base64.urlsafe_b64decode(padded))
        except ValueError:
            return Response("Invalid token", status=403, content_type="text/plain")
        return self._bytes(file_id)

    def _bytes(self, file_id: int) -> Response:
        doc = self.store.get("attachments", file_id)
        data = self.store.blob(f"attachment:{file_id}")
        if doc is None or data is None:
            return _s3_error("NoSuchKey", "The specified key does not exist.", 404)
        return Response(data, content_type=doc["content_type"], headers={
            "Content-Disposition": f"attachment; filename=\"{quote(doc['name'])}\""})

    def _sign(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


def _s3_error(code: str, message: str, status: int = 403) -> Response:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
           f"<Message>{message}</Message></Error>")
    return Response(xml, status=status, content_type="application/xml")

"""Side-conversation attachments in the sandbox, as Zendesk's Side Conversation Attachment
reference documents them: ``POST /tickets/side_conversations/attachments`` (multipart
``file``) answers the attachment object ``{id: "s3-…", name, content_type, size, width,
height}``; a message names them in ``attachment_ids``; the message then lists them with a
``content_url`` under its side conversation (``…/attachments/{id}/download/{name}``, agents
only), as the create and import responses show."""

from __future__ import annotations

import struct
import uuid
from typing import Any
from urllib.parse import quote

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .files import multipart_file, store_blob
from .support import HOST, invalid, not_found

SIDE_FILES = "side_conversation_attachments"
BY_UUID = "json_extract(doc, '$.uuid') = ?"
PNG = b"\x89PNG\r\n\x1a\n"


def image_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG (read from its header), else (None, None)."""
    if data.startswith(PNG) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return None, None


def attachment_object(doc: dict[str, Any]) -> dict[str, Any]:
    """The Side Conversation Attachment object (the upload's answer)."""
    return {"content_type": doc["content_type"], "height": doc["height"], "id": doc["uuid"],
            "name": doc["file_name"], "size": doc["size"], "width": doc["width"]}


def message_attachment(doc: dict[str, Any], ticket_id: int, sc_uuid: str) -> dict[str, Any]:
    """An attachment as a message lists it (``HOST`` is filled in when rendered)."""
    return {**{k: v for k, v in attachment_object(doc).items() if k != "name"},
            "file_name": doc["file_name"], "inline": False,
            "content_url": f"{HOST}/api/v2/tickets/{ticket_id}/side_conversations/{sc_uuid}"
                           f"/attachments/{doc['uuid']}/download/{quote(doc['file_name'])}"}


class SideFileHandlers:
    """Uploads for side conversations and their download URLs."""

    store: SandboxStore

    def side_file_rules(self) -> list[Rule]:
        upload = "/api/v2/tickets/side_conversations/attachments"
        return [Rule(upload, endpoint="upload_side_attachment", methods=["POST"]),
                Rule(f"{upload}.json", endpoint="upload_side_attachment", methods=["POST"]),
                Rule("/api/v2/tickets/<int:ticket_id>/side_conversations/<sc_id>/attachments/"
                     "<att_id>/download/<path:name>", endpoint="download_side_attachment",
                     methods=["GET"])]

    def upload_side_attachment(self, request: Request, user: dict) -> Response:
        name, ctype, data = multipart_file(request)
        width, height = image_size(data)
        doc = self.store.insert(SIDE_FILES, {
            "uuid": f"s3-{uuid.uuid4()}", "file_name": name, "content_type": ctype,
            "size": len(data), "width": width, "height": height,
            "_blob": store_blob(self.store, data)})
        return json_response(attachment_object(doc), 201)

    def side_message_attachments(self, message: dict[str, Any], ticket_id: int,
                                 sc_uuid: str) -> list[dict[str, Any]]:
        """The attachments a message's ``attachment_ids`` name; 422 for an unknown id."""
        ids = message.get("attachment_ids") or []
        if not isinstance(ids, list):
            raise invalid("Record validation errors", {"attachment_ids": "must be a list"})
        out = []
        for att_id in ids:
            rows = self.store.query(SIDE_FILES, BY_UUID, [str(att_id)], limit=1)
            if not rows:
                raise invalid("Record validation errors",
                              {"attachment_ids": f"unknown attachment {att_id}"})
            out.append(message_attachment(rows[0], ticket_id, sc_uuid))
        return out

    def download_side_attachment(self, request: Request, user: dict, ticket_id: int,
                                 sc_id: str, att_id: str, name: str) -> Response:
        attached = self.store.query(
            "side_conversation_events", "json_extract(doc, '$.ticket_id') = ? AND "
            "json_extract(doc, '$.side_conversation_id') = ?", [ticket_id, sc_id])
        named = {a["id"] for e in attached for a in (e.get("message") or {}).get(
            "attachments") or []}
        rows = self.store.query(SIDE_FILES, BY_UUID, [att_id], limit=1)
        if att_id not in named or not rows or rows[0]["file_name"] != name:
            raise not_found()
        doc = rows[0]
        return Response(self.store.blob(doc["_blob"]) or b"", content_type=doc["content_type"],
                        headers={"Content-Disposition": "attachment; filename*=UTF-8''"
                                                        + quote(doc["file_name"])})

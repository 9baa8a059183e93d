"""Attachments: temporary files and attach (servicedeskapi), issue attachments and their
metadata (platform v3), content answered with a 303 to a signed media URL."""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import uuid

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox.app import json_response

from .base import MEDIA_PATH, JsmBase, json_body, now_stamp, platform_error, sd_error, text_adf

SD = "/rest/servicedeskapi"
V3 = "/rest/api/3"
NO_CHECK = "X-Atlassian-Token"
MAX_BYTES = 10 * 1024 * 1024


class FileRoutes(JsmBase):
    def file_rules(self) -> list[Rule]:
        return [
            Rule(f"{SD}/servicedesk/<desk_id>/attachTemporaryFile", methods=["POST"],
                 endpoint="temporary_file"),
            Rule(f"{SD}/request/<key>/attachment", methods=["POST"], endpoint="attach"),
            Rule(f"{SD}/request/<key>/attachment", methods=["GET"],
                 endpoint="request_attachments"),
            Rule(f"{V3}/issue/<key>/attachments", methods=["POST"], endpoint="add_attachment"),
            Rule(f"{V3}/attachment/<int:attachment_id>", methods=["GET"],
                 endpoint="attachment_meta"),
            Rule(f"{V3}/attachment/<int:attachment_id>", methods=["DELETE"],
                 endpoint="delete_attachment"),
            Rule(f"{V3}/attachment/content/<int:attachment_id>", methods=["GET"],
                 endpoint="attachment_content"),
            Rule(f"{MEDIA_PATH}<media_id>/binary", methods=["GET"], endpoint="media"),
        ]

    def _sign(self, media_id: str) -> str:
        secret = (self.store.meta("token") or "").encode()
        return hmac.new(secret, media_id.encode(), hashlib.sha256).hexdigest()[:32]

    def store_attachment(self, issue: dict, author: str, name: str, data: bytes,
                         mime: str | None = None) -> dict:
        media_id = str(uuid.UUID(bytes=hashlib.md5(
            f"{issue['id']}:{name}:{self.store.next_id('media')}".encode()).digest()))
        row = self.store.insert("attachments", {
            "issueId": issue["id"], "filename": name, "size": len(data),
            "mimeType": mime or mimetypes.guess_type(name)[0] or "application/octet-stream",
            "author": author, "created": now_stamp(), "mediaId": media_id})
        self.store.put_blob(f"media:{media_id}", data)
        return row

    @staticmethod
    def _require_no_check(request: Request) -> None:
        if request.headers.get(NO_CHECK) != "no-check":
            raise platform_error(403, "XSRF check failed")

    def temporary_file(self, request: Request, user: dict, desk_id: str) -> Response:
        self._require_no_check(request)
        self.desk(desk_id)
        files = request.files.getlist("file")
        if not files:
            raise sd_error(400, "No file was attached.")
        out = []
        for upload in files:
            data = upload.read()
            if len(data) > MAX_BYTES:
                raise sd_error(413, "The file is larger than the attachment size limit.")
            temp_id = f"temp{self.store.next_id('temporary', 8186986881700442965)}"
            self.store.put_blob(f"temp:{temp_id}", data)
            self.store.set_meta(f"temp:{temp_id}", upload.filename or "file")
            out.append({"temporaryAttachmentId": temp_id, "fileName": upload.filename})
        return json_response({"temporaryAttachments": out}, 201)

    def attach(self, request: Request, user: dict, key: str) -> Response:
        issue = self.issue(key, servicedesk=True)
        body = json_body(request)
        ids = body.get("temporaryAttachmentIds") or []
        if not ids:
            raise sd_error(400, "temporaryAttachmentIds is required.")
        rows = []
        for temp_id in ids:
            data = self.store.blob(f"temp:{temp_id}")
            name = self.store.meta(f"temp:{temp_id}")
            if data is None or name is None:
                raise sd_error(400, f"The temporary attachment {temp_id} does not exist or "
                                    "has expired.", "sd.attachment.temporary.not.found")
            rows.append(self.store_attachment(issue, user["accountId"], name, data))
        public = bool(body.get("public", True))
        comment = None
        extra = (body.get("additionalComment") or {}).get("body")
        if extra:
            comment = self.insert_comment(issue, user["accountId"], text_adf(str(extra)),
                                          public)
        self.touch(issue)
        return json_response({
            "comment": None if comment is None else {"id": str(comment["id"]),
                                                     "public": public},
            "attachments": {"size": len(rows), "start": 0, "limit": len(rows),
                            "isLastPage": True,
                            "values": [self.render_sd_attachment(request, r) for r in rows]}},
            201)

    def render_sd_attachment(self, request: Request, row: dict) -> dict:
        base = self.base_url(request)
        return {"filename": row["filename"], "size": row["size"], "mimeType": row["mimeType"],
                "author": self.sd_user(request, self.user_by_account(row["author"])),
                "_links": {"content": f"{base}{SD}/request/{row['issueId']}/attachment/"
                                      f"{row['id']}",
                           "jiraRest": f"{base}{V3}/attachment/{row['id']}"}}

    def request_attachments(self, request: Request, user: dict, key: str) -> dict:
        issue = self.issue(key, servicedesk=True)
        rows = self.store.query("attachments", "json_extract(doc, '$.issueId') = ?",
                                [issue["id"]])
        return {"size": len(rows), "start": 0, "limit": len(rows), "isLastPage": True,
                "values": [self.render_sd_attachment(request, r) for r in rows]}

    def add_attachment(self, request: Request, user: dict, key: str) -> Response:
        """``POST /issue/{key}/attachments``: multipart ``file`` parts, no-check header."""
        self._require_no_check(request)
        issue = self.issue(key)
        files = request.files.getlist("file")
        if not files:
            raise platform_error(400, "No file was attached.")
        rows = [self.store_attachment(issue, user["accountId"], f.filename or "file",
                                      f.read(), f.mimetype or None) for f in files]
        self.touch(issue)
        return json_response([self.render_attachment(request, r) for r in rows])

    def _attachment(self, attachment_id: int) -> dict:
        row = self.store.get("attachments", attachment_id)
        if row is None:
            raise platform_error(404, f"The attachment with id '{attachment_id}' does not "
                                      "exist")
        return row

    def attachment_meta(self, request: Request, user: dict, attachment_id: int) -> dict:
        return self.render_attachment(request, self._attachment(attachment_id))

    def delete_attachment(self, request: Request, user: dict, attachment_id: int) -> Response:
        self.store.delete("attachments", self._attachment(attachment_id)["id"])
        return Response(status=204)

    def attachment_content(self, request: Request, user: dict, attachment_id: int
                           ) -> Response:
        """A 303 to the media service (a signed URL), as Jira Cloud answers."""
        row = self._attachment(attachment_id)
        location = (f"{self.base_url(request)}{MEDIA_PATH}{row['mediaId']}/binary?"
                    f"token={self._sign(row['mediaId'])}&name={row['filename']}")
        return Response(status=303, headers={"Location": location})

    def media(self, request: Request, user: None, media_id: str) -> Response:
        if not hmac.compare_digest(request.args.get("token", ""), self._sign(media_id)):
            return json_response({"error": "unauthorized"}, 401)
        data = self.store.blob(f"media:{media_id}")
        if data is None:
            return json_response({"error": "not found"}, 404)
        rows = self.store.query("attachments", "json_extract(doc, '$.mediaId') = ?",
                                [media_id], limit=1)
        mime = rows[0]["mimeType"] if rows else "application/octet-stream"
        return Response(data, status=200, content_type=mime)

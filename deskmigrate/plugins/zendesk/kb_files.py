"""Article attachments: each file uploaded with ``POST
/help_center/articles/{id}/attachments`` (multipart ``file`` and ``inline``)."""

from __future__ import annotations

from typing import Any

from deskmigrate.core.connector import WriteResult
from deskmigrate.core.errors import DeskmigrateError, NotFound
from deskmigrate.core.records import KbArticle

from .client import ZendeskApi
from .platform import MAX_ATTACHMENT_BYTES
from .ticket_writer import safe_file_name

HC = "api/v2/help_center"


class ArticleFiles:
    """Copies an article's attachments to the article the target just created."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api

    def attach(self, article: dict[str, Any], record: KbArticle, result: WriteResult) -> None:
        for item in record.attachments:
            if item.size > MAX_ATTACHMENT_BYTES:
                result.warnings.append(f"attachment '{item.file_name}' is over 50 MB; not "
                                       "copied")
                continue
            try:
                data = item.read()
            except NotFound:
                result.warnings.append(f"attachment '{item.file_name}' is gone at the source")
                continue
            except DeskmigrateError as exc:
                result.warnings.append(f"attachment '{item.file_name}' could not be read: {exc}")
                continue
            self.api.http.request(
                "POST", f"{HC}/articles/{article['id']}/attachments.json",
                files=[("file", (safe_file_name(item.file_name), data, item.content_type))],
                data={"inline": "true" if item.inline else "false"})

"""Article attachments: each file uploaded with ``POST
/help_center/articles/{id}/attachments`` (multipart ``file`` and ``inline``)."""

from __future__ import annotations

from typing import Any

from deskmigrate.core.connector import WriteResult
from deskmigrate.core.file_copy import file_bytes
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.records import KbArticle

from .client import ZendeskApi
from .platform import MAX_ATTACHMENT_BYTES

HC = "api/v2/help_center"


class ArticleFiles:
    """Copies an article's attachments to the article the target just created."""

    def __init__(self, api: ZendeskApi) -> None:
        self.api = api

    def attach(self, article: dict[str, Any], record: KbArticle, result: WriteResult) -> None:
        for item in record.attachments:
            data = file_bytes(item, MAX_ATTACHMENT_BYTES, result.warnings.append)
            if data is None:
                continue
            self.api.http.request(
                "POST", f"{HC}/articles/{article['id']}/attachments.json",
                files=[("file", (safe_file_name(item.file_name), data, item.content_type))],
                data={"inline": "true" if item.inline else "false"})

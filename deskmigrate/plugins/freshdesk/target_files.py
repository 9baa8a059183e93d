"""Attachments for Freshdesk writes: safe file names, and packing files into requests of at
most 20 MB (a single larger file is skipped with a warning)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.records import Attachment

from .mapping import MAX_REQUEST_BYTES


@dataclass
class Upload:
    """One file ready for a multipart ``attachments[]`` part."""

    name: str
    content_type: str
    data: bytes

    def part(self) -> tuple[str, tuple[str, bytes, str]]:
        return ("attachments[]", (self.name, self.data, self.content_type))


def pack(attachments: list[Attachment], warn: Callable[[str], None],
         limit: int = MAX_REQUEST_BYTES) -> list[list[Upload]]:
    """Files grouped into requests of at most ``limit`` bytes, in order; the first group
    rides with the message itself. Files that cannot be read or exceed the limit are
    reported through ``warn`` and left out."""
    groups: list[list[Upload]] = [[]]
    used = 0
    for attachment in attachments:
        try:
            data = attachment.read()
        except (DeskmigrateError, ValueError) as exc:
            warn(f"attachment {safe_file_name(attachment.file_name)} skipped: {exc}")
            continue
        if len(data) > limit:
            warn(f"attachment {safe_file_name(attachment.file_name)} skipped: {len(data)} bytes is "
                 f"over Freshdesk's {limit // (1024 * 1024)} MB limit per request")
            continue
        if used + len(data) > limit:
            groups.append([])
            used = 0
        groups[-1].append(Upload(safe_file_name(attachment.file_name),
                                 attachment.content_type or "application/octet-stream", data))
        used += len(data)
    return groups

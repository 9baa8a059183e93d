"""Attachment file names every platform and operating system accepts."""

from __future__ import annotations

from pathvalidate import sanitize_filename

MAX_LENGTH = 200  # characters
MAX_BYTES = 255  # UTF-8 bytes: the limit of most file systems
MAX_EXTENSION = 16


def safe_file_name(name: str, max_length: int = MAX_LENGTH) -> str:
    """``name`` without folders, control or reserved characters and not a reserved device
    name (``CON`` becomes ``CON_``); cut to ``max_length`` characters keeping its extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION:
        stem, extension = base, ""
    extension = _clean(extension)
    suffix = f".{extension}" if extension else ""
    stem = _clean(stem[:max_length])[:max_length - len(suffix)].rstrip(" .")
    while len(f"{stem}{suffix}".encode()) > MAX_BYTES:
        stem = stem[:-1]
    return f"{stem or 'attachment'}{suffix}"


def _clean(part: str) -> str:
    return sanitize_filename(part, replacement_text="_", platform="universal").strip(" .")

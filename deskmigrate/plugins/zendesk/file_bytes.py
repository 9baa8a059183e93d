"""The bytes of one file to copy into Zendesk, or None with a warning saying why it was not
copied (too big, gone at the source, unreadable); a lost connection or refused credentials
stop the write instead."""

from __future__ import annotations

from deskmigrate.core.errors import AuthError, DeskmigrateError, NotFound, TooLarge, Unreachable
from deskmigrate.core.records import Attachment

from .platform import MAX_ATTACHMENT_BYTES


def file_bytes(item: Attachment, warnings: list[str]) -> bytes | None:
    """``item``'s bytes if Zendesk can take them (≤ 50 MB), else None and a warning."""
    too_big = f"attachment '{item.file_name}' is over 50 MB; not copied"
    if item.size > MAX_ATTACHMENT_BYTES:
        warnings.append(too_big)
        return None
    try:
        data = item.read()
    except NotFound:
        warnings.append(f"attachment '{item.file_name}' is gone at the source")
        return None
    except TooLarge:  # its metadata understated its size
        warnings.append(too_big)
        return None
    except (AuthError, Unreachable):
        raise
    except DeskmigrateError as exc:  # one refused file is a warning, as on every target
        warnings.append(f"attachment '{item.file_name}' could not be read ({exc}); not copied")
        return None
    if len(data) > MAX_ATTACHMENT_BYTES:
        warnings.append(too_big)
        return None
    return data

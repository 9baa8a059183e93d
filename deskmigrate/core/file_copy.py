"""The bytes of one file a target copies, or None with a warning saying why it was not
copied (over the target's limit, gone at the source, unreadable). A lost connection or
refused credentials stop the write instead: they are not about this one file."""

from __future__ import annotations

from collections.abc import Callable

from .errors import AuthError, DeskmigrateError, NotFound, TooLarge, Unreachable
from .records import Attachment


def file_bytes(item: Attachment, limit: int, warn: Callable[[str], None]) -> bytes | None:
    """``item``'s bytes if the target can take them (at most ``limit``), else None and a
    warning through ``warn``."""
    too_big = f"attachment '{item.file_name}' is over {limit // (1024 * 1024)} MB; not copied"
    if item.size > limit:
        warn(too_big)
        return None
    try:
        data = item.read()
    except NotFound:
        warn(f"attachment '{item.file_name}' is gone at the source")
        return None
    except TooLarge:  # its metadata understated its size
        warn(too_big)
        return None
    except (AuthError, Unreachable):
        raise
    except DeskmigrateError as exc:  # one refused file is a warning, as on every target
        warn(f"attachment '{item.file_name}' could not be read ({exc}); not copied")
        return None
    if len(data) > limit:
        warn(too_big)
        return None
    return data

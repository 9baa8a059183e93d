"""The one way a target reads a file to copy: a file it cannot take is a warning naming it;
a lost connection or refused credentials stop the write."""

from __future__ import annotations

import pytest

from deskmigrate.core.errors import ApiError, AuthError, NotFound, TooLarge, Unreachable
from deskmigrate.core.file_copy import file_bytes
from deskmigrate.core.records import Attachment

MB = 1024 * 1024


def attachment(size: int, fetch) -> Attachment:
    return Attachment(source_id="1", file_name="a.pdf", content_type="application/pdf",
                      size=size, fetch=fetch)


def raises(exc: Exception):
    def fetch() -> bytes:
        raise exc
    return fetch


@pytest.mark.parametrize(("size", "fetch", "warning"), [
    (11 * MB, lambda: b"x", "attachment 'a.pdf' is over 10 MB; not copied"),
    (3, lambda: b"x" * (10 * MB + 1), "attachment 'a.pdf' is over 10 MB; not copied"),
    (3, raises(TooLarge("too large", 413)), "attachment 'a.pdf' is over 10 MB; not copied"),
    (3, raises(NotFound("gone", 404)), "attachment 'a.pdf' is gone at the source"),
    (3, raises(ApiError("refused", 403)),
     "attachment 'a.pdf' could not be read (refused); not copied"),
], ids=["metadata over", "bytes over", "stream cut", "gone", "refused"])
def test_a_file_the_target_cannot_take_is_a_warning(size, fetch, warning):
    said: list[str] = []
    assert file_bytes(attachment(size, fetch), 10 * MB, said.append) is None
    assert said == [warning]


@pytest.mark.parametrize("exc", [AuthError("no"), Unreachable("down")])
def test_credentials_and_connections_stop_the_write(exc):
    with pytest.raises(type(exc)):
        file_bytes(attachment(3, raises(exc)), 10 * MB, [].append)


def test_a_file_within_the_limit_is_its_bytes():
    said: list[str] = []
    assert file_bytes(attachment(3, lambda: b"abc"), 3, said.append) == b"abc"
    assert said == []

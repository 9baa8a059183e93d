"""How verify pairs a ticket's messages with the target's: by their words, then a message
whose words changed with the target's message that may be it — never with a note the
target made for files that moved there (such a note holds another message's files, or is
private where the message was public)."""

from __future__ import annotations

from typing import Any

from deskmigrate.core.connector import Capabilities
from deskmigrate.verify.compare import Rules, compare

RULES = Rules(Capabilities(keeps_timestamps=True, keeps_authors=True))
PHOTO = ("photo.png", 3, "ab" * 32)


def message(body: str, *, public: bool = True, files: tuple = (), author: str = "ann@x.example"
            ) -> dict[str, Any]:
    return {"body": body, "author": author, "public": public,
            "created_at": "2026-11-01T10:00:00Z", "attachments": [list(f) for f in files]}


def found(source: list[dict], target: list[dict]) -> list[str]:
    return [d.field for d in compare("ticket", {"comments": source}, {"comments": target},
                                     RULES)]


FIRST = message("Printer on fire", files=(PHOTO,))
NOTE = message("Files of the first message", public=False, files=(PHOTO,),
               author="bot@x.example")  # the target's own note: the first message's files


def test_a_deleted_note_is_missing_not_the_note_holding_moved_files() -> None:
    source = [FIRST, message("Checked the toner", public=False)]
    target = [message("Printer on fire"), NOTE]
    assert found(source, target) == ["comment 2"]


def test_a_deleted_public_message_is_missing_not_the_private_note_with_its_files() -> None:
    reply = message("Here is the log", files=(("log.txt", 9, "cd" * 32),))
    files = message("Files of the message above", public=False, author="bot@x.example",
                    files=(("log.txt", 9, "cd" * 32),))
    assert found([FIRST, reply], [message("Printer on fire", files=(PHOTO,)), files]) == [
        "comment 2"]


def test_a_message_whose_words_changed_is_paired_and_its_words_reported() -> None:
    source = [FIRST, message("Checked the toner", public=False)]
    target = [message("Printer on fire"), NOTE, message("Checked nothing", public=False)]
    assert found(source, target) == ["comment 2 body"]


def test_a_message_without_words_pairs_with_the_targets_placeholder() -> None:
    source = [FIRST, message("", files=(("a.pdf", 4, "ef" * 32),))]
    target = [message("Printer on fire", files=(PHOTO,)),
              message("(no text)", files=(("a.pdf", 4, "ef" * 32),))]
    assert found(source, target) == []


def test_the_targets_note_of_moved_files_is_not_unexpected_but_a_new_message_is() -> None:
    target = [message("Printer on fire"), NOTE, message("Spam", public=False)]
    assert found([FIRST], target) == ["unexpected comment 3"]

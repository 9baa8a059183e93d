"""Changing a target sandbox behind the tool's back, straight in its SQLite file (as an
agent editing the help desk would, with no API call deskmigrate could notice): alter the
bytes of one file (``ALTER``), then remove a ticket's tags and delete one message
(``REMOVE``). The file is altered first and checked on its own: a deleted message could
otherwise take the altered file with it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

Doc = dict[str, Any]


class Desk:
    """The documents and files of one sandbox file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def docs(self, collection: str) -> list[Doc]:
        with sqlite3.connect(self.path) as db:
            return [json.loads(d) for (d,) in db.execute(
                "SELECT doc FROM docs WHERE collection=? ORDER BY id", (collection,))]

    def put(self, collection: str, doc: Doc) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("UPDATE docs SET doc=? WHERE collection=? AND id=?",
                       (json.dumps(doc), collection, doc["id"]))

    def delete(self, collection: str, doc_id: int) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("DELETE FROM docs WHERE collection=? AND id=?", (collection, doc_id))

    def alter_blob(self, key: str) -> None:
        """The file keeps its size; one bit of its last byte flips."""
        with sqlite3.connect(self.path) as db:
            (data,) = db.execute("SELECT data FROM blobs WHERE key=?", (key,)).fetchone()
            db.execute("UPDATE blobs SET data=? WHERE key=?",
                       (data[:-1] + bytes([data[-1] ^ 1]), key))


def _stamp(tag: str) -> bool:
    return tag.startswith(("dm-", "deskmigrate"))


def _untag(desk: Desk, collection: str, key: str) -> None:
    """Remove every tag but the migration's own (its stamp) from every ticket: whatever
    order the tickets were created in, the tagged ones lose their source tags."""
    untagged = 0
    for doc in desk.docs(collection):
        tags = doc.get(key) or []
        kept = [t for t in tags if isinstance(t, str) and _stamp(t)]
        if len(kept) < len(tags):
            doc[key] = kept
            desk.put(collection, doc)
            untagged += 1
    assert untagged, f"no tagged ticket in {collection}"


def zendesk_file(desk: Desk) -> None:
    desk.alter_blob(desk.docs("attachments")[0]["_blob"])


def zendesk(desk: Desk) -> None:
    _untag(desk, "tickets", "tags")
    desk.delete("comments", next(c["id"] for c in desk.docs("comments") if not c.get("_first")))


def freshdesk_file(desk: Desk) -> None:
    desk.alter_blob(f"attachment:{desk.docs('attachments')[0]['id']}")


def freshdesk(desk: Desk) -> None:
    _untag(desk, "tickets", "tags")
    desk.delete("conversations", desk.docs("conversations")[0]["id"])


def intercom_file(desk: Desk) -> None:
    files = [a["url"] for d in desk.docs("conversations")
             for p in [d["source"], *d["parts"]] for a in p.get("attachments") or []]
    desk.alter_blob(f"file:{files[0].split('/downloads/')[1].split('/')[0]}")


def intercom(desk: Desk) -> None:
    _untag(desk, "conversations", "tag_ids")
    for doc in desk.docs("conversations"):
        said = [p for p in doc["parts"] if p["part_type"] in ("comment", "note")
                and p["body"] and not p.get("attachments")]  # a message, not moved files
        if said:
            doc["parts"].remove(said[0])
            desk.put("conversations", doc)
            return


def jira_sm_file(desk: Desk) -> None:
    desk.alter_blob(f"media:{desk.docs('attachments')[0]['mediaId']}")


def jira_sm(desk: Desk) -> None:
    _untag(desk, "issues", "labels")
    desk.delete("comments", desk.docs("comments")[0]["id"])


ALTER: dict[str, Callable[[Desk], None]] = {
    "zendesk": zendesk_file, "freshdesk": freshdesk_file, "intercom": intercom_file,
    "jira_sm": jira_sm_file}
REMOVE: dict[str, Callable[[Desk], None]] = {
    "zendesk": zendesk, "freshdesk": freshdesk, "intercom": intercom, "jira_sm": jira_sm}

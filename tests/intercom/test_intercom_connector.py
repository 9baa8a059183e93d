"""The connector's tricky parts against the sandbox in-process: the 500-part cap reported,
files split by ten, a customer's files on a note, files by public link (and uploaded when a
link is refused with a 400 or 422, or taken without its file), agents falling back to the
default admin, and check() refusing a workspace without the stamp attribute."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from ic_support import client, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Found, WriteContext
from deskmigrate.core.errors import ConfigError
from deskmigrate.core.records import Attachment, Comment, Ticket
from deskmigrate.plugins.intercom import IntercomPlatform
from deskmigrate.sandbox import serve_in_thread
from deskmigrate.sandbox.app import ApiHTTPError

URL = "http://127.0.0.1:9"


def connection(app):
    return connect(IntercomPlatform(), URL, app.credentials(), transport=app.transport(),
                   rate_per_minute=100_000)


class Context(WriteContext):
    """Ids from a plain dict; warnings kept per record."""

    migration_id, run_id = 1, 1

    def __init__(self, ids: dict[tuple[str, str], str], default: str) -> None:
        self.ids, self.default, self.warnings = ids, default, []

    def target_id(self, kind, source_id):
        return self.ids.get((kind, str(source_id)))

    def known(self, kind, source_id):
        return False

    def user(self, source_id, *, agent=False):
        found = self.target_id("contact", source_id) or self.target_id("agent", source_id)
        return found or (self.default if agent and source_id else None)

    def external_id(self, kind, source_id):
        return f"deskmigrate-1-{kind}-{source_id}"

    def warn(self, source_id, message):
        self.warnings.append(message)


WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def empty_workspace(tmp_path, context: type[Context] = Context):
    """An empty sandbox, its target connector, and a write context knowing one contact
    (source id ``c``) and the default admin: (app, target, owner id, ctx)."""
    app = sandbox(tmp_path, tickets=0)
    target = IntercomPlatform().target(connection(app))
    owner = target.check().id
    contact = target.http.request("POST", "contacts", json={"email": "c@example.com"}).json()
    return app, target, owner, context({("contact", "c"): contact["id"]}, owner)


def files(count: int) -> list[Attachment]:
    return [Attachment(source_id=f"f{i}", file_name=f"f{i}.txt", content_type="text/plain",
                       size=1, fetch=lambda i=i: f"file {i}".encode()) for i in range(count)]


def test_a_conversation_over_500_parts_is_reported(tmp_path):
    app = sandbox(tmp_path, tickets=3)
    long_id = app.add_long_conversation(520)
    ticket = next(IntercomPlatform().source(connection(app)).get("ticket", [long_id]))
    assert len(ticket.comments) == 1 + 500 + 1
    note = ticket.comments[-1]
    assert not note.public and "newest 500 of the 520" in note.body_text


def test_files_split_by_ten_and_customer_files_on_a_note(tmp_path):
    app, target, owner, ctx = empty_workspace(tmp_path)
    ticket = Ticket(source_id="t1", subject="Files", requester_id="c", status="solved",
                    created_at=WHEN, comments=[
                        Comment(source_id="1", author_id="c", body_html="<p>Hi</p>",
                                created_at=WHEN),
                        Comment(source_id="2", author_id="c", body_html="<p>Logs</p>",
                                created_at=WHEN, attachments=files(2)),
                        Comment(source_id="3", author_id="agent-x", body_html="<p>Here</p>",
                                created_at=WHEN, attachments=files(23))])
    result = target.write("ticket", [ticket], ctx)[0]
    assert result.error is None
    doc = app.store.get("conversations", result.target_id)
    shape = [(p["part_type"], p["author"]["type"], len(p["attachments"])) for p in doc["parts"]]
    assert shape == [("comment", "user", 0), ("note", "admin", 2),  # the customer's files
                     ("comment", "admin", 10), ("note", "admin", 10), ("note", "admin", 3),
                     ("close", "admin", 0)]
    assert doc["parts"][2]["author"]["id"] == owner  # agent-x has no admin: the default one
    assert all(p["created_at"] == int(WHEN.timestamp()) for p in doc["parts"][:5])
    assert any("10 per message" in w for w in ctx.warnings)
    assert doc["custom_attributes"]["deskmigrate_id"] == "deskmigrate-1-ticket-t1"
    # found by the stamp, so it is this tool's
    assert target.find("ticket", ticket, ctx) == Found(result.target_id or "", owned=True)
    assert len(app.store.get("conversations", result.target_id)["parts"]) == 6  # nothing added


def test_check_refuses_a_workspace_without_the_stamp_attribute(tmp_path):
    app = sandbox(tmp_path, tickets=0)
    for row in app.store.query("data_attributes"):
        app.store.delete("data_attributes", row["id"])
    with pytest.raises(ConfigError, match="deskmigrate_id"):
        IntercomPlatform().target(connection(app)).check()


def test_file_names_are_made_safe_keeping_the_extension(tmp_path):
    app, target, owner, ctx = empty_workspace(tmp_path)
    names = ["CON", f"{'x' * 300}.pdf", "a/b:c?.txt"]
    attachments = [Attachment(source_id=str(i), file_name=n, content_type="text/plain", size=1,
                              fetch=lambda: b"x") for i, n in enumerate(names)]
    ticket = Ticket(source_id="t1", subject="Names", requester_id="c", status="open",
                    created_at=WHEN, comments=[
                        Comment(source_id="1", author_id="c", body_html="<p>Hi</p>",
                                created_at=WHEN),
                        Comment(source_id="2", author_id="agent", body_html="<p>Files</p>",
                                created_at=WHEN, attachments=attachments)])
    result = target.write("ticket", [ticket], ctx)
    assert result[0].error is None, result[0].error
    doc = app.store.get("conversations", result[0].target_id)
    sent = [a["name"] for a in doc["parts"][0]["attachments"]]
    assert sent == ["CON_", f"{'x' * 196}.pdf", "b_c_.txt"]  # 196 + ".pdf" = 200 characters


def test_files_by_link_go_with_any_message_and_a_refused_link_is_uploaded(tmp_path):
    """Public links (``attachment_urls``) go with a customer's message and the first one;
    a link Intercom cannot download (400) makes the writer upload instead."""
    files_host = sandbox(tmp_path, "files", tickets=0)
    saved = files_host.save_file("log.txt", "text/plain", b"the log")
    app, target, owner, ctx = empty_workspace(tmp_path)
    with serve_in_thread(files_host) as base:
        def link(name: str, path: str) -> Attachment:
            return Attachment(source_id=name, file_name=name, content_type="text/plain",
                              size=7, url=f"{base}{path}", public_url=True,
                              fetch=lambda: b"the log")

        good = link("log.txt", "/downloads/" + saved["url"].split("/downloads/", 1)[1])
        ticket = Ticket(source_id="t1", subject="Links", requester_id="c", status="open",
                        created_at=WHEN, comments=[
                            Comment(source_id="1", author_id="c", body_html="<p>Hi</p>",
                                    created_at=WHEN, attachments=[good]),
                            Comment(source_id="2", author_id="c", body_html="<p>More</p>",
                                    created_at=WHEN, attachments=[good]),
                            Comment(source_id="3", author_id="agent", body_html="<p>Gone</p>",
                                    created_at=WHEN,
                                    attachments=[link("gone.txt", "/downloads/999/gone.txt")])])
        result = target.write("ticket", [ticket], ctx)[0]
    assert result.error is None, result.error
    with client(app) as http:
        doc = http.get(f"/conversations/{result.target_id}").json()
        parts = doc["conversation_parts"]["conversation_parts"]
        assert [a["name"] for a in doc["source"]["attachments"]] == ["log.txt"]  # by link
        shape = [(p["part_type"], p["author"]["type"], [a["name"] for a in p["attachments"]])
                 for p in parts]
        assert shape == [("comment", "user", ["log.txt"]),  # a customer's file, by link
                         ("comment", "admin", ["gone.txt"])]  # refused link: uploaded
        copies = [doc["source"]["attachments"][0], *(a for p in parts for a in p["attachments"])]
        assert all(http.get(a["url"]).content == b"the log" for a in copies)  # Intercom's own


@pytest.mark.parametrize("answer", ["422", "taken without the file"])
def test_a_link_intercom_cannot_use_is_uploaded_whatever_its_answer(tmp_path, monkeypatch,
                                                                     answer):
    """Intercom documents no answer for a link it cannot download: a 422 (like a 400) sends
    the message again with its files uploaded; a message taken without its link's file
    gets the file uploaded on a note after it. Links stop for the rest of the run."""
    files_host = sandbox(tmp_path, "files", tickets=0)
    saved = files_host.save_file("log.txt", "text/plain", b"the log")
    app, target, owner, ctx = empty_workspace(tmp_path)
    real = app.files_of

    def files_of(request, data, *, admin):
        if data.get("attachment_urls") and answer == "422":
            raise ApiHTTPError(422, "unprocessable", {"code": "unprocessable_entity"})
        return real(request, {**data, "attachment_urls": []}, admin=admin)

    monkeypatch.setattr(app, "files_of", files_of)
    with serve_in_thread(files_host) as base:
        log = Attachment(source_id="log", file_name="log.txt", content_type="text/plain",
                         size=7, url=f"{base}/downloads/" + saved["url"].split(
                             "/downloads/", 1)[1], public_url=True, fetch=lambda: b"the log")
        first = target.write("ticket", [Ticket(
            source_id="t1", subject="First", requester_id="c", status="open",
            created_at=WHEN, comments=[Comment(source_id="1", author_id="c", created_at=WHEN,
                                               body_html="<p>Hi</p>", attachments=[log])])],
            ctx)[0]
        later = IntercomPlatform().target(connection(app))  # a new run: links tried again
        later.check()
        second = later.write("ticket", [Ticket(
            source_id="t2", subject="Later", requester_id="c", status="open",
            created_at=WHEN, comments=[
                Comment(source_id="2", author_id="c", body_html="<p>Hi</p>", created_at=WHEN),
                *(Comment(source_id=n, author_id="c", body_html=f"<p>{n}</p>",
                          created_at=WHEN, attachments=[log]) for n in ("3", "4"))])], ctx)[0]
    with client(app) as http:
        def shape(conversation: str) -> list[tuple[str, str, list[str]]]:
            doc = http.get(f"/conversations/{conversation}").json()
            return [("source", doc["source"]["author"]["type"],
                     [a["name"] for a in doc["source"]["attachments"]])] + [
                (p["part_type"], p["author"]["type"], [a["name"] for a in p["attachments"]])
                for p in doc["conversation_parts"]["conversation_parts"]]

        assert shape(first.target_id) == [("source", "user", []),
                                          ("note", "admin", ["log.txt"])]  # first message's
        assert shape(second.target_id) == [
            ("source", "user", []), ("comment", "user", []),
            ("note", "admin", ["log.txt"]),  # after the refused or dropped link
            ("comment", "user", []), ("note", "admin", ["log.txt"])]  # no more links

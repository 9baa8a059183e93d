"""File names, HTML error pages, and the two stray errors of the Zendesk plugin (an aborted
ticket read; the sandbox's Help Center cascade delete)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from deskmigrate.core.connect import connect
from deskmigrate.core.errors import ApiError
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.host import platform
from deskmigrate.core.http import HttpClient
from deskmigrate.core.sandboxes import open_sandbox


@pytest.mark.parametrize(("name", "safe"), [
    ("CON", "CON_"), ("con.txt", "con_.txt"), ("LPT1.pdf", "LPT1_.pdf"), ("NUL.", "NUL_"),
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\a.doc", "a.doc"),
    ('a:b*c?"<>|.png', "a_b_c_____.png"), ("", "attachment"), ("...", "attachment"),
    ("x\x00y.doc", "x_y.doc"), ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_file_names_are_safe_and_keep_their_extension(name, safe):
    assert safe_file_name(name) == safe


def test_a_long_multibyte_name_fits_255_bytes_with_its_extension():
    name = safe_file_name("é" * 250 + ".jpeg")
    assert name.endswith("é.jpeg") and len(name.encode()) <= 255


PROXY_PAGE = """<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.25.3</center>
</body></html>"""


def test_a_proxys_html_page_becomes_one_sentence():
    answers = iter([httpx.Response(403, text=PROXY_PAGE, headers={"content-type": "text/html"}),
                    httpx.Response(400, text="<html><body><p>Request\n  blocked</p></body>")])
    c = HttpClient("http://127.0.0.1:9", platform="zendesk", max_attempts=1,
                   transport=httpx.MockTransport(lambda request: next(answers)))
    with pytest.raises(Exception) as first:
        c.get_json("/x")
    assert str(first.value) == "zendesk refused the permissions (403: 502 Bad Gateway)."
    with pytest.raises(ApiError) as second:
        c.get_json("/x")
    assert str(second.value) == "zendesk answered 400 to GET /x: Request blocked."


def test_an_aborted_ticket_read_leaves_no_stray_error(tmp_path: Path, capsys) -> None:
    app = open_sandbox("zendesk", tmp_path / "z.sqlite", tickets=3, seed=2)
    conn = connect(platform("zendesk"), "http://127.0.0.1", app.credentials(),
                   transport=app.transport(), rate_per_minute=100_000)
    source = platform("zendesk").source(conn)
    tickets = source.read("ticket")
    next(tickets)
    source.close()  # the run aborts: the source is closed before its reader
    errors = []
    hook, sys.unraisablehook = sys.unraisablehook, errors.append
    try:
        del tickets
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert errors == []


def test_deleting_a_help_center_category_cascades_in_one_transaction(tmp_path: Path) -> None:
    app = open_sandbox("zendesk", tmp_path / "z.sqlite", tickets=1, seed=1)
    creds = app.credentials()
    client = httpx.Client(transport=app.transport(), base_url="http://127.0.0.1",
                          auth=(f"{creds['email']}/token", creds["token"]))
    category = client.get("/api/v2/help_center/categories.json").json()["categories"][0]["id"]
    sections = client.get(f"/api/v2/help_center/categories/{category}/sections.json"
                          ).json()["sections"]
    assert sections
    answer = client.delete(f"/api/v2/help_center/categories/{category}.json")
    assert answer.status_code == 204, answer.text
    assert all(client.get(f"/api/v2/help_center/sections/{s['id']}.json").status_code == 404
               for s in sections)


def test_a_file_larger_than_its_metadata_says_is_skipped_with_a_warning():
    """Streamed with a cap: the Zendesk writer warns instead of reading it whole."""
    from deskmigrate.core.connector import WriteResult
    from deskmigrate.core.records import Attachment
    from deskmigrate.plugins.zendesk.ticket_writer import TicketWriter

    source = HttpClient("http://127.0.0.1:9", platform="zendesk", max_download_bytes=1024,
                        transport=httpx.MockTransport(
                            lambda request: httpx.Response(200, content=iter([b"x" * 4096]))))
    item = Attachment(source_id="1", file_name="big.bin", content_type="application/zip",
                      size=10, fetch=lambda: source.download("http://127.0.0.1:9/big.bin"))
    result = WriteResult(source_id="7")
    api = SimpleNamespace(http=SimpleNamespace(concurrency=1))  # never called: too large
    assert TicketWriter(api, None, None).upload(item, result) is None  # type: ignore[arg-type]
    assert result.warnings == ["attachment 'big.bin' is over 50 MB; not copied"]

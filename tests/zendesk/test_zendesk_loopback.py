"""The Zendesk connector against the sandbox over real loopback HTTP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from zendesk_support import PLATFORM, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.errors import AuthError
from deskmigrate.core.records import Ticket
from deskmigrate.sandbox import serve_in_thread

pytestmark = pytest.mark.slow


def test_source_over_loopback_follows_links_and_downloads(tmp_path: Path) -> None:
    app = sandbox(tmp_path / "loop.sqlite", tickets=15, seed=9)
    with serve_in_thread(app) as url:
        conn = connect(PLATFORM, url, app.credentials(), rate_per_minute=100_000)
        source = PLATFORM.source(conn)
        assert source.check().role == "admin"
        page = conn.http.get_json("api/v2/users.json", {"page[size]": 3})
        assert urlsplit(page["links"]["next"]).port == urlsplit(url).port
        tickets = [t for t in source.read("ticket") if isinstance(t, Ticket)]
        assert len(tickets) == 15
        item = next(a for t in tickets for c in t.comments for a in c.attachments)
        assert len(item.read()) == item.size > 0
        conn.http.close()


def test_wrong_token_is_an_auth_error_without_the_secret(tmp_path: Path) -> None:
    app = sandbox(tmp_path / "auth.sqlite", tickets=0)
    with serve_in_thread(app) as url:
        secret = "not-the-token-1234"
        conn = connect(PLATFORM, url, {"email": app.credentials()["email"], "token": secret})
        with pytest.raises(AuthError) as caught:
            PLATFORM.source(conn).check()
        assert secret not in str(caught.value)
        assert "Couldn't authenticate you" in str(caught.value)
        raw = httpx.get(f"{url}/api/v2/tickets.json")
        assert raw.status_code == 401 and raw.json() == {"error": "Couldn't authenticate you"}

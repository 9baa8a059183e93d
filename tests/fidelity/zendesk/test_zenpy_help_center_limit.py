"""The Help Center API's rate limit is the Support API's size, counted apart: requests to one
don't count against the other (developer.zendesk.com, Help Center API, "Rate limits"). Proven
with zenpy, a client nobody here wrote, and the headers the sandbox answers with."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from zenpy import Zenpy

from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox
from deskmigrate.sandbox import app as kit
from deskmigrate.sandbox.server import serve_in_thread

LIMIT = 4
MOMENT = 1_800_000_010.0  # ten seconds into a minute: every request in one window


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[tuple[ZendeskSandbox, str]]:
    monkeypatch.setattr(kit, "time", SimpleNamespace(time=lambda: MOMENT, sleep=time.sleep))
    app = ZendeskSandbox(tmp_path / "zendesk.sqlite", rate_limit=LIMIT)
    app.seed(tickets=1, seed=5)
    with serve_in_thread(app) as url:
        yield app, url
    app.store.close()


def test_help_center_requests_have_a_window_of_their_own(served, monkeypatch) -> None:
    app, url = served
    creds = app.credentials()
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", url.removeprefix("http://"))
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    zenpy = Zenpy(subdomain="acme", email=creds["email"], token=creds["token"])
    zenpy.disable_caching()
    http = httpx.Client(base_url=url, auth=(f"{creds['email']}/token", creds["token"]))

    assert [c.name for c in zenpy.help_center.categories()]  # one Help Center request
    support = [http.get("/api/v2/users/me.json") for _ in range(LIMIT + 1)]
    # the Help Center request did not count against Support's window
    assert [r.status_code for r in support] == [200] * LIMIT + [429]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in support[:LIMIT]] == ["3", "2", "1", "0"]

    # Support's window is spent; the Help Center still answers, from its own window
    assert [s.name for s in zenpy.help_center.sections()]
    hc = [http.get("/api/v2/help_center/articles.json") for _ in range(LIMIT - 1)]
    assert [r.status_code for r in hc] == [200, 200, 429]
    assert hc[0].headers["X-Rate-Limit"] == str(LIMIT)
    assert hc[0].headers["ratelimit-remaining"] == str(LIMIT - 3)  # zenpy's two and this one
    assert hc[2].headers["Retry-After"] == "50"  # MOMENT is ten seconds into its minute

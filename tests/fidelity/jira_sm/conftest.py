"""A seeded Jira Service Management sandbox on loopback, for the real third-party clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from deskmigrate.plugins.jira_sm.sandbox import JiraSmSandbox
from deskmigrate.sandbox import serve_in_thread


@dataclass
class Site:
    url: str
    email: str
    token: str
    desk: str
    app: JiraSmSandbox


@pytest.fixture
def site(tmp_path):
    app = JiraSmSandbox(tmp_path / "jsm.sqlite")
    app.seed(tickets=6, seed=3)
    credentials = app.credentials()
    with serve_in_thread(app) as url:
        yield Site(url, credentials["email"], credentials["token"],
                   credentials["service_desk"], app)

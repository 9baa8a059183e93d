"""Help Center items carry no stamp: one whose create answer is lost is found again by name,
and it is the run's (rollback removes it) because the run announced creating it after
seeing nothing of that name; a same-named item that was there before is reused, never the
run's."""

from __future__ import annotations

from pathlib import Path

import httpx

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import parse
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import StateStore

HC = "/api/v2/help_center"


class DropsAnswers(httpx.BaseTransport):
    """Sends every request; the answer to each create of a category or section is lost
    once (the connection drops after the Help Center applied it)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.dropped: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        path = request.url.path.removesuffix(".json")
        if request.method == "POST" and path.endswith(("/categories", "/sections")) and \
                len(self.dropped) < 2:
            response.read()
            self.dropped.append(path)
            raise httpx.ReadError("the connection dropped after the request was sent")
        return response


def names(app, key: str) -> dict[int, str]:
    creds = app.credentials()
    with httpx.Client(transport=app.transport(), base_url="http://127.0.0.1:8402",
                      auth=(f"{creds['email']}/token", creds["token"])) as http:
        items = http.get(f"{HC}/{key}.json", params={"per_page": 100}).json()[key]
    return {i["id"]: i["name"] for i in items}


def test_a_lost_create_answer_is_owned_and_rolled_back_but_a_same_name_before_is_not(
        tmp_path: Path) -> None:
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=2, seed=6)
    target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    source_categories = names(source, "categories")
    assert len(source_categories) >= 2
    creds = target.credentials()
    with httpx.Client(transport=target.transport(), base_url="http://127.0.0.1:8402",
                      auth=(f"{creds['email']}/token", creds["token"])) as http:
        theirs = sorted(source_categories.values())[-1]  # made by hand before any run
        http.post(f"{HC}/categories.json", json={"category": {
            "name": theirs, "description": "theirs"}}).raise_for_status()
    before = names(target, "categories")
    urls = {"source": "http://127.0.0.1:8401", "target": "http://127.0.0.1:8402"}
    config = parse({side: {"platform": "zendesk", "url": urls[side], "rate_limit": 100_000,
                           **app.credentials()} for side, app in (("source", source),
                                                                  ("target", target))}
                   | {"billing": {"enforce": False}})
    dropping = DropsAnswers(target.transport())
    state, pm = StateStore(tmp_path / "state.db"), host.plugin_manager()
    summary = rn.start_run(config, "full", state=state, pm=pm, launch=rn.Launch(
        transports={"source": source.transport(), "target": dropping}))
    assert summary["status"] == "completed" and len(dropping.dropped) == 2
    after_run = names(target, "categories")
    # each source category once (theirs reused): the lost answers were found, never
    # written twice
    assert sorted(after_run.values()) == sorted({*before.values(),
                                                 *source_categories.values()})
    with rn.open_accounts(config, pm, transports={"source": source.transport(),
                                                  "target": target.transport()}) as accounts:
        rn.rollback(state, accounts.target, summary["run_id"], pm)
    assert names(target, "categories") == before  # theirs stays, every one of ours is gone
    assert names(target, "sections") == {}
    assert state.created_remaining(summary["run_id"]) == 0

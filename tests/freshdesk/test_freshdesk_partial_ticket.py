"""A ticket written in several requests (the ticket, then one note per message) whose note
answer is lost and whose look-up keeps failing stays pending; the ticket it created is
recorded as soon as Freshdesk answered, so rollback still removes it."""

from __future__ import annotations

from pathlib import Path

import httpx

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core import state as st
from deskmigrate.core.config import parse
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import StateStore


class LosesANote(httpx.BaseTransport):
    """Sends every request; the answer to the first note is lost (the connection drops
    after Freshdesk applied it), and from then on every look-up of a requester's tickets
    (how a crashed ticket is found again) is refused."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.lost: str | None = None  # the ticket whose note answer was lost

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.lost and request.method == "GET" and path == "/api/v2/tickets" and \
                "requester_id" in request.url.params:
            return httpx.Response(400, json={"description": "Validation failed", "errors": [
                {"field": "requester_id", "message": "refused", "code": "invalid_value"}]})
        response = self.inner.handle_request(request)
        if request.method == "POST" and path.endswith("/notes") and self.lost is None:
            response.read()
            self.lost = path.split("/")[4]
            raise httpx.ReadError("the connection dropped after the note was sent")
        return response


def live_tickets(app) -> set[str]:
    return {str(t["id"]) for t in app.store.query("tickets") if not t.get("deleted")}


def test_a_partial_ticket_that_cannot_be_looked_up_is_still_rolled_back(
        tmp_path: Path) -> None:
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=4, seed=6)
    target = open_sandbox("freshdesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    before = live_tickets(target)
    urls = {"source": "http://127.0.0.1:8401", "target": "https://acme.freshdesk.com"}
    config = parse({side: {"platform": app_platform, "url": urls[side], "rate_limit": 100_000,
                           **app.credentials()}
                    for side, app_platform, app in (("source", "zendesk", source),
                                                    ("target", "freshdesk", target))}
                   | {"billing": {"enforce": False}})
    losing = LosesANote(target.transport())
    state, pm = StateStore(tmp_path / "state.db"), host.plugin_manager()
    summary = rn.start_run(config, "full", state=state, pm=pm, launch=rn.Launch(
        transports={"source": source.transport(), "target": losing}))
    run = summary["run_id"]
    assert losing.lost is not None
    [pending] = [o for o in state.outcomes(run) if o["status"] == st.PENDING]
    assert pending["kind"] == "ticket" and "could not tell" in pending["reason"]
    assert losing.lost in live_tickets(target)  # written in part, in no id map
    assert losing.lost not in state.id_map(1, "ticket").values()

    with rn.open_accounts(config, pm, transports={"source": source.transport(),
                                                  "target": target.transport()}) as accounts:
        deleted = rn.rollback(state, accounts.target, run, pm)
    assert live_tickets(target) == before  # the partial ticket went with the rest
    assert deleted["ticket"] == summary["records"]["ticket"]["migrated"] + 1
    assert state.created_remaining(run) == 0 and state.status(run) == st.ROLLED_BACK

"""The Zendesk sandbox's incremental exports have their own limit on top of the account's
(10 a minute as the real service, 30 with High Volume; the cursor user export 20), told in
``Zendesk-RateLimit-incremental-exports`` headers; the connector's client stays within it."""

from __future__ import annotations

from pathlib import Path

from zendesk_support import PLATFORM, URL, api_client

from deskmigrate.core.connect import connect
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

TICKETS = "/api/v2/incremental/tickets/cursor.json?start_time=0"
USERS = "/api/v2/incremental/users/cursor.json?start_time=0"
HEADER = "Zendesk-RateLimit-incremental-exports"


def limited(path: Path, exports: int | None) -> ZendeskSandbox:
    app = ZendeskSandbox(path, rate_limit=700)
    app.seed(tickets=2, seed=3)
    app.export_rate_limit = exports
    return app


def test_exports_beyond_their_limit_are_429_while_the_account_has_room(tmp_path):
    app = limited(tmp_path / "z.sqlite", exports=2)
    with api_client(app) as http:
        first, second, third = (http.get(TICKETS) for _ in range(3))
        other = http.get("/api/v2/users/me.json")
        users = [http.get(USERS) for _ in range(4)]  # its own window: twice the limit
    assert first.headers[HEADER].startswith("total=2; remaining=1; resets=")
    assert second.status_code == 200 and "remaining=0;" in second.headers[HEADER]
    assert third.status_code == 429 and 1 <= int(third.headers["Retry-After"]) <= 60
    assert "remaining=0;" in third.headers[HEADER]
    assert other.status_code == 200 and HEADER not in other.headers
    assert int(other.headers["X-Rate-Limit-Remaining"]) == 700 - 3  # the exports counted too
    assert [u.status_code for u in users] == [200] * 4
    assert users[-1].headers[f"{HEADER}-cursor"].startswith("total=4; remaining=0;")


def test_no_export_limit_without_an_account_limit_or_when_turned_off(tmp_path):
    for app in (ZendeskSandbox(tmp_path / "a.sqlite"), limited(tmp_path / "b.sqlite", None)):
        app.seed(tickets=1, seed=3)
        with api_client(app) as http:
            answers = [http.get(TICKETS) for _ in range(12)]
        assert all(a.status_code == 200 and HEADER not in a.headers for a in answers)


def test_the_connector_learns_the_export_limit_and_waits_before_spending_it(tmp_path):
    app = limited(tmp_path / "z.sqlite", exports=3)
    conn = connect(PLATFORM, URL, app.credentials(), transport=app.transport())
    route = conn.http.endpoints.route(TICKETS.split("?")[0])
    assert route is not None
    conn.http.get_json(TICKETS)
    assert route[1].per_minute == 3 and route[1].held_for() == 0
    conn.http.get_json(TICKETS)  # one left: kept in reserve, so the next export waits...
    assert route[1].held_for() > 0
    assert conn.http.budget.held_for() == 0  # ...while the account's other requests go on
    conn.http.get_json("api/v2/users/me.json")
    conn.http.close()

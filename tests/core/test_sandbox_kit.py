"""The sandbox kit: rate limit with Retry-After, fault injection, dropped connections."""

from __future__ import annotations

import httpx
import pytest
from werkzeug.routing import Rule

from deskmigrate.sandbox import SandboxApp, serve_in_thread


class Tiny(SandboxApp):
    platform = "tiny"

    def rules(self):
        return [Rule("/ping", endpoint="ping")]

    def authenticate(self, request):
        return {"id": 1} if request.headers.get("Authorization") == "Bearer ok" else None

    def rate_limit_headers(self, limit, remaining, reset):
        return {"X-Limit": str(limit), "X-Remaining": str(remaining)}

    def ping(self, request, user):
        return {"pong": True}


def test_rate_limit_answers_429_with_retry_after(tmp_path):
    app = Tiny(tmp_path / "t.sqlite", rate_limit=2)
    with httpx.Client(transport=app.transport(), base_url="http://t",
                      headers={"Authorization": "Bearer ok"}) as http:
        first = http.get("/ping")
        assert first.json() == {"pong": True} and first.headers["X-Remaining"] == "1"
        assert http.get("/ping").status_code == 200
        limited = http.get("/ping")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["X-Remaining"] == "0"


def test_unknown_credentials_are_401(tmp_path):
    app = Tiny(tmp_path / "t.sqlite")
    with httpx.Client(transport=app.transport(), base_url="http://t") as http:
        assert http.get("/ping").status_code == 401


def test_a_dropped_connection_closes_the_socket_at_once(tmp_path):
    app = Tiny(tmp_path / "t.sqlite", fault_rate=1.0)
    app.faults.KINDS = ("drop",)
    with serve_in_thread(app) as url, pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{url}/ping", headers={"Authorization": "Bearer ok"}, timeout=10)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.Client(transport=app.transport()).get("http://t/ping")


def test_faults_are_reproducible_from_their_seed(tmp_path):
    draws = []
    for _ in range(2):
        app = Tiny(tmp_path / "t.sqlite", fault_rate=0.3, fault_seed=9)
        draws.append([app.faults.draw() for _ in range(200)])
    assert draws[0] == draws[1]
    assert {d for d in draws[0] if d} == {"429", "500", "drop"}

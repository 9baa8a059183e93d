"""The sandbox kit: rate limit with Retry-After, fault injection, dropped connections."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from werkzeug.routing import Rule

from deskmigrate.sandbox import SandboxApp, serve_in_thread


class Tiny(SandboxApp):
    platform = "tiny"

    def rules(self):
        return [Rule("/ping", endpoint="ping"),
                Rule("/counter", methods=["POST"], endpoint="bump")]

    def authenticate(self, request):
        return {"id": 1} if request.headers.get("Authorization") == "Bearer ok" else None

    def rate_limit_headers(self, limit, remaining, reset):
        return {"X-Limit": str(limit), "X-Remaining": str(remaining)}

    def ping(self, request, user):
        return {"pong": True}

    def bump(self, request, user):
        """Read, think, write: the read-modify-write a list append is in every sandbox."""
        doc = self.store.get("counters", 1) or {"id": 1, "seen": []}
        time.sleep(0.001)
        doc["seen"].append(request.args["n"])
        self.store.put("counters", doc)
        return {"seen": len(doc["seen"])}


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


def test_concurrent_writes_lose_no_update(tmp_path):
    """Two threads appending to one document both land, as on the real service (a JSM desk
    lost one of two organizations added at once before writes were atomic)."""
    app = Tiny(tmp_path / "t.sqlite")
    with httpx.Client(transport=app.transport(), base_url="http://t",
                      headers={"Authorization": "Bearer ok"}) as http, \
            ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: http.post(f"/counter?n={n}"), range(40)))
    assert sorted(app.store.get("counters", 1)["seen"], key=int) == [str(n) for n in range(40)]


def test_a_transaction_inside_another_is_a_savepoint(tmp_path):
    store = Tiny(tmp_path / "t.sqlite").store
    with store.transaction():
        store.insert("docs", {"n": 1})
        with pytest.raises(RuntimeError), store.transaction():
            store.insert("docs", {"n": 2})
            raise RuntimeError("the inner write fails")
        store.insert("docs", {"n": 3})
    assert sorted(d["n"] for d in store.query("docs")) == [1, 3]


class Echo(Tiny):
    def rules(self):
        return [Rule("/port", endpoint="port")]

    def port(self, request, user):
        return {"port": request.environ.get("REMOTE_PORT")}


def test_loopback_connections_are_kept_alive(tmp_path):
    """A client's pooled connection serves request after request (a benchmark measures the
    tools, not a TCP handshake per request)."""
    app = Echo(tmp_path / "t.sqlite")
    with serve_in_thread(app) as url, httpx.Client(
            base_url=url, headers={"Authorization": "Bearer ok"}) as http:
        answers = [http.get("/port") for _ in range(5)]
    assert all(a.status_code == 200 and "close" not in a.headers.get("connection", "")
               for a in answers)
    assert len({a.json()["port"] for a in answers}) == 1  # one client socket throughout


def test_latency_is_added_to_every_answer(tmp_path, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("deskmigrate.sandbox.app.time.sleep", slept.append)
    app = Tiny(tmp_path / "t.sqlite")
    app.latency = 0.15
    with httpx.Client(transport=app.transport(), base_url="http://t") as http:
        http.get("/ping", headers={"Authorization": "Bearer ok"})
        http.get("/ping")  # refused (401): it still took the time
    assert slept == [0.15, 0.15]

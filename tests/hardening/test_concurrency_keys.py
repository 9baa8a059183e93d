"""``[source]``/``[target] concurrency``: each caps the requests in flight on its own
connection (``[run] concurrency`` when unset), as the account's sandbox sees them."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import load
from deskmigrate.core.http import HttpClient
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import StateStore


class InFlight:
    """A WSGI app in front of a sandbox counting the requests it is answering at once."""

    def __init__(self, app: Any) -> None:
        self.app, self.now, self.most, self.lock = app, 0, 0, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.now -= 1


def test_the_cap_holds_requests_back_until_one_is_answered() -> None:
    """Four requests from four threads with a cap of two: each answer waits until two are in
    flight (so the cap is reached) and a moment more (so a third would be seen)."""
    cap, lock, seen = 2, threading.Condition(), {"now": 0, "most": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        with lock:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
            lock.notify_all()
            lock.wait_for(lambda: seen["now"] >= cap, timeout=10)
            lock.wait(timeout=0.05)  # room for a third request, were it let through
            seen["now"] -= 1
        return httpx.Response(200, json={})

    client = HttpClient("http://127.0.0.1:9", platform="test", concurrency=8,
                        max_in_flight=cap, transport=httpx.MockTransport(answer))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: client.request("GET", f"x/{n}"), range(4)))
    assert seen["most"] == cap


def test_each_side_keeps_to_its_own_concurrency(tmp_path: Path) -> None:
    source = open_sandbox("zendesk", tmp_path / "s.sqlite", tickets=3, seed=2)
    target = open_sandbox("zendesk", tmp_path / "t.sqlite", tickets=0, seed=3)
    config = tmp_path / "c.toml"
    config.write_text("".join(
        "\n".join([f"[{side}]", 'platform = "zendesk"', f'url = "http://127.0.0.1:{n}"',
                   *(f'{k} = "{v}"' for k, v in app.credentials().items()),
                   f"concurrency = {n}", ""])
        for side, app, n in (("source", source, 1), ("target", target, 2)))
        + "[run]\nconcurrency = 6\n[billing]\nenforce = false\n")
    seen = {"source": InFlight(source), "target": InFlight(target)}
    result = rn.start_run(load(config), "full", state=StateStore(tmp_path / "state.sqlite"),
                          pm=host.plugin_manager(), launch=rn.Launch(transports={
                              side: httpx.WSGITransport(app=app) for side, app in seen.items()}))
    assert result["status"] == "completed", result
    assert result["records"]["ticket"]["migrated"] == 3
    assert seen["source"].most == 1 and 1 <= seen["target"].most <= 2

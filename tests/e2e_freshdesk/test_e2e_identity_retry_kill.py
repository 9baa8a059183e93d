"""Freshdesk → Zendesk: a contact whose other email belongs to a user already in the target
is refused by ``users/create_many`` and sent again without that email (a second job). The
run is SIGKILLed right after that second job is queued, before its result is read (the
target itself pulls the trigger at the next request, so the point is exact under any load).
Resumed, the contact exists once, found by the run's stamp; rolled back, it is gone (with
the tickets, which Zendesk deletes softly) and the user who owned the email before is
untouched."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from e2e_accounts import id_map
from e2e_runs import ENV
from kill_trap import killed_migration, live_docs, rollback
from zendesk_reader import client

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import SandboxApp, serve_in_thread

PRIMARY, OTHER = "customer1@company2.example", "alt1@mail.example"  # the seed's contact 1


class SentAgain:
    """The Zendesk target's app, noting when the refused contact is sent again (its
    ``users/create_many`` item without ``identities``)."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.seen = False

    def __getattr__(self, name: str):  # the sandbox's own attributes (store, credentials…)
        return getattr(self.app, name)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ["PATH_INFO"].endswith("/users/create_many.json"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            self.seen |= any(user.get("email") == PRIMARY and not user.get("identities")
                             for user in json.loads(body)["users"])
        return self.app(environ, start_response)


def users_with(app: SandboxApp, email: str) -> list[dict]:
    return [u for u in app.store.query("users") if u.get("active", True)
            and (u.get("email") or "").lower() == email]


@pytest.mark.slow
def test_killed_after_the_contact_is_sent_again_resume_makes_it_once(tmp_path: Path) -> None:
    source = open_sandbox("freshdesk", tmp_path / "source.sqlite", tickets=10, seed=17)
    contact = next(c for c in source.store.query("contacts") if c.get("email") == PRIMARY)
    assert contact["other_emails"] == [OTHER]  # what the seed gives the test to work with
    target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    with serve_in_thread(target) as url, client(url, target.credentials()) as http:
        owner = http.post("/api/v2/users.json", json={"user": {
            "name": "Owner of the address", "email": OTHER}}).raise_for_status().json()["user"]
    before = live_docs(tmp_path / "target.sqlite")
    watch = SentAgain(target)
    with killed_migration(tmp_path, source, watch,  # type: ignore[arg-type]
                          lambda method, path: watch.seen, apply=True) as command:
        assert len(users_with(target, PRIMARY)) == 1  # the second job landed, unread
        resumed = subprocess.run([*command, "resume", "1", "--json"], env=ENV,
                                 capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert json.loads(resumed.stdout)["status"] == "completed"
        [made] = users_with(target, PRIMARY)  # once, the run's stamp on it
        assert made["external_id"] and made["id"] != owner["id"]
        assert [u["id"] for u in users_with(target, OTHER)] == [owner["id"]]
        assert id_map(tmp_path / "state.db", "contact")[str(contact["id"])] == str(made["id"])
        assert rollback(command)["status"] == "rolled_back"
        after = live_docs(tmp_path / "target.sqlite")
        assert after["users"] == before["users"]  # the owner stays, the contact is gone
        assert {t["status"] for t in target.store.query("tickets")} == {"deleted"}

"""A third-party option found through the ``deskmigrate`` entry point exactly as an installed
package would be: ``redact_cards`` masks card numbers on their way to the target."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import httpx
import pytest

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import parse
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import StateStore

PLUGIN = Path(__file__).parent / "deskmigrate_redact_cards"
CARD_TEXT = ("Please charge 4111 1111 1111 1111 again, or 4012-8888-8888-1881. Order "
             "1234567890123 and phone +1 415 555 0100 are not cards.")
MASKED = ("Please charge •••• •••• •••• 1111 again, or ••••-••••-••••-1881. Order "
          "1234567890123 and phone +1 415 555 0100 are not cards.")
DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")


def luhn_valid(digits: str) -> bool:
    total = sum(int(d) if n % 2 == 0 else sum(divmod(int(d) * 2, 10))
                for n, d in enumerate(reversed(digits)))
    return total % 10 == 0


def install(site: Path) -> None:
    """Lay the plugin out in ``site`` as pip would: the module and a ``.dist-info`` whose
    ``entry_points.txt`` comes from the plugin's pyproject.toml."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    shutil.copy(PLUGIN / "deskmigrate_redact_cards.py", site)
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\n"
                                   f"Version: {project['version']}\n")
    points = project["entry-points"]["deskmigrate"]
    (info / "entry_points.txt").write_text(
        "[deskmigrate]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()))


def client(app, url: str) -> httpx.Client:
    creds = app.credentials()
    return httpx.Client(transport=app.transport(), base_url=url,
                        auth=(f"{creds['email']}/token", creds["token"]))


@pytest.fixture
def plugin_manager(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    install(site)
    monkeypatch.syspath_prepend(str(site))
    return host.new_plugin_manager()


def test_the_entry_point_makes_the_option_known(plugin_manager) -> None:
    option = host.options(plugin_manager)["redact_cards"]
    freshdesk, zendesk = (host.platform(n, plugin_manager).capabilities
                          for n in ("freshdesk", "zendesk"))
    assert option.supports(freshdesk, zendesk) and option.value_type is bool
    assert "deskmigrate_redact_cards" in {
        getattr(p, "__name__", "") for p in plugin_manager.get_plugins()}


def test_migration_masks_card_numbers_and_nothing_else(tmp_path, plugin_manager) -> None:
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=12, seed=6)
    target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    urls = {"source": "http://127.0.0.1:8401", "target": "http://127.0.0.1:8402"}
    with client(source, urls["source"]) as http:
        body = http.get("/api/v2/incremental/tickets/cursor.json",
                        params={"start_time": 0}).json()
        carded = [t for t in body["tickets"] if t["status"] not in ("closed", "deleted")][:2]
        for ticket in carded:
            http.put(f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {"comment": {
                "html_body": f"<p>{CARD_TEXT}</p>", "public": False}}}).raise_for_status()
    config = parse({side: {"platform": "zendesk", "url": urls[side], "rate_limit": 100_000,
                           **app.credentials()} for side, app in (("source", source),
                                                                  ("target", target))}
                   | {"options": {"redact_cards": True}, "billing": {"enforce": False}})
    summary = rn.start_run(config, "full", state=StateStore(tmp_path / "state.db"),
                           pm=plugin_manager, launch=rn.Launch(transports={
                               "source": source.transport(), "target": target.transport()}))
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 0
    assert summary["options"] == {"redact_cards": len(carded)}
    with client(target, urls["target"]) as http:
        tickets = http.get("/api/v2/incremental/tickets/cursor.json",
                           params={"start_time": 0}).json()["tickets"]
        bodies = [c["html_body"] for t in tickets for c in http.get(
            f"/api/v2/tickets/{t['id']}/comments.json").json()["comments"]]
    assert sum(f"<p>{MASKED}</p>" in b for b in bodies) == len(carded)
    for body in bodies:
        text = re.sub(r"<[^>]*>", " ", body)  # the words, not URLs in tags (upload tokens)
        for run in DIGIT_RUN.findall(text):
            assert not luhn_valid(re.sub(r"\D", "", run)), run


@pytest.mark.parametrize("native", [True, False], ids=["native", "as-notes"])
def test_side_conversation_messages_are_redacted_too(plugin_manager, native) -> None:
    from collections import Counter
    from datetime import UTC, datetime

    from deskmigrate.core.connector import Capabilities
    from deskmigrate.core.pipeline import run_pipeline
    from deskmigrate.core.records import Comment, SideConversation, Ticket
    from deskmigrate.core.run import RunContext

    def message(sid: str) -> Comment:
        return Comment(source_id=sid, author_id="1", body_html=f"<p>{CARD_TEXT}</p>",
                       body_text=CARD_TEXT, created_at=datetime(2025, 1, 1, tzinfo=UTC))

    ticket = Ticket(source_id="1", subject="Card", comments=[message("c1")],
                    side_conversations=[SideConversation(
                        source_id="s1", subject="Ask billing", participants=["b@x.test"],
                        messages=[message("m1"), message("m2")])])
    context = RunContext(
        migration_id=1, run_id=1, mode="full", source_platform="zendesk",
        target_platform="other", options={"redact_cards": True, "side_conversations": True},
        started_at=datetime(2025, 1, 1, tzinfo=UTC),
        source_capabilities=Capabilities(side_conversations=True),
        target_capabilities=Capabilities(side_conversations=native), option_usage=Counter())
    assert run_pipeline(plugin_manager, context, "ticket", ticket) is None
    messages = list(ticket.messages())
    assert len(messages) == 3  # the comment and both side messages, in whichever form
    assert all(MASKED in m.body_html and m.body_text == MASKED for m in messages)
    assert context.option_usage["redact_cards"] == 1

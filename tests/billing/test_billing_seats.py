"""Issue 14, agent seats (seed 001: agents need paid licences, customers are free). `check`,
the demo and `billing quote` report the seats the target needs -- the source agents
assigned to tickets that are not agents there already -- against the seats the target's API
says it has, and "unknown" where the API does not tell. End to end through the CLI over
loopback; the JSM licence endpoint of the sandbox is read by a real client
(atlassian-python-api) and the connectors' readings are replayed from published payloads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import zendesk_reader
from atlassian import Jira
from click.testing import CliRunner
from e2e_accounts import Account, cli_json, write_config

from deskmigrate.cli import cli
from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Seats
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.plugins.freshdesk.platform import FreshdeskPlatform
from deskmigrate.plugins.intercom.platform import IntercomPlatform
from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform
from deskmigrate.plugins.jira_sm.sandbox import JiraSmSandbox
from deskmigrate.plugins.jira_sm.sandbox.people import add_user
from deskmigrate.sandbox import SandboxApp, serve_in_thread

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs"
TICKETS, SEED = 10, 13  # a small Zendesk source: 10 tickets, 11 agents and admins
JSM_AGENTS = ("jira-servicemanagement-users",)


@pytest.fixture(scope="module")
def source_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zendesk-seats") / "source.sqlite"
    open_sandbox("zendesk", path, tickets=TICKETS, seed=SEED).store.close()
    return path


Served = Callable[[str], tuple[Account, Account, SandboxApp]]


@pytest.fixture
def served(tmp_path: Path, source_file: Path) -> Iterator[Served]:
    """``served(target)``: the seeded Zendesk source and an empty ``target`` on loopback."""
    with ExitStack() as stack:
        def make(target: str) -> tuple[Account, Account, SandboxApp]:
            shutil.copy(source_file, tmp_path / "source.sqlite")
            src = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=TICKETS, seed=SEED)
            dst = open_sandbox(target, tmp_path / f"{target}.sqlite", tickets=0, seed=0)
            return (Account("zendesk", stack.enter_context(serve_in_thread(src)),
                            src.credentials()),
                    Account(target, stack.enter_context(serve_in_thread(dst)),
                            dst.credentials()), dst)
        yield make


def agents_with_tickets(source: Account) -> dict[str, str]:
    """Read independently of the connector: id -> email of the agents and admins that the
    ticket export names as assignee."""
    http = zendesk_reader.client(source.url, source.credentials)
    assigned = {t["assignee_id"] for t in zendesk_reader.export_tickets(http)}
    agents = zendesk_reader.pages(http, "/api/v2/users.json?role[]=agent&role[]=admin", "users")
    return {str(a["id"]): a["email"] for a in agents if a["id"] in assigned}


def cli_text(db: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()


def test_jsm_target_check_demo_and_quote_say_how_many_seats_to_add(
        tmp_path: Path, served: Served) -> None:
    source, target, app = served("jira_sm")
    agents = agents_with_tickets(source)
    assert len(agents) == 6  # tickets of seed 13 are assigned to 6 of the 11 agents/admins
    app.store.set_meta("agent_seats", "3")  # the JSM licence bought: 3 agent seats
    first = sorted(agents)[0]  # that agent is already an agent of the JSM site
    add_user(app.store, agents[first], "Already There", customer=False, groups=JSM_AGENTS)
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    # 6 agents with tickets, 1 already in JSM: 5 new seats. JSM: 3 seats, held by the site
    # admin and that agent = 2 in use, 1 free -> 5 - 1 = 4 to add.
    expected = ("Agent seats: the target needs 5 (6 source agents with tickets, 1 already "
                "agents there); it has 1 free of 3 (Jira's jira-servicedesk application "
                "role): add 4 before the full run.")
    assert cli_text(db, "check", "--config", str(config))[-1] == expected

    demo = cli_json(db, "demo", "--config", str(config), "--seed", "1")
    seats = {"needed": 6, "already_agents": 1, "new": 5, "total": 3, "used": 2, "free": 1,
             "unlimited": False, "basis": "Jira's jira-servicedesk application role",
             "to_buy": 4}
    assert demo["seats"] == seats
    assert demo["quote"]["seats"] == seats
    assert f"  {expected}" in cli_text(db, "demo", "--config", str(config), "--seed", "1")
    assert cli_text(db, "billing", "quote", str(demo["run_id"]))[-1] == expected
    assert json.loads(CliRunner().invoke(cli, ["--db", str(db), "billing", "quote",
                                               str(demo["run_id"]), "--json"]).stdout
                      )["seats"] == seats


@pytest.mark.parametrize(("target", "basis", "used"), [
    # an empty Freshdesk sandbox has its owner as only (full-time) agent
    ("freshdesk", "Freshdesk's API counts the agents but not the seats bought", 1),
    # an empty Zendesk sandbox has its owner as only agent or admin
    ("zendesk", "Zendesk's API does not tell how many seats the account has bought", 1),
])
def test_seats_a_target_api_does_not_tell_are_said_unknown(
        tmp_path: Path, served: Served, target: str, basis: str, used: int) -> None:
    source, account, _ = served(target)
    config = write_config(tmp_path / "c.toml", source, account)
    # 6 agents with tickets (as above), none in the empty target: 6 new seats
    assert cli_text(tmp_path / "s.db", "check", "--config", str(config))[-1] == (
        "Agent seats: the target needs 6 (6 source agents with tickets, 0 already agents "
        f"there); its free seats are unknown ({basis}, {used} in use): check its "
        "subscription before the full run.")


def test_jsm_sandbox_licence_read_by_atlassian_python_api(tmp_path: Path) -> None:
    app = JiraSmSandbox(tmp_path / "jsm.sqlite")
    app.seed(tickets=0, seed=0)
    credentials = app.credentials()
    published = _jira_example("/rest/api/3/applicationrole/{key}")
    with serve_in_thread(app) as url:
        jira = Jira(url=url, username=credentials["email"], password=credentials["token"],
                    cloud=True, api_version="3")
        role = jira.get_application_role("jira-servicedesk")
        assert set(role) == set(published)  # the vendor's shape, key for key
        # default licence of 10 seats; the site admin holds one
        assert (role["key"], role["numberOfSeats"], role["userCount"], role["remainingSeats"],
                role["hasUnlimitedSeats"]) == ("jira-servicedesk", 10, 1, 9, False)
        assert [r["key"] for r in jira.get_all_application_roles()] == ["jira-servicedesk"]
        admin = app.store.query("users")[0]
        app.store.put("users", {**admin, "groups": list(JSM_AGENTS)})  # no Administer Jira
        target = JiraSmPlatform().target(connect(JiraSmPlatform(), url, credentials))
        refused = target.seats()
    assert (refused.total, refused.free) == (None, None)  # unknown, never guessed
    assert refused.basis.startswith("Jira refused GET /rest/api/3/applicationrole/"
                                    "jira-servicedesk: ")


def _jira_example(path: str) -> dict:
    document = json.loads((SPECS / "jira_sm" / "jira-platform-v3.json").read_text())
    body = document["paths"][path]["get"]["responses"]["200"]["content"][
        "application/json"]["example"]
    return json.loads(body) if isinstance(body, str) else body


def _replayed(platform: object, url: str, credentials: dict[str, str],
              routes: dict[str, object]) -> Seats:
    """``platform``'s target reading its seats from published payloads (path -> body)."""
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=routes[request.url.path])
    connection = connect(platform, url, credentials,  # type: ignore[arg-type]
                         transport=httpx.MockTransport(answer))
    return platform.target(connection).seats()  # type: ignore[attr-defined]


def test_connectors_read_seats_from_published_payloads() -> None:
    # Atlassian's OpenAPI example (a 10-seat licence, 5 users, 5 remaining)
    jsm = _replayed(JiraSmPlatform(), "https://your-domain.atlassian.net",
                    {"email": "a@example.com", "token": "t", "service_desk": "ITH"},
                    {"/rest/api/3/applicationrole/jira-servicedesk":
                     _jira_example("/rest/api/3/applicationrole/{key}")})
    assert (jsm.total, jsm.used, jsm.free, jsm.unlimited) == (10, 5, 5, False)
    # Freshdesk's "View Account" example (developers.freshdesk.com/api/#account),
    # transcribed by hand: 1 full-time and 1 occasional agent (a day pass, no seat)
    account = {"organisation_id": 284960733419037800,
               "organisation_name": "dailyplanet.myfreshworks.com", "account_id": 1840509,
               "account_name": "Daily Planet", "account_domain": "dailyplanet.freshdesk.com",
               "bundle_id": None, "hipaa_compliant": False,
               "total_agents": {"full_time": 1, "occasional": 1, "field_service": 0,
                                "collaborators": 0},
               "timezone": "Eastern Time (US & Canada)", "data_center": "US",
               "tier_type": "Forest"}
    fd = _replayed(FreshdeskPlatform(), "https://dailyplanet.freshdesk.com",
                   {"api_key": "k"}, {"/api/v2/account": account})
    assert (fd.total, fd.used, fd.free) == (None, 1, None)
    # Intercom's listAdmins example (api.intercom.io-2.14.yaml): one admin with a seat
    admins = {"type": "admin.list", "admins": [
        {"type": "admin", "email": "admin7@email.com", "id": "991267466",
         "name": "Ciaran7 Lee", "away_mode_enabled": False, "away_mode_reassign": False,
         "has_inbox_seat": True, "team_ids": []}]}
    ic = _replayed(IntercomPlatform(), "https://api.intercom.io", {"token": "t"},
                   {"/admins": admins})
    assert (ic.total, ic.used, ic.free) == (None, 1, None)


def test_freshdesk_sandbox_account_has_the_published_shape(tmp_path: Path) -> None:
    app = open_sandbox("freshdesk", tmp_path / "fd.sqlite", tickets=0, seed=0)
    with serve_in_thread(app) as url:
        body = httpx.get(f"{url}/api/v2/account",
                         auth=(app.credentials()["api_key"], "X")).raise_for_status().json()
    assert set(body) >= {"organisation_id", "organisation_name", "account_id",
                         "account_name", "account_domain", "bundle_id", "hipaa_compliant",
                         "total_agents", "timezone", "data_center", "tier_type", "address",
                         "contact_person"}
    assert body["total_agents"] == {"full_time": 1, "occasional": 0, "field_service": 0,
                                    "collaborators": 0}  # the owner only


@pytest.mark.parametrize("platform", ["zendesk", "freshdesk", "jira_sm", "intercom"])
def test_each_source_lists_the_same_assignees_as_reading_every_ticket(
        tmp_path: Path, platform: str) -> None:
    """A source's cheap listing of assignees (list rows only) agrees with the base class's
    reading of every ticket in full, and names agents the source has."""
    from deskmigrate.core import host
    from deskmigrate.core.connector import Source

    app = open_sandbox(platform, tmp_path / "s.sqlite", tickets=8, seed=5)
    plugin = host.platform(platform)
    source = plugin.source(connect(plugin, "http://127.0.0.1:9", app.credentials(),
                                   transport=app.transport()))
    listed = source.ticket_agents()
    assert listed == Source.ticket_agents(source)
    assert listed and listed <= {a.source_id for a in source.read("agent")}


def test_only_the_tickets_the_select_filters_keep_need_seats(tmp_path: Path,
                                                             served: Served) -> None:
    source, target, _ = served("freshdesk")
    http = zendesk_reader.client(source.url, source.credentials)
    solved = {t["assignee_id"] for t in zendesk_reader.export_tickets(http)
              if t["status"] == "solved"}
    assert len(solved) == 4  # the 5 solved tickets of seed 13 have 4 distinct assignees
    config = write_config(tmp_path / "c.toml", source, target,
                          '[select]\nstatus = ["solved"]\n')
    assert cli_text(tmp_path / "s.db", "check", "--config", str(config))[-1].startswith(
        "Agent seats: the target needs 4 (4 source agents with tickets, 0 already agents "
        "there); its free seats are unknown")


def test_intercom_target_counts_the_teammates_with_a_seat(tmp_path: Path) -> None:
    from deskmigrate.core import host

    app = open_sandbox("intercom", tmp_path / "ic.sqlite", tickets=4, seed=2)
    with serve_in_thread(app) as url:
        admins = httpx.get(f"{url}/admins", headers={
            "Authorization": f"Bearer {app.credentials()['token']}"}).raise_for_status().json()
        plugin = host.platform("intercom")
        seats = plugin.target(connect(plugin, url, app.credentials())).seats()
    holding = sum(1 for a in admins["admins"] if a["has_inbox_seat"])
    assert 0 < holding < len(admins["admins"])  # the seed leaves one teammate without a seat
    assert (seats.total, seats.used, seats.free) == (None, holding, None)

"""Bad input through the CLI: one sentence on one line, a non-zero exit, and nothing
written: the state database, the target and the working folder are left as they were."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core import http
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import COMPLETED, StateStore
from deskmigrate.sandbox import serve_in_thread

Setup = Callable[["Workspace"], list[str]]


@dataclass
class Servers:
    source: str
    target: str
    target_db: Path
    email: str
    token: str
    source_email: str
    source_token: str
    hostile: str  # the source behind a hostile proxy: {hostile}/MODE is its URL


LOGIN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n"
              b"<body><form>Single sign-on</form></body></html>")


def hostile(source: Any) -> Any:
    """The source behind a proxy whose answer depends on the first path segment (the rest
    goes to the source): a login page, a body that is not JSON, a JSON null, a 200 KB
    one-line error, a proxy's multi-line HTML 403 page, a 401 echoing the credentials, a
    list (echoing them too) where an object belongs, ticket lists that are text."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        _, mode, rest = environ["PATH_INFO"].split("/", 2)
        auth = environ.get("HTTP_AUTHORIZATION", "")
        decoded = base64.b64decode(auth.partition(" ")[2] or "").decode()
        answers = {
            "login-page": ("200 OK", "text/html", LOGIN_PAGE),
            "not-json": ("200 OK", "application/json", b'{"user": {"id": 1, "na'),
            "json-null": ("200 OK", "application/json", b"null"),
            "giant-page": ("200 OK", "application/json", b'{"users": [' + b"{}," * 3_000_000),
            "giant-error": ("400 Bad Request", "text/plain", b"x" * 200_000),
            "proxy-403": ("403 Forbidden", "text/html",
                          b"<html><head><title>403\nForbidden</title></head>\n<body>"
                          b"<h1>Request\nblocked</h1>\n</body></html>"),
            "echo-401": ("401 Unauthorized", "application/json", json.dumps(
                {"error": f"bad {auth} ({decoded})"}).encode()),
            "a-list": ("200 OK", "application/json", json.dumps([{"me": decoded}]).encode()),
        }
        if mode == "tickets-text" and "/tickets" in rest:
            answers[mode] = ("200 OK", "application/json", b'{"tickets": "x", "count": 2}')
        if mode not in answers:
            environ["PATH_INFO"] = "/" + rest
            return source(environ, start_response)
        status, kind, body = answers[mode]
        start_response(status, [("Content-Type", kind)])
        return [body]
    return wsgi


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    """A seeded Zendesk source and an empty Zendesk target on loopback."""
    folder = tmp_path_factory.mktemp("bad-input-sandboxes")
    source = open_sandbox("zendesk", folder / "source.sqlite", tickets=2, seed=5)
    target = open_sandbox("zendesk", folder / "target.sqlite", tickets=0, seed=6)
    s, t = source.credentials(), target.credentials()
    with serve_in_thread(source) as source_url, serve_in_thread(target) as target_url, \
            serve_in_thread(hostile(source)) as hostile_url:
        yield Servers(source_url, target_url, folder / "target.sqlite", t["email"], t["token"],
                      s["email"], s["token"], hostile_url)


class Workspace:
    """A folder with a state database holding one completed run and a good config."""

    def __init__(self, root: Path, servers: Servers) -> None:
        self.root, self.servers = root, servers
        self.db = root / "state.sqlite"
        state = StateStore(self.db)
        migration = state.migration_for("zendesk", servers.source, "zendesk", servers.target)
        run = state.start_run(migration, "full", config={}, options={})
        state.set_status(run, COMPLETED)
        state.db.conn.close()

    def config(self, source: str = "", target: str = "", extra: str = "", top: str = "",
               name: str = "c.toml") -> str:
        s = self.servers
        text = top + (source or f'[source]\nplatform = "zendesk"\nurl = "{s.source}"\n'
                f'email = "{s.source_email}"\ntoken = "{s.source_token}"\n')
        text += (target or f'[target]\nplatform = "zendesk"\nurl = "{s.target}"\n'
                 f'email = "{s.email}"\ntoken = "{s.token}"\n')
        path = self.root / name
        path.write_text(text + "[billing]\nenforce = false\n" + extra)
        return str(path)

    def db_with(self, sql: str, then: tuple[str, ...] = ("runs",)) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            conn.executescript(sql)
        return list(then)

    def behind(self, mode: str, command: str = "check") -> list[str]:
        """``command`` with the source behind the hostile proxy answering as ``mode``."""
        s = self.servers
        return [command, "--config", self.config(source="[source]\n" + zd(
            f"{s.hostile}/{mode}", email=s.source_email, token=s.source_token))]

    def raw(self, name: str, data: bytes) -> str:
        (self.root / name).write_bytes(data)
        return str(self.root / name)


CUSTOMER = '[customer]\nname = "Acme"\nemail = "billing@acme.example"\ncountry = "FR"\n'
BIG = str(2**70)  # more than SQLite's integers hold
MIGRATED_ONE = ("INSERT INTO outcomes (run_id, kind, source_id, status, target_id) "
                "VALUES (1, 'group', '1', 'migrated', '2')")


def zd(url: str, **keys: str) -> str:
    lines = ['platform = "zendesk"', f'url = "{url}"'] + [f'{k} = "{v}"' for k, v in keys.items()]
    return "\n".join(lines) + "\n"


CASES: list[tuple[str, int, Setup]] = [
    # -- the config file --------------------------------------------------------------------
    ("config missing", 2, lambda w: ["migrate", "--config", str(w.root / "none.toml")]),
    ("config is a folder", 2, lambda w: ["migrate", "--config", str(w.root)]),
    ("config not TOML", 2, lambda w: ["migrate", "--config", w.raw("c.toml", b"[source")]),
    ("config not UTF-8", 2, lambda w: ["migrate", "--config",
                                       w.raw("c.toml", b"[source]\nurl = \"\xff\xfe\"\n")]),
    ("no [source]", 2, lambda w: ["migrate", "--config", w.raw("c.toml", b"[target]\n")]),
    ("source without url", 2, lambda w: ["check", "--config", w.config(
        source='[source]\nplatform = "zendesk"\n')]),
    ("url a number", 2, lambda w: ["check", "--config", w.config(
        source='[source]\nplatform = "zendesk"\nurl = 42\n')]),
    ("url ftp", 2, lambda w: ["check", "--config", w.config(
        source="[source]\n" + zd("ftp://127.0.0.1/x", email="a@b.c", token="t"))]),
    ("plain http to a foreign host", 2, lambda w: ["check", "--config", w.config(
        source="[source]\n" + zd("http://example.com", email="a@b.c", token="t"))]),
    ("password in the url", 2, lambda w: ["migrate", "--config", w.config(
        source="[source]\n" + zd("https://me:pw@acme.zendesk.com", email="a@b.c",
                                 token="t"))]),
    ("rate_limit 0", 2, lambda w: ["migrate", "--config", w.config(
        extra="", source=f"[source]\n{zd(w.servers.source, email='a@b.c', token='t')}"
        "rate_limit = 0\n")]),
    ("rate_limit a word", 2, lambda w: ["migrate", "--config", w.config(
        source=f"[source]\n{zd(w.servers.source, email='a@b.c', token='t')}"
        'rate_limit = "fast"\n')]),
    ("rate_limit true", 2, lambda w: ["migrate", "--config", w.config(
        source=f"[source]\n{zd(w.servers.source, email='a@b.c', token='t')}"
        "rate_limit = true\n")]),
    ("concurrency 0", 2, lambda w: ["migrate", "--config", w.config(
        extra="[run]\nconcurrency = 0\n")]),
    ("concurrency x", 2, lambda w: ["migrate", "--config", w.config(
        extra='[run]\nconcurrency = "x"\n')]),
    ("concurrency 1000", 2, lambda w: ["demo", "--config", w.config(
        extra="[run]\nconcurrency = 1000\n")]),
    ("unknown platform", 2, lambda w: ["check", "--config", w.config(
        source="[source]\n" + zd(w.servers.source, email="a@b.c", token="t").replace(
            "zendesk", "nodesk"))]),
    ("token missing", 2, lambda w: ["check", "--config", w.config(
        source="[source]\n" + zd(w.servers.source, email="a@b.c"))]),
    ("unset variable", 2, lambda w: ["check", "--config", w.config(
        source="[source]\n" + zd(w.servers.source, email="a@b.c",
                                 token="${DESKMIGRATE_TEST_UNSET}"))]),
    ("options not a table", 2, lambda w: ["migrate", "--config", w.config(
        top='options = "x"\n')]),
    ("unknown option", 2, lambda w: ["migrate", "--config", w.config(
        extra="[options]\nteleport = true\n")]),
    # -- the accounts -----------------------------------------------------------------------
    ("default_agent not in the target", 1, lambda w: ["migrate", "--config", w.config(
        extra='[run]\ndefault_agent = "nobody@example.com"\n')]),
    ("bad --timezone without --window", 2, lambda w: ["migrate", "--config", w.config(),
                                                     "--timezone", "Mars/Olympus"]),
    ("bad --window", 2, lambda w: ["migrate", "--config", w.config(), "--window",
                                   "someday 25:00"]),
    ("unreachable source", 1, lambda w: ["migrate", "--config", w.config(
        source="[source]\n" + zd("http://127.0.0.1:1", email="a@b.c", token="t"))]),
    ("wrong source token", 1, lambda w: ["demo", "--config", w.config(
        source="[source]\n" + zd(w.servers.source, email=w.servers.source_email,
                                 token="wrong-token"))]),
    ("check an unreachable target", 1, lambda w: ["check", "--config", w.config(
        target="[target]\n" + zd("http://127.0.0.1:1", email="a@b.c", token="t"))]),
    # -- the state database -----------------------------------------------------------------
    ("--db under /proc", 1, lambda w: ["--db", "/proc/deskmigrate/state.sqlite", "runs"]),
    ("--db under a file", 1, lambda w: ["--db", w.raw("f.txt", b"x") + "/s.sqlite", "runs"]),
    ("--db a folder", 2, lambda w: ["--db", str(w.root), "runs"]),
    ("corrupted database", 1, lambda w: ["--db", w.raw("g.sqlite", b"garbage" * 999), "runs"]),
    ("damaged SQLite", 1, lambda w: ["--db", w.raw(
        "d.sqlite", b"SQLite format 3\x00" + b"\xff" * 4000), "runs"]),
    ("newer user_version", 1, lambda w: w.db_with("PRAGMA user_version=99")),
    ("newer billing schema", 1, lambda w: w.db_with(
        "CREATE TABLE billing_meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO billing_meta VALUES ('schema_version', '99')")),
    ("foreign SQLite file", 1, lambda w: ["--db", str(_foreign(w)), "runs"]),
    # -- runs and reports -------------------------------------------------------------------
    ("status of no run", 1, lambda w: ["status", "999"]),
    ("status of a word", 2, lambda w: ["status", "abc"]),
    ("report of no run", 1, lambda w: ["report", "999"]),
    ("report in pdf", 2, lambda w: ["report", "1", "--format", "pdf"]),
    ("report to a missing folder", 1, lambda w: ["report", "1", "-o",
                                                 str(w.root / "no" / "r.json")]),
    ("report to an unwritable place", 1, lambda w: ["report", "1", "-o", "/proc/r.json"]),
    ("resume no run", 1, lambda w: ["resume", "999"]),
    ("resume a completed run", 1, lambda w: ["resume", "1"]),
    ("rollback no run", 1, lambda w: ["rollback", "999", "--yes"]),
    ("pause no run", 1, lambda w: ["pause", "999"]),
    ("pause a completed run", 7, lambda w: ["pause", "1"]),  # refused: no Signature plan
    ("delta of no run", 1, lambda w: ["delta", "999"]),
    ("demo seed a word", 2, lambda w: ["demo", "--seed", "x"]),
    # -- sandboxes --------------------------------------------------------------------------
    ("sandbox port in use", 1, lambda w: ["sandbox", "serve", "zendesk", "--data",
                                          str(w.root / "sb.db"), "--port",
                                          w.servers.target.rsplit(":", 1)[1]]),
    ("sandbox data under /proc", 1, lambda w: ["sandbox", "serve", "zendesk", "--port", "0",
                                               "--data", "/proc/deskmigrate/sb.sqlite"]),
    ("sandbox data under a file", 1, lambda w: ["sandbox", "serve", "zendesk", "--port", "0",
                                                "--data", w.raw("f", b"x") + "/sb.sqlite"]),
    ("sandbox of no platform", 2, lambda w: ["sandbox", "serve", "nodesk", "--port", "0"]),
    ("sandbox on a public address", 1, lambda w: ["sandbox", "serve", "zendesk",
                                                  "--host", "0.0.0.0"]),
    ("sandbox with -1 tickets", 2, lambda w: ["sandbox", "serve", "zendesk", "--port", "0",
                                              "--tickets", "-1"]),
    ("sandbox port too high", 2, lambda w: ["sandbox", "serve", "zendesk", "--port", "70000"]),
    # -- billing ----------------------------------------------------------------------------
    ("country XX", 2, lambda w: ["billing", "customer", "set", "--name", "Acme", "--email",
                                 "billing@acme.example", "--country", "XX"]),
    ("email without @", 2, lambda w: ["billing", "customer", "set", "--name", "Acme",
                                      "--email", "acme", "--country", "FR"]),
    ("pay no invoice", 1, lambda w: ["billing", "pay", "INV-999", "--method", "card"]),
    # -- new commands and options (audit of 2026-11-30; "fixed" = it failed before) -------
    ("init to an unwritable place", 1, lambda w: ["init", "zendesk", "freshdesk", "-o",
                                                  "/proc/deskmigrate.toml"]),
    ("init into a missing folder", 1, lambda w: ["init", "zendesk", "freshdesk", "-o",
                                                 str(w.root / "no" / "d.toml")]),
    ("init of an unknown platform", 2, lambda w: ["init", "nodesk", "zendesk", "-o",
                                                  str(w.root / "d.toml")]),
    ("init over an existing config", 1, lambda w: ["init", "zendesk", "freshdesk", "-o",
                                                   w.config()]),
    ("init --from-sandboxes, none served, --json", 1, lambda w: [
        "init", "--from-sandboxes", "--json", "-o", str(w.root / "d.toml")]),
    ("paths with --db under a file", 1, lambda w: [  # fixed: traceback
        "--db", w.raw("f", b"x") + "/s.sqlite", "paths"]),
    ("--log-format xml", 2, lambda w: ["--log-format", "xml", "runs"]),
    ("status of a run id past SQLite's integers", 1, lambda w: ["status", BIG]),  # fixed
    ("report of a run id past SQLite's integers, --json", 1, lambda w: [  # fixed
        "report", BIG, "--json"]),
    ("report --timezone Mars, --json", 2, lambda w: ["report", "1", "--timezone",
                                                    "Mars/Olympus", "--json"]),
    ("report html to an unwritable place", 1, lambda w: ["report", "1", "--format", "html",
                                                         "-o", "/proc/r.html"]),
    ("verify of no run, --json", 1, lambda w: ["verify", "999", "--json"]),
    ("verify a run started without a config", 1, lambda w: ["verify", "1"]),
    ("verify --sample 0", 2, lambda w: ["verify", "1", "--sample", "0"]),
    ("verify against an unreachable target", 1, lambda w: w.db_with(MIGRATED_ONE, (
        "verify", "1", "--config", w.config(target="[target]\n" + zd(
            "http://127.0.0.1:1", email="a@b.c", token="t"))))),
    ("migrate --again a run id past SQLite's integers", 1, lambda w: [  # fixed
        "migrate", "--config", w.config(), "--again", BIG]),
    # -- [select] and its flags -------------------------------------------------------------
    ("--status empty", 2, lambda w: [  # fixed: ran everything
        "migrate", "--config", w.config(), "--status", ""]),
    ("--tags-none only commas", 2, lambda w: [  # fixed: ran everything
        "migrate", "--config", w.config(), "--tags-none", " , ,"]),
    ("--recent-days 99999999999", 2, lambda w: [  # fixed: traceback mid-run
        "migrate", "--config", w.config(), "--order", "express", "--recent-days",
        "99999999999"]),
    ("[select] created_after past the end of time", 2, lambda w: [  # fixed: traceback
        "migrate", "--config", w.config(extra="[select]\ncreated_after = "
                                        "9999-12-31T23:59:59-01:00\n")]),
    ("--created-after not a date", 2, lambda w: ["demo", "--config", w.config(),
                                                 "--created-after", "2025-13-45"]),
    ("--created-after after --created-before", 2, lambda w: [
        "migrate", "--config", w.config(), "--created-after", "2026-01-01",
        "--created-before", "2025-01-01"]),
    ("--status bogus", 2, lambda w: ["migrate", "--config", w.config(), "--status", "bogus"]),
    ("--kinds bogus", 2, lambda w: ["migrate", "--config", w.config(), "--kinds", "bogus"]),
    ("--exclude-kinds every kind", 2, lambda w: [
        "migrate", "--config", w.config(), "--exclude-kinds",
        "field,group,agent,company,contact,ticket,kb_category,kb_folder,kb_article"]),
    ("kb_folder left out, kb_article kept", 2, lambda w: [
        "migrate", "--config", w.config(), "--exclude-kinds", "kb_folder"]),
    ("--order sideways", 2, lambda w: ["migrate", "--config", w.config(), "--order",
                                       "sideways"]),
    ("[select] unknown setting", 2, lambda w: ["migrate", "--config", w.config(
        extra="[select]\nfoo = 1\n")]),
    ("[select] status a number", 2, lambda w: ["migrate", "--config", w.config(
        extra="[select]\nstatus = 5\n")]),
    # -- config keys ------------------------------------------------------------------------
    ("[source] concurrency 0", 2, lambda w: ["migrate", "--config", w.config(  # fixed
        source="[source]\n" + zd(w.servers.source, email="a@b.c", token="t")
        + "concurrency = 0\n")]),
    ("[run] defaults not a table", 2, lambda w: ["migrate", "--config", w.config(  # fixed
        extra='[run]\ndefaults = "x"\n')]),
    ("url with port 99999", 2, lambda w: ["check", "--config", w.config(  # fixed: traceback
        source="[source]\n" + zd("https://acme.zendesk.com:99999", email="a@b.c",
                                 token="t"))]),
    ("url with a broken IPv6 host", 2, lambda w: ["migrate", "--config", w.config(  # fixed
        source="[source]\n" + zd("https://[::1", email="a@b.c", token="t"))]),
    ("[options] add_tag a number", 2, lambda w: ["migrate", "--config", w.config(
        extra="[options]\nadd_tag = 5\n")]),
    # -- a hostile source -------------------------------------------------------------------
    ("a login page instead of the API", 1, lambda w: w.behind("login-page")),  # fixed
    ("a body that is not JSON", 1, lambda w: w.behind("not-json", "demo")),  # fixed
    ("a JSON null instead of an object", 1, lambda w: w.behind("json-null", "migrate")),
    ("a 9 MB page (over the test's 4 MB cap)", 1, lambda w: w.behind("giant-page", "demo")),
    ("a 200 KB one-line error body", 1, lambda w: w.behind("giant-error")),
    ("a proxy's multi-line HTML 403 page", 1, lambda w: w.behind("proxy-403", "migrate")),
    ("a 401 echoing the credentials", 1, lambda w: w.behind("echo-401", "demo")),
    ("a list where an object belongs", 1, lambda w: w.behind("a-list")),  # fixed: generic
    ("ticket lists that are text", 1, lambda w: w.behind("tickets-text")),  # fixed: generic
    # -- sandboxes --------------------------------------------------------------------------
    ("sandbox --tickets 99999999999", 2, lambda w: [  # fixed: seeded for ever
        "sandbox", "serve", "zendesk", "--port", "0", "--tickets", "99999999999"]),
    ("sandbox --data the state database", 1, lambda w: [  # fixed: sandbox tables in it
        "sandbox", "serve", "zendesk", "--port", "0", "--data", str(w.db)]),
    ("sandbox --data a foreign SQLite file", 1, lambda w: [  # fixed: sandbox tables in it
        "sandbox", "serve", "zendesk", "--port", "0", "--data", str(_foreign(w))]),
    ("sandbox --data a text file", 1, lambda w: ["sandbox", "serve", "zendesk", "--port", "0",
                                                 "--data", w.raw("t.txt", b"notes")]),
    ("sandbox --faults 2", 2, lambda w: ["sandbox", "serve", "zendesk", "--faults", "2"]),
    ("sandbox serve freshdesk --data a zendesk sandbox's", 1, lambda w: [  # fixed: re-seeded
        "sandbox", "serve", "freshdesk", "--port", "0", "--data", str(w.servers.target_db)]),
    ("sandbox activity intercom on a zendesk sandbox's data", 1, lambda w: [  # fixed
        "sandbox", "activity", "intercom", "--data", str(w.servers.target_db)]),
    # -- billing, more ----------------------------------------------------------------------
    ("billing quote of a run id past SQLite's integers", 1, lambda w: [  # fixed
        "billing", "quote", BIG]),
    ("billing export of no invoice, --json", 1, lambda w: ["billing", "export", "INV-999",
                                                           "--json"]),
    ("billing price book not UTF-8", 2, lambda w: [  # fixed: traceback
        "billing", "pricebook", "check", w.raw("p.toml", b"\xff\xfe currency = 1")]),
    ("billing customer name on two lines", 2, lambda w: [  # fixed: stored
        "billing", "customer", "set", "--name", "Acme\nInc", "--email", "b@acme.example",
        "--country", "FR"]),
    ("billing customer email a@@b", 2, lambda w: [  # fixed: stored
        "billing", "customer", "set", "--name", "Acme", "--email", "a@@b", "--country",
        "FR"]),
    ("billing invoices --migration x", 2, lambda w: ["billing", "invoices", "--migration",
                                                     "x"]),
    # -- plugin scaffold, sandbox activity, seeds, a damaged run ----------------------------
    ("plugin new into an unwritable place", 1, lambda w: [  # fixed: traceback
        "plugin", "new", "acmedesk", "--dir", "/proc"]),
    ("plugin new named like an installed platform", 2, lambda w: [  # fixed: written
        "plugin", "new", "zendesk", "--dir", str(w.root)]),
    ("plugin new ../evil", 2, lambda w: ["plugin", "new", "../evil", "--dir", str(w.root)]),
    ("sandbox activity on the state database", 1, lambda w: [  # fixed: tables written
        "sandbox", "activity", "zendesk", "--data", str(w.db)]),
    ("sandbox activity on a text file", 1, lambda w: [  # fixed: traceback
        "sandbox", "activity", "zendesk", "--data", w.raw("t.txt", b"notes")]),
    ("demo --seed past SQLite's integers", 2, lambda w: [  # fixed: traceback
        "demo", "--config", w.config(), "--seed", BIG]),
    ("init -o -", 2, lambda w: [  # fixed: wrote a file named "-" in the working folder
        "init", "zendesk", "freshdesk", "-o", "-"]),
    ("status of a run whose stored config is damaged", 1, lambda w: w.db_with(  # fixed
        "UPDATE runs SET config='{broken' WHERE id=1", ("status", "1"))),
    ("platforms --source alone, --json", 2, lambda w: ["platforms", "--source", "zendesk",
                                                       "--json"]),
    # -- [billing] choices, checked even when billing is not enforced -----------------------
    ("[billing] plan gold", 2, lambda w: ["migrate", "--config", w.config(  # fixed: ran
        extra='plan = "gold"\n')]),
    ("[billing] pricebook missing", 2, lambda w: ["migrate", "--config", w.config(  # fixed
        extra='pricebook = "missing.toml"\n')]),
    ("[billing] promo_code unknown", 2, lambda w: ["demo", "--config", w.config(  # fixed
        extra='promo_code = "NOPE"\n')]),
    ("[billing] enforce a word", 2, lambda w: ["migrate", "--config", w.raw(  # fixed: ran
        "e.toml", Path(w.config()).read_text().replace("enforce = false",
                                                       'enforce = "no"').encode())]),
    # -- [customer], [run] and [mapping] values, checked when the config is loaded --------
    ("[customer] VAT number with wrong check digits", 2, lambda w: [  # fixed: at invoice
        "check", "--config", w.config(extra=CUSTOMER + 'vat_number = "FR00123456789"\n')]),
    ("[customer] country XX", 2, lambda w: [  # fixed: at invoice
        "migrate", "--config", w.config(extra=CUSTOMER.replace('"FR"', '"XX"'))]),
    ("[customer] name a number", 2, lambda w: [  # fixed: stored as "5"
        "demo", "--config", w.config(extra=CUSTOMER.replace('"Acme"', "5"))]),
    ("[run] builtin_demo in a user's config", 2, lambda w: [  # fixed: accepted
        "demo", "--config", w.config(extra="[run]\nbuiltin_demo = true\n")]),
    ("[mapping] a field title mapped to a number", 2, lambda w: [  # fixed: ran
        "migrate", "--config", w.config(extra='[mapping]\n"Order number" = 5\n')]),
    ("[mapping] request_type.incident a list", 2, lambda w: [  # fixed: ran
        "check", "--config", w.config(extra='[mapping]\nrequest_type.incident = ["a"]\n')]),
    ("[mapping] field.Product a date", 2, lambda w: [  # fixed: ran
        "demo", "--config", w.config(extra='[mapping]\n"field.Product" = 2025-01-01\n')]),
]


def _foreign(w: Workspace) -> Path:
    path = w.root / "foreign.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    return path


def snapshot(root: Path, target_db: Path) -> dict[str, object]:
    """Every file of the workspace (SQLite files by their rows), and the target's records."""
    seen: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm")):
            continue
        try:
            with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
                seen[path.name] = list(conn.iterdump())
        except sqlite3.DatabaseError:
            seen[path.name] = path.read_bytes()
    with sqlite3.connect(f"{target_db.as_uri()}?mode=ro", uri=True) as conn:
        seen["target"] = conn.execute("SELECT collection, id, doc FROM docs ORDER BY 1, 2"
                                      ).fetchall()
    return seen


def test_at_least_forty_bad_inputs():
    assert len(CASES) >= 40


@pytest.mark.parametrize(("name", "code", "setup"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_sentence_a_non_zero_exit_and_nothing_written(
        name: str, code: int, setup: Setup, servers: Servers, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "ANSWER_LIMIT", 4 * 1_048_576)  # a giant page, cheaply
    (tmp_path / "work").mkdir()
    work = Workspace(tmp_path / "work", servers)
    args = setup(work)
    before = snapshot(work.root, servers.target_db)
    result = CliRunner().invoke(cli, ["--db", str(work.db), *args])
    assert result.exit_code == code, (result.exit_code, result.output)
    if "--json" in args:  # the error is one JSON object on stdout, nothing on stderr
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1 and result.stderr == "", result.output
        assert json.loads(lines[0]) == {"error": json.loads(lines[0])["error"],
                                        "exit_code": code}
    else:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    for secret in (servers.token, servers.source_token, base64.b64encode(
            f"{servers.source_email}/token:{servers.source_token}".encode()).decode()):
        assert secret not in result.output
    assert snapshot(work.root, servers.target_db) == before


def test_a_home_that_is_a_file_is_one_sentence(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home-file"
    home.write_text("not a folder")
    monkeypatch.setenv("DESKMIGRATE_HOME", str(home))
    result = CliRunner().invoke(cli, ["runs"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: DESKMIGRATE_HOME") and \
        len(result.stderr.strip().splitlines()) == 1
    assert home.read_text() == "not a folder"


def test_jira_sm_and_intercom_sources_turn_an_unreadable_ticket_into_a_failed_record():
    """One ticket whose fields cannot be read becomes an Unreadable with the reason; the
    stream goes on (as the Zendesk and Freshdesk sources do)."""
    from types import SimpleNamespace

    from deskmigrate.core.records import Unreadable
    from deskmigrate.plugins.intercom.source_conversations import ConversationReader
    from deskmigrate.plugins.jira_sm.source_tickets import TicketReader

    jira_api = SimpleNamespace(search=lambda jql, fields: iter([{"key": "SD-1"}]),
                               get=lambda path, *a, **k: [])
    [bad] = TicketReader(jira_api, desk=lambda: None, fields=lambda: []).read("project=SD")
    assert isinstance(bad, Unreadable) and bad.source_id == "SD-1"
    assert "cannot be read" in bad.reason

    answer = SimpleNamespace(status_code=200, json=lambda: {"id": 5, "created_at": "yesterday"})
    reader = ConversationReader(SimpleNamespace(request=lambda *a, **k: answer), hosts=set())
    reader.conversation_ids = lambda since=None: iter(["5"])  # type: ignore[method-assign]
    reader.ticket_ids = lambda since=None: iter([])  # type: ignore[method-assign]
    [bad] = reader.read()
    assert isinstance(bad, Unreadable) and bad.source_id == "5"


@pytest.mark.parametrize(("mode", "said"), [
    ("a-list", "zendesk answered GET /a-list/api/v2/users/me.json with JSON deskmigrate cannot "
               "read (an object was expected, not a list)"),
    ("tickets-text", "zendesk answered GET /tickets-text/api/v2/incremental/tickets/cursor.json "
                     "with JSON deskmigrate cannot read (an object was expected, not text)"),
])
def test_a_wrongly_shaped_answer_names_the_platform_the_request_and_the_shape(
        mode: str, said: str, servers: Servers, tmp_path: Path) -> None:
    work = Workspace(tmp_path, servers)
    result = CliRunner().invoke(cli, ["--db", str(work.db), *work.behind(mode, "demo")])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {said};"), result.stderr

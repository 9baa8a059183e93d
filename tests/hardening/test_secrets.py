"""No credential, in any encoding, in any output, file or database row: check, demo, a
migration whose target echoes the Authorization header in its error bodies, a migration
refused by such a target, every report format, --json and ``--log-format json`` output,
the per-run log files, status, verify (and its HTML report), ``init --from-sandboxes``'s
output and billing's quote, invoice and exports, all with distinctive credentials."""

from __future__ import annotations

import base64
import html
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core import exits, logs
from deskmigrate.core.connect import authorization, connect
from deskmigrate.core.host import platform
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.served import announced
from deskmigrate.sandbox import serve_in_thread

ZD_TOKEN = "Zq9&Tok3n/Sec+ret=X1'"  # distinctive, and changed by URL and HTML encoding
FD_KEY = "FdK3yDistinct7Q2w"


def forms(login: str, secret: str, *, secret_is_login: bool = False) -> set[str]:
    """Every encoding of a credential a server or library could echo (worked out here, not
    with the product's own redaction code)."""
    userpass = f"{secret}:X" if secret_is_login else f"{login}:{secret}"
    basic = base64.b64encode(userpass.encode()).decode()
    return {secret, quote(secret, safe=""), quote(secret, safe="").lower(),
            quote_plus(secret), base64.b64encode(secret.encode()).decode(),
            json.dumps(secret)[1:-1].replace("/", "\\/"), basic, basic.rstrip("="),
            quote(basic, safe=""), quote(f"Basic {basic}", safe=""), userpass,
            quote(userpass, safe=""), html.escape(secret), html.escape(userpass),
            json.dumps(userpass)[1:-1]}


def echoing(app: Any, status: str, fail: Callable[[dict[str, Any]], bool]) -> Any:
    """``app`` behind a proxy that answers ``fail``-ing requests with ``status`` and an error
    body echoing the Authorization header: raw, decoded and URL-encoded, at its start and
    across the 300-character cut of error messages (redaction must come before the cut)."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not fail(environ):
            return app(environ, start_response)
        header = environ.get("HTTP_AUTHORIZATION", "")
        decoded = base64.b64decode(header.partition(" ")[2] or "").decode()
        body = json.dumps({"error": f"Invalid {header} ({decoded}, {quote(header)})",
                           "description": f"{'x' * 260} you sent {header} = {decoded}"})
        start_response(status, [("Content-Type", "application/json")])
        return [body.encode()]
    return wsgi


def config(path: Path, source: str, target: str, email: str) -> Path:
    path.write_text(
        f'[source]\nplatform = "freshdesk"\nurl = "{source}"\napi_key = "{FD_KEY}"\n'
        f'rate_limit = 100000\n[target]\nplatform = "zendesk"\nurl = "{target}"\n'
        f'email = "{email}"\ntoken = "{ZD_TOKEN}"\nrate_limit = 100000\n'
        f'[billing]\nenforce = false\n[run]\nconcurrency = 2\n')
    return path


def rows(db: Path) -> Iterator[str]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                yield f"{table}: {row}"


def test_no_encoding_of_a_credential_leaves_the_process(tmp_path: Path) -> None:
    boxes = tmp_path / "sandboxes"
    boxes.mkdir()
    source = open_sandbox("freshdesk", boxes / "fd.sqlite", tickets=6, seed=3)
    source.store.set_meta("api_key", FD_KEY)
    target = open_sandbox("zendesk", boxes / "zd.sqlite", tickets=0, seed=4)
    target.store.set_meta("zendesk:api_token", ZD_TOKEN)
    email = target.credentials()["email"]
    secrets = forms(f"{email}/token", ZD_TOKEN) | forms(FD_KEY, FD_KEY, secret_is_login=True)

    imports = echoing(target, "422 Unprocessable Entity",  # tickets fail, the rest migrates
                      lambda env: env["REQUEST_METHOD"] == "POST" and "ticket" in
                      env["PATH_INFO"])
    refuses = echoing(target, "401 Unauthorized", lambda env: True)
    out = tmp_path / "out"
    out.mkdir()
    db = out / "state.sqlite"
    outputs: list[str] = []

    def run(*args: str, codes: tuple[int, ...] = (0,), log: tuple[str, ...] = ("-v",)) -> str:
        result = CliRunner().invoke(cli, [*log, "--db", str(db), *args])
        outputs.append(result.stdout + result.stderr)
        assert result.exit_code in codes, result.output
        return result.stdout

    failures = (exits.FAILURES,)  # the echoing target refuses every record

    with (serve_in_thread(source) as fd_url, serve_in_thread(imports) as failing,
          serve_in_thread(refuses) as refusing):
        good = config(out / "good.toml", fd_url, failing, email)
        bad = config(out / "bad.toml", fd_url, refusing, email)
        assert "OK    credentials and write permission" in run("check", "--config", str(good))
        run("check", "--config", str(bad), codes=(exits.ERROR,))
        run("demo", "--config", str(good), "--seed", "1", "--json", codes=failures)
        run("migrate", "--config", str(good), "--json", codes=failures,
            log=("--log-format", "json"))
        run("migrate", "--config", str(bad), codes=(exits.ERROR,))
        runs = json.loads(run("runs", "--json"))["runs"]
        for r in runs:
            run("status", str(r["run_id"]), codes=failures + (exits.ERROR, exits.INTERRUPTED))
            run("status", str(r["run_id"]), "--json", codes=failures + (
                exits.ERROR, exits.INTERRUPTED))
            for fmt in ("json", "csv", "html"):
                run("report", str(r["run_id"]), "--format", fmt)
                run("report", str(r["run_id"]), "--format", fmt, "-o",
                    str(out / f"report-{r['run_id']}.{fmt}"))
        full = str(runs[1]["run_id"])
        run("verify", full, "--config", str(good), codes=(0, exits.FAILURES))
        run("verify", full, "--config", str(good), "--json", "--format", "html", "-o",
            str(out / "verify.html"), codes=(0, exits.FAILURES))
        run("verify", full, "--config", str(bad), "--json", codes=(exits.ERROR,))
        billing(run, out, str(runs[0]["run_id"]))
        with announced({"platform": "freshdesk", "url": fd_url, "port": 1, "tickets": 6,
                        "credentials": source.credentials()}, 1), \
                announced({"platform": "zendesk", "url": failing, "port": 2, "tickets": 0,
                           "credentials": target.credentials()}, 2):
            run("init", "--from-sandboxes", "-o", str(out / "init.toml"))
            run("init", "--from-sandboxes", "--json", "-o", str(out / "init-json.toml"))
        assert ZD_TOKEN in (out / "init.toml").read_text()  # a config holds it, by design

    assert list((out / "logs").glob("run-*.log"))  # the per-run logs are grepped below
    assert any(line.startswith('{"') and '"event": ' in line  # --log-format json's lines
               for o in outputs for line in o.splitlines())
    reasons = [r for r in rows(db) if r.startswith("outcomes:") and "failed" in r]
    assert sum("[REDACTED]" in r for r in reasons) >= 5  # the echo reached the DB
    assert any("[REDACTED]" in o for o in outputs)  # and the screen: the test can fail
    texts = {"output": "\n".join(outputs), "database rows": "\n".join(rows(db))}
    for path in [*out.rglob("*"), *(tmp_path / "home").rglob("*")]:
        if path.is_file() and path.suffix != ".toml":
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    leaks = [(where, form) for where, text in texts.items() for form in secrets
             if form in text]
    assert leaks == []


def billing(run: Callable[..., str], out: Path, demo: str) -> None:
    """Quote, invoice and export every format of the demo run's invoice."""
    run("billing", "customer", "set", "--name", "Acme", "--email", "billing@acme.example",
        "--country", "FR", "--address", "1 rue de Rivoli, Paris")
    run("billing", "quote", demo, "--json")
    run("billing", "invoice", demo)
    [invoice] = json.loads(run("billing", "invoices", "--json"))["invoices"]
    for fmt in ("json", "csv", "html"):
        run("billing", "export", invoice["number"], "--format", fmt)
        run("billing", "export", invoice["number"], "--format", fmt, "-o",
            str(out / f"invoice.{fmt}"))


ACCOUNTS = {"zendesk": "https://acme.zendesk.com", "freshdesk": "https://acme.freshdesk.com",
            "jira_sm": "https://acme.atlassian.net", "intercom": "https://api.intercom.io"}


@pytest.mark.parametrize("name", sorted(ACCOUNTS))
def test_every_platforms_credentials_are_masked_in_every_encoding(name: str) -> None:
    """Whatever a platform's auth (Basic ``email/token:secret``, ``email:token``,
    ``api_key:X``, Bearer), its Authorization header and secrets are masked in every form."""
    plugin = platform(name)
    values = {f.name: f"{f.name}&Dist1nct/{name}+'" for f in plugin.config_fields
              if f.name != "url"}
    conn = connect(plugin, ACCOUNTS[name], values)
    header = authorization(plugin.auth(values), conn.url) or ""
    conn.http.close()
    scheme, _, credential = header.partition(" ")
    assert scheme in ("Basic", "Bearer") and credential
    found = {header, credential, quote(header, safe=""), quote(credential, safe="")}
    if scheme == "Basic":  # the login:password pair a server may echo decoded
        userpass = base64.b64decode(credential).decode()
        found |= {userpass, quote(userpass, safe=""), credential.rstrip("=")}
    for secret in plugin.secret_values(values):
        found |= {secret, quote(secret, safe=""), quote_plus(secret), html.escape(secret),
                  base64.b64encode(secret.encode()).decode(),
                  json.dumps(secret)[1:-1].replace("/", "\\/")}
    leaks = [form for form in found if logs.MASK not in logs.scrub(f"<{form}>")
             or form in logs.scrub(f"<{form}>")]
    assert leaks == []

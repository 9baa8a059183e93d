"""No credential, in any encoding, in any output, file or database row: check, demo, a
migration whose target echoes the Authorization header in its error bodies, a migration
refused by such a target, and every report format, all with distinctive credentials."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

ZD_TOKEN = "Zq9-Tok3n/Sec+ret=X1"  # distinctive, and changed by URL and JSON encoding
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
            quote(userpass, safe="")}


def echoing(app: Any, status: str, fail: Callable[[dict[str, Any]], bool]) -> Any:
    """``app`` behind a proxy that answers ``fail``-ing requests with ``status`` and an error
    body echoing the Authorization header: raw, decoded and URL-encoded, across the
    300-character cut of error messages (redaction must come before the cut)."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not fail(environ):
            return app(environ, start_response)
        header = environ.get("HTTP_AUTHORIZATION", "")
        decoded = base64.b64decode(header.partition(" ")[2] or "").decode()
        body = json.dumps({"error": "RecordInvalid", "description":
                           f"{'x' * 260} you sent {header} = {decoded} = {quote(header)}"})
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

    imports = echoing(target, "422 Unprocessable Entity",
                      lambda env: env["REQUEST_METHOD"] == "POST")
    refuses = echoing(target, "401 Unauthorized", lambda env: True)
    out = tmp_path / "out"
    out.mkdir()
    db = out / "state.sqlite"
    outputs: list[str] = []

    def run(*args: str, ok: bool = True) -> str:
        result = CliRunner().invoke(cli, ["-v", "--db", str(db), *args])
        outputs.append(result.stdout + result.stderr)
        assert (result.exit_code == 0) is ok, result.output
        return result.stdout

    with (serve_in_thread(source) as fd_url, serve_in_thread(imports) as failing,
          serve_in_thread(refuses) as refusing):
        good = config(out / "good.toml", fd_url, failing, email)
        bad = config(out / "bad.toml", fd_url, refusing, email)
        assert "target: zendesk OK" in run("check", "--config", str(good))
        run("check", "--config", str(bad), ok=False)
        run("demo", "--config", str(good), "--seed", "1", "--json")
        run("migrate", "--config", str(good), "--json")
        run("migrate", "--config", str(bad), ok=False)
        runs = json.loads(run("runs", "--json"))["runs"]
        for r in runs:
            run("status", str(r["run_id"]), "--json")
            for fmt in ("json", "csv", "html"):
                run("report", str(r["run_id"]), "--format", fmt)
                run("report", str(r["run_id"]), "--format", fmt, "-o",
                    str(out / f"report-{r['run_id']}.{fmt}"))

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

"""The CLI's promises: bad input is one sentence and a non-zero exit; no credential ever
shows in logs, reports, errors or the state database."""

from __future__ import annotations

import json

from click.testing import CliRunner
from e2e_support import Account, write_config

from deskmigrate.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def one_sentence_error(result, starts):
    """One sentence on stderr (``check`` also prints its step-by-step report on stdout)."""
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {starts}"), lines[0]
    assert "Traceback" not in result.output


def test_wrong_credentials(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    wrong = Account(source.url, {**source.credentials, "token": "not-the-token-123"})
    config = write_config(tmp_path / "c.toml", wrong, target)
    result = run("check", "--config", str(config))
    one_sentence_error(result, "zendesk refused the credentials (401")
    assert "not-the-token-123" not in result.output


def test_unreachable_url(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", Account("http://127.0.0.1:9", source.credentials),
                          target)
    one_sentence_error(run("check", "--config", str(config)), "Could not reach zendesk")


def test_malformed_config_and_missing_variable(tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text("[source\n")
    one_sentence_error(run("migrate", "--config", str(bad)), f"Config file {bad} is not valid")
    missing = tmp_path / "missing.toml"
    missing.write_text('[source]\nplatform="zendesk"\nurl="https://a.zendesk.com"\n'
                       'email="a@b.c"\ntoken="${NO_SUCH_TOKEN}"\n'
                       '[target]\nplatform="zendesk"\nurl="https://b.zendesk.com"\n')
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    one_sentence_error(run("migrate", "--config", str(missing)),
                       "Environment variable NO_SUCH_TOKEN")


def test_unknown_run_and_plain_http_to_a_remote_host(tmp_path):
    one_sentence_error(run("status", "42"), "There is no run 42.")
    remote = tmp_path / "remote.toml"
    remote.write_text('[source]\nplatform="zendesk"\nurl="http://acme.zendesk.com"\n'
                      'email="a@b.c"\ntoken="t0k3n-value"\n'
                      '[target]\nplatform="zendesk"\nurl="https://b.zendesk.com"\n'
                      'email="a@b.c"\ntoken="t0k3n-value"\n')
    one_sentence_error(run("check", "--config", str(remote)),
                       "Plain HTTP is only allowed to loopback")


def test_no_credential_in_logs_reports_or_state(tmp_path, zendesk_pair):
    source, target = zendesk_pair(faults=0.02)
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.db"
    result = run("--db", str(db), "-v", "demo", "--config", str(config), "--seed", "3",
                 "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    outputs = [result.output]
    for fmt in ("json", "csv", "html"):
        outputs.append(run("--db", str(db), "report", str(summary["run_id"]), "--format",
                           fmt).output)
    outputs.append(run("--db", str(db), "runs", "--json").output)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("state.db*"))
    secrets = [source.credentials["token"], target.credentials["token"]]
    for secret in secrets:
        assert all(secret not in text for text in outputs)
        assert secret.encode() not in stored

"""Config validation (unknown tables and keys are errors with "did you mean …?") and
`check`: the whole config, both sides even when one fails, step by step, with counts."""

from __future__ import annotations

import json

import pytest
from cli_support import invoke
from e2e_accounts import Account, write_config

from deskmigrate.core import exits

GOOD = ('[source]\nplatform = "zendesk"\nurl = "https://a.zendesk.com"\nemail = "a@b.c"\n'
        'token = "t0k3n-value"\n[target]\nplatform = "freshdesk"\n'
        'url = "https://b.freshdesk.com"\napi_key = "k3y-value"\n')


@pytest.mark.parametrize(("extra", "expected"), [
    ("[run]\nconcurency = 2\n", "[run] has an unknown key 'concurency'; did you mean "
                                "'concurrency'?"),
    ('[options]\nadd_tagg = "x"\n', "[options] has an unknown key 'add_tagg'; did you mean "
                                    "'add_tag'?"),
    ('[optons]\nadd_tag = "x"\n', "The config has an unknown table 'optons'; did you mean "
                                  "'options'?"),
    ('[billing]\nplann = "premium"\n', "[billing] has an unknown key 'plann'; did you mean "
                                       "'plan'?"),
    ('[customer]\nemial = "a@b.c"\n', "[customer] has an unknown key 'emial'; did you mean "
                                      "'email'?"),
], ids=["concurency", "add_tagg", "optons", "plann", "emial"])
def test_a_misspelt_key_is_one_sentence_with_a_suggestion(tmp_path, extra, expected):
    path = tmp_path / "c.toml"
    path.write_text(GOOD + extra)
    db = tmp_path / "s.db"
    for command in ("migrate", "demo"):
        result = invoke(db, command, "--config", str(path))
        assert result.exit_code == exits.USAGE, result.output
        assert result.stderr == f"Error: {expected}\n"
    assert not db.exists()  # refused before anything was written


def test_a_misspelt_credential_names_the_platform(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(GOOD.replace("api_key =", "apikey ="))
    result = invoke(tmp_path / "s.db", "migrate", "--config", str(path), "--json")
    assert result.exit_code == exits.USAGE
    assert json.loads(result.stdout)["error"] == (
        "[target] has an unknown key 'apikey' for freshdesk; did you mean 'api_key'?")


def test_check_reports_every_problem_and_both_sides(tmp_path, serve):
    target = serve("zendesk", 0, seed=6)
    unreachable = Account("zendesk", "http://127.0.0.1:9", {"email": "a@b.c", "token": "tok3n"})
    path = write_config(tmp_path / "c.toml", unreachable, target,
                        "[run]\nconcurency = 2\n[options]\nadd_tagg = 'x'\n")
    result = invoke(tmp_path / "s.db", "check", "--config", str(path))
    assert result.exit_code == exits.USAGE, result.output
    out = result.stdout
    assert "config " in out and ": 2 problem(s)" in out
    assert "  - [run] has an unknown key 'concurency'; did you mean 'concurrency'?" in out
    assert "  - [options] has an unknown key 'add_tagg'; did you mean 'add_tag'?" in out
    assert "  FAIL  credentials and read permission: Could not reach zendesk" in out
    # the target is checked although the source failed
    assert "  OK    credentials and write permission: as " in out
    assert "  OK    default agent: " in out
    assert result.stderr.startswith("Error: [run] has an unknown key 'concurency'")


def test_check_json_counts_what_the_source_holds(tmp_path, config):
    result = invoke(tmp_path / "s.db", "check", "--config", str(config()), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["config"]["problems"] == []
    assert report["source"]["counts"]["ticket"] == 3
    steps = [(s["name"], s["ok"]) for side in ("source", "target")
             for s in report[side]["checks"]]
    assert steps == [("credentials and read permission", True),
                     ("read every record kind", True),
                     ("credentials and write permission", True), ("default agent", True)]
    assert report["target"]["identity"]["role"] == "admin"
    assert report["cannot_keep"] == []  # zendesk → zendesk keeps everything

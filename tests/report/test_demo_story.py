"""``deskmigrate demo`` explains its numbers: skipped agents and who takes their tickets,
contacts left out of the sample, the seed and how to draw the same sample, the previous
demo removed, and one next command at the end."""

from __future__ import annotations

import json
import shlex

from cli_support import next_command
from report_support import SEED, invoke


def ticket_ids(run) -> list[str]:
    code, out, err = invoke("--db", str(run.db), "report", str(run.run_id), "--format", "json")
    assert code == 0, err
    return [o["source_id"] for o in json.loads(out)["outcomes"] if o["kind"] == "ticket"]


def test_the_demo_output_explains_itself(demo, tmp_path, monkeypatch):
    first = demo()
    second = demo()
    out = second.stdout
    records = second.result["records"]
    agents = records["agent"]["skipped"]
    assert agents and f"{agents} agents were not created in freshdesk, for example: “No " \
        "Freshdesk seat for" in out
    assert "Their tickets and messages go to the default agent Sandbox Owner " \
        "<owner@sandbox.freshdesk.test>" in out
    contacts = records["contact"]
    others = contacts["total"] - contacts["migrated"]
    assert f"{others} other contacts are simply not in the 20-ticket sample" in out
    assert f"Sample: 20 of 40 tickets drawn with seed {SEED}; `deskmigrate demo --seed " \
           f"{SEED}` draws the same sample again." in out
    assert f"The previous demo (run {first.run_id}) was removed first: " in out
    assert "The previous demo" not in first.stdout
    # one next command, the summary's last line: the built-in demo's is a config of one's own
    assert next_command(out) == "deskmigrate init zendesk freshdesk"
    assert ticket_ids(first) == ticket_ids(second)  # the same seed, the same sample
    monkeypatch.chdir(tmp_path)  # the next command it names is real: it writes the config
    code, _, err = invoke(*shlex.split(next_command(out))[1:])
    assert code == 0, err
    assert (tmp_path / "deskmigrate.toml").read_text().startswith(
        "# deskmigrate config: zendesk → freshdesk")


def test_the_demo_notes_are_in_its_json(demo):
    run = demo("--json")
    notes = json.loads(run.stdout)["notes"]
    assert any(n.startswith("Sample: 20 of 40 tickets drawn with seed") for n in notes)
    assert json.loads(run.stdout)["removed_demos"] == []


def test_a_failed_demo_says_what_to_look_at(failed_demo):
    run = failed_demo.run_id
    assert next_command(failed_demo.stdout) == \
        f"deskmigrate report {run} --format html -o run-{run}.html"
    assert failed_demo.result["next"][1:] == ["deskmigrate init zendesk freshdesk"]

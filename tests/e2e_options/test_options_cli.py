"""Through the CLI over loopback: an option the pair does not support is refused in one
sentence before anything runs; a demo reports which options it applied and how often."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from options_support import Side, make_side, run_cli, summary_json, zd_tickets

from deskmigrate.sandbox import serve_in_thread


def served(stack: ExitStack, side: Side) -> Side:
    return Side(side.platform, side.app, stack.enter_context(serve_in_thread(side.app)))


def config(path: Path, source: Side, target: Side, options: str) -> str:
    path.write_text(source.table("source") + target.table("target")
                    + "[billing]\nenforce = false\n[options]\n" + options)
    return str(path)


def test_unsupported_option_is_refused_before_anything_runs(tmp_path, seeded) -> None:
    with ExitStack() as stack:
        source = served(stack, make_side(tmp_path, seeded, "freshdesk", "source"))
        target = served(stack, make_side(tmp_path, seeded, "zendesk", "target"))
        before = (source.app.requests_served, target.app.requests_served)
        result = run_cli("--db", str(tmp_path / "state.db"), "migrate", "--config",
                         config(tmp_path / "c.toml", source, target, "call_recordings = true\n"))
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert result.output.strip().splitlines() == [
            "Error: Option 'call_recordings' is not supported from freshdesk to zendesk."]
        assert (source.app.requests_served, target.app.requests_served) == before
        with target.http() as http:
            assert zd_tickets(http) == []
        runs = summary_json(run_cli("--db", str(tmp_path / "state.db"), "runs", "--json"))
        assert not (runs if isinstance(runs, list) else runs.get("runs"))


def test_demo_reports_the_options_it_applied(tmp_path, seeded) -> None:
    with ExitStack() as stack:
        source = served(stack, make_side(tmp_path, seeded, "zendesk", "source"))
        target = served(stack, make_side(tmp_path, seeded, "zendesk", "target"))
        options = 'add_tag = "demo-2026"\nside_conversations = true\nkb_translations = true\n'
        summary = summary_json(run_cli(
            "--db", str(tmp_path / "state.db"), "demo", "--config",
            config(tmp_path / "c.toml", source, target, options), "--seed", "4", "--json"))
        migrated = summary["records"]["ticket"]["migrated"]
        assert summary["mode"] == "demo" and migrated == 20
        assert summary["options"]["add_tag"] == migrated
        assert set(summary["options"]) <= {"add_tag", "side_conversations", "kb_translations"}
        assert summary["options"].get("kb_translations", 0) >= 1
        with target.http() as http:
            assert all("demo-2026" in t["tags"] for t in zd_tickets(http))

"""What a demo's numbers mean, in sentences: why agents were skipped and who takes their
tickets, why most contacts are not there, the sample's seed and how to draw it again, the
earlier demo that was removed. What to run next ends the summary (``cli/summary.py``)."""

from __future__ import annotations

import shlex
from typing import Any

from . import state as st
from .humane import sentence
from .kinds import Kinds


def demo_notes(state: st.StateStore, result: dict[str, Any], kinds: Kinds, *,
               default_agent: str, config_path: str | None) -> list[str]:
    """Sentences for the operator after demo run ``result`` (its summary); ``kinds`` say
    which kinds a demo samples, follows from the sample, or takes a few of."""
    run_id, records = result["run_id"], result["records"]
    notes = []
    agents = [row for row in state.outcomes(run_id)
              if row["kind"] == "agent" and row["status"] == st.SKIPPED]
    if agents:
        notes.append(
            f"{len(agents)} agent{_s(agents)} not created in {result['target']}, for example: "
            f"“{sentence(agents[0]['reason'])}” Their tickets and messages go to the default "
            f"agent {default_agent}; set [run] default_agent to choose another.")
    drawn = (kinds.with_demo("sample") or ("ticket",))[0]
    tickets = records.get(drawn, {})
    sample = tickets.get("migrated", 0) + tickets.get("failed", 0)
    for kind in (*kinds.with_demo("linked"), *kinds.with_demo("few")):
        row = records.get(kind) or {}
        others = row.get("total", 0) - row.get("migrated", 0) - row.get("failed", 0) \
            - row.get("skipped", 0)
        if others <= 0:
            continue
        words = f"{others} other {_plural(kind, others)} {'is' if others == 1 else 'are'}"
        if kinds[kind].demo == "few":
            notes.append(f"{words} left out: a demo migrates only {row['migrated']}; the "
                         f"full run migrates all {row['total']}.")
        else:
            notes.append(f"{words} simply not in the {sample}-{drawn} sample: a demo takes "
                         f"only what its {drawn}s need; the full run migrates all "
                         f"{row['total']}.")
    again = ["deskmigrate", "demo", "--seed", str(result["seed"])]
    if config_path:
        again += ["--config", config_path]
    notes.append(f"Sample: {sample} of "
                 f"{tickets.get('total', 0)} {drawn}s drawn with seed {result['seed']}; "
                 f"`{shlex.join(again)}` draws the same sample again.")
    for removed in result.get("removed_demos", []):
        deleted = sum(removed["deleted"].values())
        notes.append(f"The previous demo (run {removed['run_id']}) was removed first: "
                     f"{deleted} record{'s' if deleted != 1 else ''} it had created were "
                     "deleted from the target.")
    return notes


def _s(items: list[Any]) -> str:
    return "s were" if len(items) != 1 else " was"


def _plural(kind: str, count: int) -> str:
    word = kind.replace("kb_", "KB ").replace("company", "compan")
    if word.endswith("compan"):
        return word + ("ies" if count != 1 else "y")
    return word + ("s" if count != 1 else "")

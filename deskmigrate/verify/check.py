"""``deskmigrate verify RUN``: read back from the target every record the run (and the
deltas after it) wrote, through the target platform's own Source API, and compare each with
the source through the canonical model. Read-only; both sides under their rate budget."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import pluggy

from ..core import host
from ..core import state as st
from ..core.config import Config
from ..core.connector import Source
from ..core.errors import DeskmigrateError
from ..core.records import Record, Ticket
from ..core.runner import Transports, open_accounts
from .compare import Difference, Rules, compare
from .views import Names, record_view, ticket_view

BATCH = 50
IDENTICAL, DIFFERS, MISSING, UNEXPECTED = "identical", "differs", "missing", "unexpected"
SKIPPED_KINDS = ("field",)  # definitions: their values are compared on the tickets


@dataclass
class Checked:
    """One record's verdict: ``identical`` (perhaps with expected differences), ``differs``
    (the fields), ``missing`` in the target, or ``unexpected`` (in the target, no longer in
    the source)."""

    kind: str
    source_id: str
    target_id: str
    status: str
    differences: list[Difference] = field(default_factory=list)
    expected: list[Difference] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source_id": self.source_id, "target_id": self.target_id,
                "status": self.status,
                "differences": [asdict(d) for d in self.differences],
                "expected": [asdict(d) for d in self.expected]}


def written(state: st.StateStore, run_id: int) -> dict[str, dict[str, str]]:
    """``{kind: {source id: target id}}`` of what ``run_id`` and its later completed deltas
    migrated (a later run's target id wins)."""
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    if run["status"] == st.ROLLED_BACK:
        raise DeskmigrateError(f"Run {run_id} was rolled back; there is nothing to verify.")
    chain = [run_id] + [r["id"] for r in state.runs() if r["migration_id"] == run["migration_id"]
                        and r["id"] > run_id and r["mode"] == "delta"
                        and r["status"] == st.COMPLETED]
    out: dict[str, dict[str, str]] = {}
    for each in chain:
        for row in state.outcomes(each):
            if row["status"] == st.MIGRATED and row["target_id"]:
                out.setdefault(row["kind"], {})[row["source_id"]] = row["target_id"]
    return out


def added_tags(run: dict[str, Any]) -> frozenset[str]:
    """The tags the run's options put on every ticket (``add_tag``)."""
    tag = (run.get("options") or {}).get("add_tag")
    return frozenset([tag] if isinstance(tag, str) and tag else [])


def left_out(run: dict[str, Any]) -> frozenset[str]:
    """What the run's options chose not to migrate: no difference where it is missing."""
    options = run.get("options") or {}
    return frozenset([*(["translations"] if not options.get("kb_translations") else []),
                      *(["attachments"] if options.get("skip_attachments") else [])])


def pick(ids: list[str], sample: int | None, run_id: int, kind: str) -> list[str]:
    """All ``ids``, or ``sample`` of them drawn reproducibly (same run, kind and size: same
    records)."""
    ids = sorted(ids)
    if sample is None or sample >= len(ids):
        return ids
    return sorted(random.Random(f"{run_id}:{kind}").sample(ids, sample))


def verify_run(state: st.StateStore, run_id: int, config: Config, pm: pluggy.PluginManager,
               *, sample: int | None = None, transports: Transports | None = None
               ) -> dict[str, Any]:
    """The verification of ``run_id``: a summary per kind and every record checked."""
    pairs = written(state, run_id)
    if not pairs:
        raise DeskmigrateError(f"Run {run_id} migrated nothing; there is nothing to verify.")
    with open_accounts(config, pm, transports=transports) as accounts:
        reader = accounts.target_platform.source(accounts.connections[1])
        try:
            people = {sid for k in host.kinds(pm).people for sid in pairs.get(k, {})}
            names = (Names(accounts.source, people), Names(reader))
            stand_in = (config.run.get("default_agent") or reader.check().email or "").lower()
            run = state.run(run_id) or {}
            rules = Rules(accounts.target_platform.capabilities, stand_in, names[0].absent,
                          left_out(run), added_tags(run))
            checked: list[Checked] = []
            for kind in host.kinds(pm).order:
                ids = pick(list(pairs.get(kind, {})), sample, run_id, kind)
                if kind in SKIPPED_KINDS or not ids or kind not in reader.kinds:
                    continue
                checked += _check_kind(kind, ids, pairs[kind], accounts.source, reader, rules,
                                       names, config.mapping)
        finally:
            reader.close()
        requests = accounts.requests()
    return summarise(run_id, config, checked, sample, requests)


def _check_kind(kind: str, ids: list[str], targets: dict[str, str], source: Source,
                reader: Source, rules: Rules, names: tuple[Names, Names],
                mapping: dict[str, str]) -> Iterator[Checked]:
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        mine = {r.source_id: r for r in source.get(kind, batch) if r.kind == kind}
        theirs = {r.source_id: r for r in reader.get(kind, [targets[s] for s in batch])
                  if r.kind == kind}
        names[0].load(mine.values())
        names[1].load(theirs.values())
        for source_id in batch:
            target_id = targets[source_id]
            yield _verdict(kind, source_id, target_id, mine.get(source_id),
                           theirs.get(target_id), names, rules, mapping)


def _verdict(kind: str, source_id: str, target_id: str, mine: Record | None,
             theirs: Record | None, names: tuple[Names, Names], rules: Rules,
             mapping: dict[str, str]) -> Checked:
    if theirs is None:
        return Checked(kind, source_id, target_id, MISSING)
    if mine is None:
        return Checked(kind, source_id, target_id, UNEXPECTED)
    if isinstance(mine, Ticket) and isinstance(theirs, Ticket):
        found = compare(kind, ticket_view(mine, names[0], mapping),
                        ticket_view(theirs, names[1]), rules)
    else:
        found = compare(kind, record_view(mine, names[0]), record_view(theirs, names[1]),
                        rules)
    errors = [d for d in found if not d.expected]
    return Checked(kind, source_id, target_id, DIFFERS if errors else IDENTICAL, errors,
                   [d for d in found if d.expected])


def summarise(run_id: int, config: Config, checked: list[Checked], sample: int | None,
              requests: dict[str, int]) -> dict[str, Any]:
    """The verification as one JSON-ready object; ``verdict`` is the sentence to show."""
    kinds: dict[str, dict[str, int]] = {}
    expected: dict[str, int] = {}
    for row in checked:
        counts = kinds.setdefault(row.kind, {IDENTICAL: 0, DIFFERS: 0, MISSING: 0,
                                             UNEXPECTED: 0})
        counts[row.status] += 1
        for d in row.expected:
            key = f"{row.kind} {_family(d.field)}: {d.expected}"
            expected[key] = expected.get(key, 0) + 1
    bad = sum(c[s] for c in kinds.values() for s in (DIFFERS, MISSING, UNEXPECTED))
    total = len(checked)
    verdict = (f"All {total} records checked are in the target as in the source."
               if not bad else f"{bad} of {total} records checked differ from the source "
               "or are missing in the target; the list below says which fields.")
    return {"run_id": run_id, "source": config.source.platform,
            "target": config.target.platform, "sample": sample, "checked": total,
            "ok": not bad, "verdict": verdict, "kinds": kinds, "expected": expected,
            "requests": requests, "records": [r.as_dict() for r in checked]}


def _family(field: str) -> str:
    """``comment 3 author`` → ``comment author``; ``custom_fields.Size`` → ``custom_fields``."""
    words = [w for w in field.split(".")[0].split(" ") if not w.isdigit()]
    return " ".join(words[:2]) if words[0] in ("comment", "tag") else words[0]

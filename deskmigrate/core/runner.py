"""Starting, resuming and rolling back runs: the library the CLI is a thin layer over."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pluggy
import structlog

from . import host, lease, logs
from . import state as st
from .config import Config, load
from .connect import connect
from .connector import Connection, Platform, Source, Target
from .engine import MAX_AMBIGUOUS_ATTEMPTS, Engine
from .errors import DeskmigrateError, RunInterrupted, RunRefused
from .explain import demo_notes
from .filters import Filters
from .lookup import claim_lost_creates
from .options import validate_options
from .paths import run_log_path
from .progress import Board
from .records import NESTED_KINDS, rollback_order
from .report import summary
from .run import RunRequest
from .runspec import Progress, RunSpec, default_agent
from .seats import measure
from .selection import DemoSelection, RetrySelection, Selection, retry_ids
from .windows import Schedule

log = structlog.get_logger("deskmigrate.run")
Transports = dict[str, httpx.BaseTransport]  # "source" / "target" → in-process transport


@dataclass
class Accounts:
    source_platform: Platform
    target_platform: Platform
    source: Source
    target: Target
    connections: tuple[Connection, Connection]
    _stand_in: tuple[str | None] | None = field(default=None, repr=False)

    def default_agent(self, config: Config, *, fresh: bool = False) -> str | None:
        """The target id standing in for unknown agents (see :func:`default_agent`), asked of
        the target once however often a run needs it; ``fresh``: again (a rollback may have
        removed it)."""
        if self._stand_in is None or fresh:
            self._stand_in = (default_agent(self.target, config.run.get("default_agent"),
                                            config.target.platform),)
        return self._stand_in[0]

    def close(self) -> None:
        self.source.close()
        self.target.close()
        for connection in self.connections:
            connection.http.close()

    def requests(self) -> dict[str, int]:
        """Requests sent to each side; ``target_writes`` counts those that change data,
        ``source_429`` and ``target_429`` the answers that were rate-limited."""
        source, target = self.connections
        writes = sum(n for method, n in target.http.stats.by_method.items()
                     if method not in ("GET", "HEAD"))
        return {"source": source.http.stats.requests, "target": target.http.stats.requests,
                "target_writes": writes, "source_429": source.http.stats.rate_limited,
                "target_429": target.http.stats.rate_limited}


@contextmanager
def open_accounts(config: Config, pm: pluggy.PluginManager, *,
                  transports: Transports | None = None) -> Iterator[Accounts]:
    """Source and target bound to their connections; closed on exit."""
    transports = transports or {}
    sp, sc = open_side(config, "source", pm, transports.get("source"))
    tp, tc = open_side(config, "target", pm, transports.get("target"))
    accounts = Accounts(sp, tp, sp.source(sc), tp.target(tc), (sc, tc))
    try:
        yield accounts
    finally:
        accounts.close()


@contextmanager
def _held(state: st.StateStore, run_id: int) -> Iterator[None]:
    """The run's lease; an error or Ctrl-C that stops the run says it is interrupted."""
    try:
        with lease.held(state, run_id):
            yield
    except RunInterrupted:
        raise
    except DeskmigrateError as exc:
        raise RunInterrupted(run_id, str(exc)) from exc
    except KeyboardInterrupt:
        raise RunInterrupted(run_id, "Stopped by Ctrl-C") from None


def open_side(config: Config, side: str, pm: pluggy.PluginManager,
              transport: httpx.BaseTransport | None = None) -> tuple[Platform, Connection]:
    """The platform and connection of the config's ``side`` ("source" or "target"); the
    side's own ``concurrency`` caps its requests in flight, else ``[run] concurrency``."""
    account = config.source if side == "source" else config.target
    platform = host.platform(account.platform, pm)
    return platform, connect(
        platform, account.url, account.credentials, rate_per_minute=account.rate_limit,
        transport=transport, max_in_flight=account.concurrency,
        concurrency=account.concurrency or int(config.run.get("concurrency", 8)),
        settings={"mapping": config.mapping, **config.run})


def authorize(pm: pluggy.PluginManager, request: RunRequest) -> None:
    decision = pm.hook.authorize_run(request=request)
    if decision is not None and not decision.allowed:
        raise RunRefused(decision.reason)


@dataclass
class Launch:
    """How the caller wants a run driven: progress display, messages, in-process
    transports (tests, built-in sandboxes), interval windows and the demo's seed."""

    progress: Progress | None = None
    notify: Callable[[str], None] | None = None
    transports: Transports | None = None
    windows: list[str] = field(default_factory=list)
    timezone: str | None = None
    seed: int | None = None
    config_path: str | None = None


def start_run(config: Config, mode: str, *, state: st.StateStore, pm: pluggy.PluginManager,
              launch: Launch | None = None, base_run_id: int | None = None
              ) -> dict[str, Any]:
    """Start a demo, full, delta, re-migration or retry run and return its summary.

    ``base_run_id``: for a delta, the full run (or earlier delta) it follows; for a
    re-migration, the full run it replaces; for a retry, the run whose failed and skipped
    records it writes again."""
    launch = launch or Launch()
    if mode not in ("demo", "full", "delta", "remigrate", "retry"):
        raise DeskmigrateError(f"Unknown mode '{mode}'.")
    Schedule.parse(launch.windows, launch.timezone)  # refuse a bad window before anything
    filters = Filters.parse(config.select, kinds=host.kinds(pm))  # and a bad filter
    with open_accounts(config, pm, transports=launch.transports) as accounts:
        options = validate_options(config.options, host.options(pm),
                                   accounts.source_platform, accounts.target_platform)
        # Both accounts answer and the default agent exists before anything is written. A
        # delta, run often for a few changes, asks nothing up front: its first read proves
        # the source's credentials, a refused write writes nothing, and the default agent
        # is asked for before the first batch that may need it (Engine: ``ctx.hold``).
        if mode != "delta":
            accounts.source.check()
            accounts.default_agent(config)
        migration_id = state.migration_for(config.source.platform, accounts.connections[0].url,
                                           config.target.platform, accounts.connections[1].url)
        state.refuse_if_busy(migration_id)  # early, before asking either platform anything
        base = _base_run(state, migration_id, mode, base_run_id)
        authorize(pm, RunRequest(mode=mode, migration_id=migration_id,
                                 source_platform=config.source.platform,
                                 target_platform=config.target.platform, options=options,
                                 billing=config.billing, state=state,
                                 run_id=base["id"] if base else None, windows=launch.windows))
        # a delta keeps the filters of the run it follows
        select = base["config"].get("select", {}) if mode == "delta" and base else \
            filters.as_table()
        counts = Selection(accounts.source, filters=filters, kinds=host.kinds(pm)).count() \
            if mode not in ("delta", "retry") else {}
        seed = launch.seed
        if mode == "demo":
            seed = seed if seed is not None else random.SystemRandom().randrange(1 << 31)
        public = {**config.public(), "select": select, "config_path": launch.config_path,
                  "windows": launch.windows, "timezone": launch.timezone,
                  "since": base["started_at"] if mode == "delta" and base else None}
        # the lease first: nothing (not even an earlier demo's rollback) runs twice at once
        run_id = state.start_run(migration_id, mode,
                                 config=public, options=options, seed=seed, pid=os.getpid(),
                                 parent_run_id=base["id"] if base else None)
        with _held(state, run_id), logs.run_log(run_log_path(state.path, run_id)):
            log.info("run.started", run_id=run_id, mode=mode, seed=seed, counts=counts,
                     source=config.source.platform, target=config.target.platform)
            state.update_run(run_id, counts=counts)
            removed = []
            if mode == "demo":
                for earlier in state.runs():
                    if (earlier["migration_id"] == migration_id and earlier["mode"] == "demo"
                            and earlier["id"] != run_id
                            and earlier["status"] != st.ROLLED_BACK):
                        deleted = rollback(state, accounts.target, earlier["id"], pm,
                                           accounts.source)
                        removed.append({"run_id": earlier["id"], "deleted": deleted})
                if removed:
                    accounts.default_agent(config, fresh=True)
                # seats once the earlier demo's agents are gone from the target
                public["seats"] = measure(accounts.source, accounts.target, filters).as_dict()
                state.update_run(run_id, config=public)
            if mode == "remigrate" and base is not None:
                for earlier in reversed(_chain(state, base)):
                    rollback(state, accounts.target, earlier["id"], pm, accounts.source)
                accounts.default_agent(config, fresh=True)
            result = _execute(state, pm, accounts, config, run_id, launch)
            if mode == "demo":
                result["removed_demos"] = removed
                result["notes"] = demo_notes(state, result, host.kinds(pm),
                                             config_path=launch.config_path,
                                             default_agent=_agent_name(config, accounts))
            return result


def _agent_name(config: Config, accounts: Accounts) -> str:
    """The default agent as the operator knows it: the configured email, else the target
    account's own user."""
    email = config.run.get("default_agent")
    if email:
        return str(email)
    who = accounts.target.check()
    return f"{who.name} <{who.email}>" if who.email else who.name


def _base_run(state: st.StateStore, migration_id: int, mode: str, base_run_id: int | None
              ) -> dict[str, Any] | None:
    """The run a delta follows (the latest completed full or delta run of the migration)
    or the full run a re-migration replaces; checked to belong to this migration."""
    if mode not in ("delta", "remigrate", "retry"):
        return None
    base = state.run(base_run_id) if base_run_id is not None else None
    if base is None:
        raise DeskmigrateError(f"There is no run {base_run_id}.")
    if base["migration_id"] != migration_id:
        raise DeskmigrateError(f"Run {base_run_id} belongs to another migration than this "
                               "config's source and target.")
    if base["mode"] not in ("full", "delta", "remigrate", "retry") or \
            base["status"] != st.COMPLETED:
        raise DeskmigrateError(f"Run {base_run_id} is a {base['status']} {base['mode']} run; "
                               f"a {mode} needs a completed full run.")
    if mode == "retry":
        return base
    if mode == "remigrate":
        if base["mode"] == "delta":
            raise DeskmigrateError(f"Run {base_run_id} is a delta; re-migrate its full run.")
        return base
    chain = _chain(state, base)
    return chain[-1]


def _chain(state: st.StateStore, base: dict[str, Any]) -> list[dict[str, Any]]:
    """``base`` and the completed deltas of its migration that came after it."""
    return [base] + [r for r in state.runs()
                     if r["migration_id"] == base["migration_id"] and r["id"] > base["id"]
                     and r["mode"] == "delta" and r["status"] == st.COMPLETED]


def resume_run(run_id: int, *, state: st.StateStore, pm: pluggy.PluginManager,
               config: Config | None = None, launch: Launch | None = None) -> dict[str, Any]:
    """Finish a killed, paused or interrupted run where it stopped."""
    launch = launch or Launch()
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    if run["status"] in (st.COMPLETED, st.ROLLED_BACK):
        raise DeskmigrateError(f"Run {run_id} is {run['status']}; there is nothing to resume.")
    if run["status"] in lease.LIVE:
        raise DeskmigrateError(f"Run {run_id} is still {run['status']} (process "
                               f"{run['pid']}); it cannot be resumed twice.")
    config = config or config_of(run)
    launch.windows = launch.windows or run["config"].get("windows") or []
    launch.timezone = launch.timezone or run["config"].get("timezone")
    with open_accounts(config, pm, transports=launch.transports) as accounts:
        authorize(pm, RunRequest(mode="resume", migration_id=run["migration_id"],
                                 source_platform=config.source.platform,
                                 target_platform=config.target.platform,
                                 options=run["options"], billing=config.billing, state=state,
                                 run_id=run_id, windows=launch.windows))
        state.take_over(run_id, os.getpid())  # re-checked inside one transaction
        with _held(state, run_id), logs.run_log(run_log_path(state.path, run_id)):
            log.info("run.resumed", run_id=run_id, mode=run["mode"])
            return _execute(state, pm, accounts, config, run_id, launch)


def config_of(run: dict[str, Any]) -> Config:
    """The config a run was started with, read again (credentials come from it, never from
    the state database)."""
    path = run["config"].get("config_path")
    if not path:
        raise DeskmigrateError(f"Run {run['id']} was not started from a config file; "
                               "pass --config.")
    return load(path)


def _execute(state: st.StateStore, pm: pluggy.PluginManager, accounts: Accounts,
             config: Config, run_id: int, launch: Launch) -> dict[str, Any]:
    run = state.run(run_id)
    assert run is not None
    since = run["config"].get("since")
    filters = Filters.parse(run["config"].get("select") or {})
    if run["mode"] == "demo":
        selection: Selection = DemoSelection(accounts.source, seed=run["seed"],
                                             kinds=host.kinds(pm), filters=filters)
    elif run["mode"] == "retry":
        selection = RetrySelection(accounts.source, retry_ids(state, run))
    else:
        selection = Selection(accounts.source, filters=filters, kinds=host.kinds(pm),
                              since=datetime.fromisoformat(since) if since else None)
    engine = Engine(RunSpec(
        state=state, pm=pm, source=accounts.source, target=accounts.target,
        source_platform=config.source.platform, target_platform=config.target.platform,
        migration_id=run["migration_id"], run_id=run_id, mode=run["mode"],
        options=run["options"], default_agent_email=config.run.get("default_agent"),
        stand_in=partial(accounts.default_agent, config),
        source_capabilities=accounts.source_platform.capabilities,
        target_capabilities=accounts.target_platform.capabilities,
        concurrency=int(config.run.get("concurrency", 8)), progress=launch.progress,
        schedule=Schedule.parse(launch.windows, launch.timezone), notify=launch.notify,
        waiting=board.wait if isinstance(board := launch.progress, Board) else None,
    ))
    if isinstance(board, Board):
        for side, connection in zip(("source", "target"), accounts.connections, strict=True):
            board.watch(f"the {side}'s rate limit", connection.http.budget.held_for)
    try:
        engine.run(selection)
    finally:
        if selection.phase_sizes:  # the report shows the express order's two phases
            state.update_run(run_id, config={**run["config"], "phases": selection.phase_sizes})
    result = summary(state, run_id)
    log.info("run.finished", run_id=run_id, status=result["status"], records=result["records"])
    result["requests"] = accounts.requests()
    if run["mode"] == "demo":
        result["seats"] = run["config"].get("seats")
        result["quote"] = pm.hook.quote_run(state=state, run_id=run_id)
    return result


def rollback(state: st.StateStore, target: Target, run_id: int,
             pm: pluggy.PluginManager | None = None, source: Source | None = None
             ) -> dict[str, int]:
    """Delete from the target what ``run_id`` created and still owns (never what it
    matched, nor what a later run adopted), newest kinds first. With ``source``, records
    whose create answer a kill lost are looked up first (a run never resumed). Only
    deletions the target confirms leave the id map and are counted; the run is rolled back
    once nothing it created is left (run it again to retry the rest). Idempotent and
    resumable."""
    run = state.run(run_id)
    if run is not None and run["status"] in lease.LIVE:
        raise DeskmigrateError(f"Run {run_id} is still {run['status']} (process "
                               f"{run['pid']}); pause it before rolling it back.")
    undecided = claim_lost_creates(state, source, target, run_id, host.kinds(pm),
                                   MAX_AMBIGUOUS_ATTEMPTS) if source is not None else 0
    deleted: dict[str, int] = {}
    for kind in rollback_order(host.kinds(pm).order):
        ids = state.created_by(run_id, kind)
        if ids and (kind in target.kinds or kind in NESTED_KINDS):
            gone = target.delete(kind, ids) or []
            state.forget_run(run_id, kind, gone)
            if gone:
                deleted[kind] = len(gone)
        partial = state.partial(run_id, kind)  # created in part, never settled
        if partial and kind in target.kinds:
            gone = target.delete(kind, partial) or []
            state.forget_partial(run_id, kind, gone)
            if gone:
                deleted[kind] = deleted.get(kind, 0) + len(gone)
        if not state.created_by(run_id, kind):
            state.forget_run(run_id, kind)  # what it matched: mapping rows only
    if undecided:
        raise DeskmigrateError(
            f"Run {run_id} is partly rolled back: the target could not tell whether "
            f"{undecided} records were created by it; run `deskmigrate rollback {run_id}` "
            "again.")
    if state.created_remaining(run_id) == 0:
        state.set_status(run_id, st.ROLLED_BACK)
    return deleted


def config_path(path: str | None) -> str | None:
    return str(Path(path).resolve()) if path else None

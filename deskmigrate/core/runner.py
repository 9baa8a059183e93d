"""Starting, resuming and rolling back runs: the library the CLI is a thin layer over."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pluggy

from . import host
from . import state as st
from .config import Config, load
from .connect import connect
from .connector import Connection, Platform, Source, Target
from .engine import Engine, Progress, RunSpec
from .errors import DeskmigrateError, RunRefused
from .options import validate_options
from .records import KIND_ORDER
from .report import summary
from .run import RunRequest
from .selection import DemoSelection, Selection

Transports = dict[str, httpx.BaseTransport]  # "source" / "target" → in-process transport


@dataclass
class Accounts:
    source_platform: Platform
    target_platform: Platform
    source: Source
    target: Target
    connections: tuple[Connection, Connection]

    def close(self) -> None:
        self.source.close()
        self.target.close()
        for connection in self.connections:
            connection.http.close()

    def requests(self) -> dict[str, int]:
        source, target = self.connections
        return {"source": source.http.stats.requests, "target": target.http.stats.requests}


@contextmanager
def open_accounts(config: Config, pm: pluggy.PluginManager, *,
                  transports: Transports | None = None, concurrency: int | None = None
                  ) -> Iterator[Accounts]:
    """Source and target bound to their connections; closed on exit."""
    transports = transports or {}
    workers = concurrency or int(config.run.get("concurrency", 8))
    sides = []
    for side, account in (("source", config.source), ("target", config.target)):
        platform = host.platform(account.platform, pm)
        sides.append((platform, connect(
            platform, account.url, account.credentials, rate_per_minute=account.rate_limit,
            transport=transports.get(side), concurrency=workers,
            settings={"mapping": config.mapping, **config.run})))
    (sp, sc), (tp, tc) = sides
    accounts = Accounts(sp, tp, sp.source(sc), tp.target(tc), (sc, tc))
    try:
        yield accounts
    finally:
        accounts.close()


def authorize(pm: pluggy.PluginManager, request: RunRequest) -> None:
    decision = pm.hook.authorize_run(request=request)
    if decision is not None and not decision.allowed:
        raise RunRefused(decision.reason)


def start_run(config: Config, mode: str, *, state: st.StateStore, pm: pluggy.PluginManager,
              seed: int | None = None, progress: Progress | None = None,
              transports: Transports | None = None, config_path: str | None = None
              ) -> dict[str, Any]:
    """Run a demo or a full migration and return its summary."""
    if mode not in ("demo", "full"):
        raise DeskmigrateError(f"Unknown mode '{mode}'.")
    with open_accounts(config, pm, transports=transports) as accounts:
        options = validate_options(config.options, host.options(pm),
                                   config.source.platform, config.target.platform)
        migration_id = state.migration_for(config.source.platform, accounts.connections[0].url,
                                           config.target.platform, accounts.connections[1].url)
        authorize(pm, RunRequest(mode=mode, migration_id=migration_id,
                                 source_platform=config.source.platform,
                                 target_platform=config.target.platform, options=options,
                                 billing=config.billing, state=state))
        counts = accounts.source.count()
        if mode == "demo":
            for earlier in state.runs():
                if (earlier["migration_id"] == migration_id and earlier["mode"] == "demo"
                        and earlier["status"] != st.ROLLED_BACK):
                    rollback(state, accounts.target, earlier["id"])
            seed = seed if seed is not None else random.SystemRandom().randrange(1 << 31)
        public = {**config.public(), "config_path": config_path}
        run_id = state.start_run(migration_id, mode, config=public, options=options, seed=seed,
                                 pid=os.getpid())
        state.update_run(run_id, counts=counts)
        return _execute(state, pm, accounts, config, run_id, progress)


def resume_run(run_id: int, *, state: st.StateStore, pm: pluggy.PluginManager,
               config: Config | None = None, progress: Progress | None = None,
               transports: Transports | None = None) -> dict[str, Any]:
    """Finish a killed, failed or paused run where it stopped."""
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"There is no run {run_id}.")
    if run["status"] in (st.COMPLETED, st.ROLLED_BACK):
        raise DeskmigrateError(f"Run {run_id} is {run['status']}; there is nothing to resume.")
    if config is None:
        path = run["config"].get("config_path")
        if not path:
            raise DeskmigrateError(f"Run {run_id} was not started from a config file; "
                                   "pass --config.")
        config = load(path)
    with open_accounts(config, pm, transports=transports) as accounts:
        authorize(pm, RunRequest(mode="resume", migration_id=run["migration_id"],
                                 source_platform=config.source.platform,
                                 target_platform=config.target.platform,
                                 options=run["options"], billing=config.billing, state=state,
                                 run_id=run_id))
        state.update_run(run_id, status=st.RUNNING, error=None, pid=os.getpid())
        return _execute(state, pm, accounts, config, run_id, progress)


def _execute(state: st.StateStore, pm: pluggy.PluginManager, accounts: Accounts,
             config: Config, run_id: int, progress: Progress | None) -> dict[str, Any]:
    run = state.run(run_id)
    assert run is not None
    selection = (DemoSelection(accounts.source, seed=run["seed"]) if run["mode"] == "demo"
                 else Selection(accounts.source))
    engine = Engine(RunSpec(
        state=state, pm=pm, source=accounts.source, target=accounts.target,
        source_platform=config.source.platform, target_platform=config.target.platform,
        migration_id=run["migration_id"], run_id=run_id, mode=run["mode"],
        options=run["options"], default_agent_email=config.run.get("default_agent"),
        concurrency=int(config.run.get("concurrency", 8)), progress=progress,
    ))
    engine.run(selection)
    result = summary(state, run_id)
    result["requests"] = accounts.requests()
    if run["mode"] == "demo":
        result["quote"] = pm.hook.quote_run(state=state, run_id=run_id)
    return result


def rollback(state: st.StateStore, target: Target, run_id: int) -> dict[str, int]:
    """Delete from the target what ``run_id`` created (never what it matched), newest
    kinds first; idempotent and resumable (the id map shrinks as it goes)."""
    deleted: dict[str, int] = {}
    for kind in reversed(KIND_ORDER):
        ids = state.created_by(run_id, kind)
        if ids and kind in target.kinds:
            target.delete(kind, ids)
            deleted[kind] = len(ids)
        state.forget_run(run_id, kind)
    state.set_status(run_id, st.ROLLED_BACK)
    return deleted


def config_path(path: str | None) -> str | None:
    return str(Path(path).resolve()) if path else None

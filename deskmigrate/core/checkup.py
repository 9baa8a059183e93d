"""``deskmigrate check``: the whole config, then each side on its own (one failing side
does not hide the other), permission by permission, with what each side can see, then what
the pair needs (options, agent seats) and cannot keep."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pluggy

from . import fidelity, host
from .config import Config, parse_file, read
from .config_keys import problems
from .connector import Identity, Platform, Source, Target
from .errors import ConfigError, DeskmigrateError
from .filters import Filters
from .options import validate_options
from .runner import open_side
from .runspec import default_agent
from .seats import describe, measure


def checkup(path: str | Path, pm: pluggy.PluginManager) -> dict[str, Any]:
    """Everything ``check`` found; ``ok`` is True only when every check passed."""
    data = read(path)
    found = problems(data, pm)
    result: dict[str, Any] = {"config": {"path": str(path), "problems": found}}
    try:
        config = parse_file(data, path)
        pm.hook.check_config(config=config)
        filters = Filters.parse(config.select, kinds=host.kinds(pm))
    except ConfigError as exc:
        found.append(str(exc))
        result["ok"] = False
        return result
    with ExitStack() as stack:
        source = _side(config, "source", pm, result, stack)
        target = _side(config, "target", pm, result, stack)
        if source and target:
            _pair(config, pm, result, source, target, filters)
    steps = [s for side in ("source", "target") for s in result[side]["checks"]]
    steps += result.get("pair", [])
    result["ok"] = not found and all(step["ok"] for step in steps)
    return result


def _side(config: Config, side: str, pm: pluggy.PluginManager, result: dict[str, Any],
          stack: ExitStack) -> tuple[Platform, Source | Target] | None:
    """Check one side into ``result[side]``; its platform and endpoint when every step
    passed (closed when ``stack`` closes)."""
    account = config.source if side == "source" else config.target
    out: dict[str, Any] = {"platform": account.platform, "url": account.url, "checks": []}
    result[side] = out
    checks: list[dict[str, Any]] = out["checks"]
    try:
        platform, connection = open_side(config, side, pm)
    except DeskmigrateError as exc:
        checks.append({"name": "account settings", "ok": False, "detail": str(exc),
                       "exit_code": exc.exit_code})
        return None
    stack.callback(connection.http.close)
    endpoint: Source | Target
    if side == "source":
        source = endpoint = platform.source(connection)
        stack.callback(source.close)
        checks.append(_step("credentials and read permission",
                            lambda: _who(out, source.check())))
        if checks[-1]["ok"]:
            checks.append(_step("read every record kind", lambda: _counts(out, source.count())))
    else:
        target = endpoint = platform.target(connection)
        stack.callback(target.close)
        checks.append(_step("credentials and write permission",
                            lambda: _who(out, target.check())))
        if checks[-1]["ok"]:
            email = config.run.get("default_agent")
            checks.append(_step("default agent", lambda: _agent(
                email, default_agent(target, email, platform.name))))
    return (platform, endpoint) if all(step["ok"] for step in checks) else None


def _pair(config: Config, pm: pluggy.PluginManager, result: dict[str, Any],
          source: tuple[Platform, Any], target: tuple[Platform, Any], filters: Filters) -> None:
    """What the pair needs and cannot keep: options, agent seats, losses."""
    (sp, reader), (tp, writer) = source, target

    def seats() -> str:
        result["seats"] = measure(reader, writer, filters).as_dict()
        return describe(result["seats"])

    result["pair"] = [
        _step("options for this pair", lambda: ", ".join(
            validate_options(config.options, host.options(pm), sp, tp)) or "none chosen"),
        _step("agent seats", seats)]
    result["cannot_keep"] = [
        {"key": loss.key, "what": loss.what, "kinds": list(loss.kinds)}
        for loss in fidelity.losses(sp.name, sp.capabilities, tp.name, tp.capabilities)]


def _step(name: str, run: Callable[[], str]) -> dict[str, Any]:
    """One check: its name, whether it passed, and what it saw or why it failed."""
    try:
        return {"name": name, "ok": True, "detail": run()}
    except DeskmigrateError as exc:
        return {"name": name, "ok": False, "detail": str(exc), "exit_code": exc.exit_code}


def _who(out: dict[str, Any], who: Identity) -> str:
    out["identity"] = asdict(who)
    return (f"as {who.name}{f' <{who.email}>' if who.email else ''}"
            f"{f' ({who.role})' if who.role else ''}{f' on {who.account}' if who.account else ''}")


def _counts(out: dict[str, Any], counts: dict[str, int]) -> str:
    out["counts"] = counts
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing to migrate"


def _agent(email: str | None, found: str | None) -> str:
    if email:
        return f"{email} is agent {found}"
    return f"the signed-in account (id {found}) stands in for agents missing in the target"

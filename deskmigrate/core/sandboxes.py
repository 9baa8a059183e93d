"""Sandboxes on disk: open one for a platform (seeding it the first time) and the pair of
built-in sandboxes that ``deskmigrate demo`` uses when it is given no config."""

from __future__ import annotations

import json
from pathlib import Path

import pluggy

from ..sandbox import SandboxApp
from . import host
from .config import Config, parse
from .errors import ConfigError
from .paths import sandbox_dir
from .runner import Transports

IN_PROCESS_RATE = 100_000  # in-process sandboxes have no rate limit: don't throttle them
DEMO_TICKETS = 200
DEMO_SEED = 7
DEMO_URLS = {"source": "http://127.0.0.1:8101", "target": "http://127.0.0.1:8102"}


def open_sandbox(platform: str, path: Path, *, tickets: int, seed: int,
                 rate_limit: int | None = None, pm: pluggy.PluginManager | None = None,
                 attachments: bool = True, fault_rate: float = 0.0, fault_seed: int = 0
                 ) -> SandboxApp:
    """The sandbox stored at ``path``; seeded when new, re-seeded when asked for other data;
    ``fault_rate`` of its answers are faults (drawn from ``fault_seed``)."""
    wanted = json.dumps({"tickets": tickets, "seed": seed, "attachments": attachments})

    def fresh() -> SandboxApp:
        return host.platform(platform, pm).sandbox(str(path), rate_limit=rate_limit,
                                                   fault_rate=fault_rate, fault_seed=fault_seed)

    app = fresh()
    seeded = app.store.meta("deskmigrate:seeded")
    if seeded == wanted:
        return app
    if seeded is not None:
        app.store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        app = fresh()
    app.seed(tickets=tickets, seed=seed, attachments=attachments)
    app.store.set_meta("deskmigrate:seeded", wanted)
    return app


def demo_platform(pm: pluggy.PluginManager, role: str) -> str:
    """The platform that plays ``role`` ("source" / "target") in the built-in demo: the
    first whose ``demo_roles`` names it."""
    for name, platform in host.platforms(pm).items():
        if role in platform.demo_roles:
            return name
    raise ConfigError(f"No installed platform offers to be the demo's {role}; "
                      f"give `deskmigrate demo` a config.")


def builtin_demo(pm: pluggy.PluginManager, *, source: str | None = None,
                 target: str | None = None) -> tuple[Config, Transports]:
    """A seeded source sandbox and a target sandbox that starts empty, served in-process."""
    source = source or demo_platform(pm, "source")
    target = target or demo_platform(pm, "target")
    folder = sandbox_dir()
    apps = {
        "source": open_sandbox(source, folder / f"demo-source-{source}.sqlite",
                               tickets=DEMO_TICKETS, seed=DEMO_SEED, pm=pm),
        "target": open_sandbox(target, folder / f"demo-target-{target}.sqlite",
                               tickets=0, seed=DEMO_SEED, pm=pm),
    }
    platforms = {"source": source, "target": target}
    config = parse({
        side: {"platform": platforms[side], "url": DEMO_URLS[side],
               "rate_limit": IN_PROCESS_RATE, **app.credentials()}
        for side, app in apps.items()
    } | {"billing": {"enforce": False}, "run": {"builtin_demo": True}})
    return config, {side: app.transport() for side, app in apps.items()}

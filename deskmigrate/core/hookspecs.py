"""Every hook a deskmigrate plugin can implement.

Plugins implement them with ``@deskmigrate.hookimpl``. A misspelled hook name is caught at
load time by ``PluginManager.check_pending()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .config import Config
    from .connector import Platform
    from .events import Event
    from .kinds import KindSpec
    from .options import Option
    from .records import Record
    from .run import Authorization, RunContext, RunRequest
    from .state import StateStore

hookspec = pluggy.HookspecMarker("deskmigrate")
hookimpl = pluggy.HookimplMarker("deskmigrate")


@hookspec
def register_platforms(register: Callable[[Platform], None]) -> None:
    """Register platform connectors by calling ``register(platform)`` for each."""


@hookspec
def register_options(register: Callable[[Option], None]) -> None:
    """Register paid options (add tag, skip attachments, ...) by calling ``register(option)``."""


@hookspec
def register_kinds(register: Callable[[KindSpec], None]) -> None:
    """Register record kinds by calling ``register(KindSpec(...))`` for each."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``deskmigrate`` CLI."""


@hookspec
def config_tables() -> dict[str, tuple[str, ...]] | None:
    """The config tables this plugin reads and their keys (``{"billing": ("plan", …)}``):
    a key or table no plugin names is refused with a "did you mean …?"."""


@hookspec
def check_config(config: Config) -> None:
    """Check the values of the tables this plugin reads (its ``config_tables``) when a
    config is loaded; raise ConfigError with one sentence for a bad one."""


@hookspec(firstresult=True)
def authorize_run(request: RunRequest) -> Authorization | None:
    """Allow or refuse a run before it starts (billing answers; no answer allows it).

    Return ``Authorization(allowed=False, reason="...")`` to refuse with one sentence.
    """


# The record pipeline, in the order the engine runs it (core/pipeline.py): skip_record,
# shape_record, select_files, prepare_record. Hooks of one phase must not depend on each
# other; a later phase sees what the earlier ones made.


@hookspec
def skip_record(context: RunContext, kind: str, record: Record) -> str | None:
    """Phase 1: return a reason to skip this record, or None to let it through."""


@hookspec
def shape_record(context: RunContext, kind: str, record: Record) -> None:
    """Phase 2: decide what the record holds (side conversations become notes or stay,
    call recordings become attachments, translations stay or go)."""


@hookspec
def select_files(context: RunContext, kind: str, record: Record) -> None:
    """Phase 3: decide which files travel, on every message the record now holds
    (``Ticket.messages()``)."""


@hookspec
def prepare_record(context: RunContext, kind: str, record: Record) -> None:
    """Phase 4: change bodies and fields in place (add a tag, redact), on every message
    the record now holds (``Ticket.messages()``)."""


@hookspec
def record_event(event: Event) -> None:
    """Observe what happens in a run: records written, options applied, run finished."""



@hookspec(firstresult=True)
def quote_run(state: StateStore, run_id: int) -> dict[str, Any] | None:
    """Price the full migration a demo run counted: ``{"currency", "total", "lines", ...}``."""

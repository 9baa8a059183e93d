"""The ``deskmigrate`` command line: a thin layer over :mod:`deskmigrate.core`.

One module per group of commands; importing them registers their commands on :data:`cli`.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..core import host
from . import (  # noqa: F401  (register commands)
    catalog,
    check,
    control,
    results,
    sandbox,
    start,
    verifying,
)
from .app import cli

__all__ = ["cli", "main"]


def _one_line_warning(message: Warning | str, category: type[Warning], *args: Any,
                      **kwargs: Any) -> str:
    return f"Warning: {message}\n"


warnings.formatwarning = _one_line_warning  # type: ignore[assignment]
host.plugin_manager().hook.register_commands(cli=cli)


def main() -> None:
    """The ``deskmigrate`` console script."""
    cli(prog_name="deskmigrate")

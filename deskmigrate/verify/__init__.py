"""Verification of a migration: the target read back and compared with the source through
the canonical model (``deskmigrate verify RUN``; docs/verify.md)."""

from .check import verify_run
from .output import render

__all__ = ["render", "verify_run"]

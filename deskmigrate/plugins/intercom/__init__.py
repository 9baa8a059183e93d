"""The Intercom plugin: source, target and sandbox for Intercom's REST API 2.14."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.connector import Platform

from .platform import IntercomPlatform

__all__ = ["IntercomPlatform"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(IntercomPlatform())

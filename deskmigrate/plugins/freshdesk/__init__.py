"""The Freshdesk plugin: source, target and sandbox for Freshdesk's REST API v2."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.connector import Platform

from .platform import FreshdeskPlatform

__all__ = ["FreshdeskPlatform"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(FreshdeskPlatform())

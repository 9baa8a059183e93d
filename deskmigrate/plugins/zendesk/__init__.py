"""The Zendesk Support plugin: source, target and sandbox."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.connector import Platform

from .platform import ZendeskPlatform


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(ZendeskPlatform())

"""The Jira Service Management (Cloud) plugin: source, target and sandbox for the
servicedeskapi and the Jira platform REST API v3."""

from __future__ import annotations

from collections.abc import Callable

from deskmigrate import hookimpl
from deskmigrate.core.connector import Platform

from .platform import JiraSmPlatform

__all__ = ["JiraSmPlatform"]


@hookimpl
def register_platforms(register: Callable[[Platform], None]) -> None:
    register(JiraSmPlatform())

"""JiraSmSandbox: a local emulator of Jira Service Management Cloud.

It serves the servicedeskapi (``/rest/servicedeskapi/...``: desks, request types and their
fields, customers, organizations, requests, comments, temporary files) and the platform v3
paths a migration needs (``/rest/api/3/...``: server info, JQL search with
``nextPageToken``, issues with ADF bodies, comments with ``jsdPublic``, transitions,
attachments answered with a 303 to a signed media URL, entity properties, users and groups,
the agent licence's seats),
with Atlassian's error bodies and 429s carrying ``Retry-After``, ``X-RateLimit-*`` and
``RateLimit-Reason``. It never imports the connector.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
from werkzeug.routing import Rule

from .files import FileRoutes
from .issues import IssueRoutes
from .licence import LicenceRoutes
from .people import PeopleRoutes
from .requests import RequestRoutes
from .seed import seed_desk

__all__ = ["JiraSmSandbox"]


class JiraSmSandbox(IssueRoutes, RequestRoutes, FileRoutes, PeopleRoutes, LicenceRoutes):
    """State in one SQLite file; ``seed`` fills it deterministically."""

    def rules(self) -> Iterable[Rule]:
        return [*self.issue_rules(), *self.comment_rules(), *self.request_rules(),
                *self.file_rules(), *self.people_rules(), *self.licence_rules()]

    def seed(self, *, tickets: int, seed: int, attachments: bool = True) -> None:
        seed_desk(self.store, tickets=tickets, seed=seed, attachments=attachments)

    def activity(self, client: httpx.Client, *, new: int, updated: int, seed: int
                 ) -> dict[str, int]:
        """New requests and answered ones through the public API (see ``activity.py``)."""
        from .activity import simulate

        return simulate(client, new=new, updated=updated, seed=seed)

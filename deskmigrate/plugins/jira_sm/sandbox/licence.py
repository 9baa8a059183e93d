"""The product licence: ``GET /rest/api/3/applicationrole[/{key}]``, the Jira Service
Management agent seats (``numberOfSeats``, ``userCount``, ``remainingSeats``), for users with
the Administer Jira permission. The seats bought are the meta ``agent_seats`` (10 unless a
test sets it); the agents holding one are the active users of the agents' group."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .base import JsmBase, platform_error

V3 = "/rest/api/3"
KEY = "jira-servicedesk"
AGENTS = "jira-servicemanagement-users"
DEFAULT_SEATS = 10


class LicenceRoutes(JsmBase):
    def licence_rules(self) -> list[Rule]:
        return [Rule(f"{V3}/applicationrole", methods=["GET"], endpoint="application_roles"),
                Rule(f"{V3}/applicationrole/<key>", methods=["GET"],
                     endpoint="application_role")]

    def application_roles(self, request: Request, user: dict, **_: Any) -> list[dict]:
        self._admin_only(user)
        return [self._role()]

    def application_role(self, request: Request, user: dict, key: str) -> dict:
        self._admin_only(user)
        if key != KEY:
            raise platform_error(404, f"The application role {key} does not exist.")
        return self._role()

    def _admin_only(self, user: dict) -> None:
        if "site-admins" not in user["groups"]:
            raise platform_error(403, "You are not authorized to perform this action. "
                                      "Administrator privileges are required.")

    def _role(self) -> dict:
        seats = int(self.store.meta("agent_seats") or DEFAULT_SEATS)
        used = sum(1 for u in self.store.query("users")
                   if u["active"] and u["accountType"] == "atlassian" and AGENTS in u["groups"])
        group = {"groupId": "2d2b7e0c-51a5-4d0e-9d3b-6d0a8a8c3b51", "name": AGENTS}
        return {"defaultGroups": [AGENTS], "defaultGroupsDetails": [group], "defined": False,
                "groupDetails": [group], "groups": [AGENTS], "hasUnlimitedSeats": False,
                "key": KEY, "name": "Jira Service Management", "numberOfSeats": seats,
                "platform": False, "remainingSeats": max(seats - used, 0),
                "selectedByDefault": False, "userCount": used,
                "userCountDescription": f"{used} agents"}

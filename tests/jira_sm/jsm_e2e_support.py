"""Accounts and config files of the jira_sm end-to-end tests (the shared ones, plus the app)."""

from __future__ import annotations

from dataclasses import dataclass

import e2e_accounts
from e2e_accounts import write_config

from deskmigrate.sandbox import SandboxApp

TICKETS = 10
SEEDS = {"zendesk": 13, "freshdesk": 17, "jira_sm": 5}

__all__ = ["SEEDS", "TICKETS", "Account", "write_config"]


@dataclass
class Account(e2e_accounts.Account):
    """An e2e account that also holds its sandbox app, for reading the store directly."""

    app: SandboxApp

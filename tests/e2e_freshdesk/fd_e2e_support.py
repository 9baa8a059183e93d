"""Helpers of the Freshdesk end-to-end tests: accounts, config files, the CLI in-process
and in killable subprocesses, and the id map of a run."""

from __future__ import annotations

from e2e_accounts import Account, cli_json, id_map, write_config

TICKETS = 60
ZENDESK_SEED = 13
FRESHDESK_SEED = 17
__all__ = ["FRESHDESK_SEED", "TICKETS", "ZENDESK_SEED", "Account", "cli_json", "id_map",
           "write_config"]

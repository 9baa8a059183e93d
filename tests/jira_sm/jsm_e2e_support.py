"""Accounts and config files of the jira_sm end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deskmigrate.sandbox import SandboxApp

TICKETS = 10
SEEDS = {"zendesk": 13, "freshdesk": 17, "jira_sm": 5}
UNTHROTTLED = 100_000


@dataclass
class Account:
    platform: str
    url: str
    credentials: dict[str, str]
    app: SandboxApp

    def toml(self, table: str) -> str:
        lines = [f"[{table}]", f'platform = "{self.platform}"', f'url = "{self.url}"',
                 f"rate_limit = {UNTHROTTLED}"]
        lines += [f'{k} = "{v}"' for k, v in self.credentials.items()]
        return "\n".join(lines) + "\n"


def write_config(path: Path, source: Account, target: Account, extra: str = "") -> Path:
    path.write_text(source.toml("source") + target.toml("target")
                    + "[billing]\nenforce = false\n" + extra)
    return path

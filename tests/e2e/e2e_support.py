"""Helpers shared by the end-to-end tests: accounts and config files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOURCE_TICKETS = 200
SOURCE_SEED = 11


@dataclass
class Account:
    url: str
    credentials: dict[str, str]

    def toml(self, table: str, platform: str = "zendesk") -> str:
        # The client's own rate budget stays out of the way; sandboxes set their limits.
        lines = [f"[{table}]", f'platform = "{platform}"', f'url = "{self.url}"',
                 "rate_limit = 100000"]
        lines += [f'{k} = "{v}"' for k, v in self.credentials.items()]
        return "\n".join(lines) + "\n"


def write_config(path: Path, source: Account, target: Account, extra: str = "") -> Path:
    path.write_text(source.toml("source") + target.toml("target")
                    + "[billing]\nenforce = false\n" + extra)
    return path

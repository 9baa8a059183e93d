"""Helpers shared by the end-to-end tests: accounts and config files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOURCE_TICKETS = 200
SOURCE_SEED = 11


@dataclass
class Account:
    url: str
    credentials: dict[str, str]
    app: Any = field(default=None, repr=False, compare=False)  # the sandbox behind the URL

    def calm(self) -> None:
        """No more injected faults: the test reads the result back."""
        self.app.faults.rate = 0

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

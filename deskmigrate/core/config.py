"""The TOML configuration: ``[source]``, ``[target]``, ``[options]``, ``[mapping]``,
``[run]``, ``[billing]`` and ``[customer]``. ``"${VAR}"`` values are read from the environment."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config_keys import ACCOUNT_KEYS
from .errors import ConfigError
from .filters import Filters

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
ACCOUNT_SETTINGS = ACCOUNT_KEYS


@dataclass
class AccountConfig:
    """One side of a migration. ``credentials`` holds every other key of the table."""

    platform: str
    url: str
    credentials: dict[str, str]
    rate_limit: int | None = None
    concurrency: int | None = None  # requests in flight at once (None: [run] concurrency)

    def public(self) -> dict[str, Any]:
        """What may be stored or shown: everything but the credentials."""
        return {"platform": self.platform, "url": self.url, "rate_limit": self.rate_limit,
                "concurrency": self.concurrency}


@dataclass
class Config:
    source: AccountConfig
    target: AccountConfig
    options: dict[str, Any] = field(default_factory=dict)
    mapping: dict[str, Any] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    billing: dict[str, Any] = field(default_factory=dict)
    customer: dict[str, Any] = field(default_factory=dict)
    select: dict[str, Any] = field(default_factory=dict)  # filters and order (core.filters)

    def public(self) -> dict[str, Any]:
        return {"source": self.source.public(), "target": self.target.public(),
                "options": self.options, "mapping": self.mapping, "run": self.run,
                "billing": self.billing, "customer": self.customer}


def _expand(value: Any, where: str) -> Any:
    if isinstance(value, str):
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"Environment variable {name} (used by {where}) is not set.")
            return os.environ[name]
        return _VAR.sub(sub, value)
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, where) for v in value]
    return value


def _account(data: dict[str, Any], table: str) -> AccountConfig:
    section = data.get(table)
    if not isinstance(section, dict):
        raise ConfigError(f"The config has no [{table}] table.")
    for key in ("platform", "url"):
        if not isinstance(section.get(key), str) or not section[key]:
            raise ConfigError(f"[{table}] needs a '{key}' string.")
    rate = section.get("rate_limit")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int) or rate < 1):
        raise ConfigError(f"[{table}] rate_limit must be a positive number of requests/minute.")
    concurrency = section.get("concurrency")
    if concurrency is not None:
        _check_workers(concurrency, f"[{table}] concurrency")
    credentials = {k: str(_expand(v, f"[{table}] {k}")) for k, v in section.items()
                   if k not in ACCOUNT_SETTINGS}
    url = _expand(section["url"], f"[{table}] url")
    try:
        _ = urlsplit(url).port
    except ValueError as exc:
        raise ConfigError(f"[{table}] url is not a valid URL ({exc}).") from None
    if "@" in urlsplit(url).netloc:
        raise ConfigError(f"[{table}] url must not carry credentials; put them in [{table}] "
                          "keys such as email and token or api_key, which are never stored.")
    return AccountConfig(platform=section["platform"], url=url, credentials=credentials,
                         rate_limit=rate, concurrency=concurrency)


def parse(data: dict[str, Any]) -> Config:
    """Validate a parsed TOML document."""
    tables = {}
    for name in ("options", "mapping", "run", "billing", "customer", "select"):
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[{name}] must be a table.")
        tables[name] = _expand(value, f"[{name}]")
    _check_workers(tables["run"].get("concurrency", 8), "[run] concurrency")
    if not isinstance(tables["run"].get("defaults", {}), dict):
        raise ConfigError("[run] defaults must be a table of field label = value.")
    Filters.parse(tables["select"])  # one sentence for a bad filter, before anything runs
    tables["mapping"] = _mapping(tables["mapping"])
    return Config(source=_account(data, "source"), target=_account(data, "target"), **tables)


def _check_workers(workers: Any, where: str) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ConfigError(f"{where} must be a whole number from 1 to 64.")


def _mapping(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``[mapping]`` as one flat table (``request_type.incident = "x"`` written without
    quotes is a nested table in TOML); a name is text, a ``field.NAME`` value may also be
    a number, true/false or a list of text."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _mapping(value, f"{name}.")
            continue
        if name.lower().startswith("field."):
            fits = isinstance(value, str | int | float) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))
            wanted = "text, a number, true/false or a list of text"
        else:
            fits, wanted = isinstance(value, str) and bool(value.strip()), "a name in quotes"
        if not fits:
            raise ConfigError(f"[mapping] '{name}' must be {wanted}, not {_kind(value)}.")
        flat[name] = value
    return flat


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "empty text"
    return "a list" if isinstance(value, list) else f"a {type(value).__name__}"


def read(path: str | Path) -> dict[str, Any]:
    """The parsed TOML of a config file; every problem reading it is one sentence."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.") from None
    except OSError as exc:
        raise ConfigError(f"Config file {path} cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise ConfigError(f"Config file {path} is not UTF-8 text; save it as UTF-8.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML ({exc}).") from None


def load(path: str | Path) -> Config:
    """Read and validate a config file; every problem is one sentence."""
    from . import host
    from .config_keys import refuse_unknown

    data = read(path)
    pm = host.plugin_manager()
    refuse_unknown(data, pm)
    config = parse_file(data, path)
    pm.hook.check_config(config=config)
    return config


def parse_file(data: dict[str, Any], path: str | Path) -> Config:
    """Validate the parsed TOML of the config file at ``path`` (a relative price book path
    is beside it)."""
    config = parse(data)
    book = config.billing.get("pricebook")
    if isinstance(book, str) and book and not Path(book).expanduser().is_absolute():
        config.billing["pricebook"] = str(Path(path).parent.resolve() / book)
    return config

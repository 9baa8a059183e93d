"""docs/plugins.md documents every hook and every public method and field of the classes a
plugin author builds on (datasette's documented-hooks test)."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from deskmigrate.core import (
    budget,
    connector,
    errors,
    history,
    hookspecs,
    http,
    kinds,
    options,
    paging,
    records,
    run,
)
from deskmigrate.sandbox import SandboxApp, SandboxStore
from deskmigrate.testing import PlatformConformance

DOC = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text("utf-8")
FENCES = re.findall(r"^```\w*\n(.*?)^```", DOC, flags=re.S | re.M)
CODE = FENCES + re.findall(r"`([^`]+)`", re.sub(r"^```\w*\n.*?^```", "", DOC,
                                                  flags=re.S | re.M))

CLASSES = (connector.Platform, connector.Source, connector.Target, connector.WriteContext,
           connector.Capabilities, connector.ConfigField, connector.Connection,
           connector.Identity, connector.ChildResult, connector.WriteResult,
           http.HttpClient, http.HttpOptions, budget.RateBudget, http.RateHeaders,
           options.Option, run.RunContext, paging.Paginator, paging.PageRequest, paging.Page,
           kinds.KindSpec, kinds.Kinds, records.Record, SandboxApp, SandboxStore,
           PlatformConformance)
MODULES = (history, paging)


def public_names(cls: type) -> list[str]:
    annotations = getattr(cls, "__annotations__", {})
    removed = {n for n, kind in annotations.items() if str(kind).startswith("InitVar")}
    names = {n for n in vars(cls)} | set(annotations)
    if dataclasses.is_dataclass(cls):
        names |= {f.name for f in dataclasses.fields(cls)}
    return sorted(n for n in names - removed if not n.startswith("_") and n != "kit")


def documented(name: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}\b", code) for code in CODE)


def every_name() -> list[str]:
    names = [f.__name__ for f in vars(hookspecs).values()
             if inspect.isfunction(f) and hasattr(f, "deskmigrate_spec")]
    names += [f"{cls.__name__}.{n}" for cls in CLASSES for n in public_names(cls)]
    names += [n for m in MODULES for n, v in vars(m).items()
              if not n.startswith("_") and getattr(v, "__module__", None) == m.__name__
              and (inspect.isfunction(v) or inspect.isclass(v))]
    names += [n for n, v in vars(errors).items() if inspect.isclass(v)
              and issubclass(v, Exception) and v.__module__ == errors.__name__]
    return names


@pytest.mark.parametrize("name", every_name())
def test_documented(name: str) -> None:
    owner, _, member = name.rpartition(".")
    assert documented(member), f"docs/plugins.md does not document {name}"


def test_the_hooks_are_all_seen() -> None:
    assert {"register_platforms", "prepare_record", "quote_run"} <= set(every_name())

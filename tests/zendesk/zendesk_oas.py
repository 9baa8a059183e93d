"""Zendesk's own OpenAPI file (``../shared/specs/zendesk/support-api-oas.yaml``) for the
tests: its published examples, and a replay transport that answers the connector with them."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs" / "zendesk" / \
    "support-api-oas.yaml"


class _Loader(yaml.CSafeLoader):
    """The file has ``=`` keys (YAML's ``value`` tag), which PyYAML does not know."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(
    node))  # type: ignore[arg-type]


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a safe loader subclass


def example(name: str) -> Any:
    """A copy of one of the spec's ``components/examples`` values."""
    return copy.deepcopy(spec()["components"]["examples"][name]["value"])


Handler = Callable[[httpx.Request], Any]


class Replay:
    """An httpx transport answering ``(METHOD, path)`` with recorded bodies (or handlers),
    and keeping every request it saw."""

    def __init__(self, routes: dict[tuple[str, str], Any]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removesuffix(".json")
        answer = self.routes.get((request.method, path))
        if answer is None:
            return httpx.Response(404, json={"error": "RecordNotFound",
                                             "description": "Not found"})
        body = answer(request) if callable(answer) else answer
        return httpx.Response(200, json=body)

    def sent(self, method: str, path: str) -> list[Any]:
        """The JSON bodies sent to ``path``."""
        return [json.loads(r.content) for r in self.requests
                if r.method == method and r.url.path.removesuffix(".json") == path]

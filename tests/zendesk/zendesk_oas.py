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


# The recorded shapes of bulk job results the spec's JobStatusResultObject leaves out
# (users/organizations create_many: no index; their failures: status "Failed").
METHODS = ("get", "post", "put", "patch", "delete")
RECORDED_JOB_RESULTS = [
    {"type": "object", "required": ["id", "status"],
     "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                    "email": {"type": "string"}}},
    {"type": "object", "required": ["error"],
     "properties": {"index": {"type": "integer"}, "id": {"type": "integer"},
                    "error": {"type": "string"}, "details": {"type": "string"},
                    "status": {"type": "string"}}},
]


def _relax(node: Any) -> None:
    """Every typed schema nullable (so ``oneOf`` becomes ``anyOf``: null would match each
    alternative); every custom field ``value`` of any type."""
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        if "type" in node:
            node["nullable"] = True
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        for key, value in node.items():
            items = value.get("items") if isinstance(value, dict) else None
            if key in ("custom_fields", "fields") and isinstance(items, dict) and \
                    "value" in items.get("properties", {}):
                items["properties"]["value"] = {}
            _relax(value)
    elif isinstance(node, list):
        for value in node:
            _relax(value)


@cache
def lenient_spec() -> dict[str, Any]:
    """The spec as real responses (and the spec's own examples) bear it out: every value
    may be null — the spec marks few schemas ``nullable`` while its own examples carry
    ``null`` (e.g. ``due_at`` of TicketResponseExample) —, a custom field value may be any
    JSON type (text, number, checkbox, multi-select list), and job results include the
    recorded shapes above. For requests: import comments may carry ``created_at``, and path
    parameters the path does not have are dropped (both listed in the specs README)."""
    data = copy.deepcopy(spec())
    schemas = data["components"]["schemas"]
    _relax(schemas)
    schemas["JobStatusResultObject"]["anyOf"] += RECORDED_JOB_RESULTS
    # Comments of a ticket import keep their created_at (the spec marks it read-only).
    imported = copy.deepcopy(schemas["TicketCommentObject"])
    for prop in imported["properties"].values():
        if isinstance(prop, dict):
            prop.pop("readOnly", None)
    schemas["ImportedCommentObject"] = imported
    schemas["TicketImportInput"]["properties"]["comments"]["items"]["allOf"][1] = {
        "$ref": "#/components/schemas/ImportedCommentObject"}
    _drop_stray_path_parameters(data)
    return data


def _drop_stray_path_parameters(data: dict[str, Any]) -> None:
    """Path parameters declared on a path that has no such ``{name}`` (the spec's
    path-parameter errors) are left out."""
    parameters = data["components"]["parameters"]
    for path, item in data["paths"].items():
        for owner in [item, *(op for m, op in item.items() if m in METHODS)]:
            owner["parameters"] = [
                p for p in owner.get("parameters") or []
                if _resolve(parameters, p).get("in") != "path"
                or f"{{{_resolve(parameters, p).get('name')}}}" in path]


def _resolve(parameters: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref", "")
    return parameters[ref.rsplit("/", 1)[-1]] if ref else parameter

"""The vendor's description of Freshdesk's API for the contract tests: the generated
OpenAPI file in ``../shared/specs/freshdesk/``, the endpoints it leaves out (documented in
Freshdesk's API reference, listed here one by one), and openapi-core validation of what
the sandbox answers."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.exceptions import HTTPException

from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox

SPEC_PATH = Path(__file__).resolve().parents[3] / ".." / "shared" / "specs" / "freshdesk" / \
    "freshdesk-generated-openapi.yml"
SERVER = "https://acme.freshdesk.com"

# Endpoints Freshdesk documents (developers.freshdesk.com/api, section › entry) that the
# generated file leaves out; (method, path template with {int} / {str} parameters).
DOCUMENTED_ELSEWHERE: dict[tuple[str, str], str] = {
    ("POST", "/agents"): "Agents › Create an Agent",
    ("GET", "/agents/me"): "Agents › Currently Authenticated Agent",
    ("GET", "/account"): "Account › View Account (agents counted by type)",
    ("DELETE", "/contacts/{int}/hard_delete"): "Contacts › Permanently Delete a Contact",
    ("PUT", "/contacts/{int}/make_agent"): "Contacts › Make Agent",
    ("GET", "/companies/autocomplete"): "Companies › Autocomplete (search by name)",
    ("GET", "/settings/helpdesk"): "Settings › View Helpdesk Settings (languages)",
    ("GET", "/admin/ticket_fields"): "Ticket Fields › List all Ticket Fields (admin)",
    ("POST", "/admin/ticket_fields"): "Ticket Fields › Create a Ticket Field",
    ("GET", "/admin/ticket_fields/{int}"): "Ticket Fields › View a Ticket Field",
    ("DELETE", "/admin/ticket_fields/{int}"): "Ticket Fields › Delete a Ticket Field",
    ("POST", "/contact_fields"): "Contact Fields › Create a Contact Field",
    ("GET", "/contact_fields/{int}"): "Contact Fields › View a Contact Field",
    ("DELETE", "/contact_fields/{int}"): "Contact Fields › Delete a Contact Field",
    ("POST", "/company_fields"): "Company Fields › Create a Company Field",
    ("GET", "/company_fields/{int}"): "Company Fields › View a Company Field",
    ("DELETE", "/company_fields/{int}"): "Company Fields › Delete a Company Field",
    ("GET", "/search/solutions"): "Solutions › Search solution articles",
    **{(method, f"/solutions/{plural}/{{int}}/{{str}}"): f"Solutions › {verb} a {one} "
       "translation" for plural, one in (("categories", "category"), ("folders", "folder"),
                                          ("articles", "article"))
       for method, verb in (("GET", "View"), ("POST", "Create"), ("PUT", "Update"))},
    ("GET", "/solutions/categories/{str}"): "Solutions › List all categories in a language",
    ("GET", "/solutions/categories/{int}/folders/{str}"):
        "Solutions › List all folders of a category in a language",
    ("GET", "/solutions/folders/{int}/articles/{str}"):
        "Solutions › List all articles of a folder in a language",
}
# Not API endpoints: where files live (signed S3 URLs, inline image tokens) and the
# sandbox's own outbox for tests.
NOT_API = ("/data/helpdesk/attachments/production/", "/inline/attachment", "/_sandbox/")
# Where the generated file is wrong about responses (its README: "Known wrong"), as
# Freshdesk's documented responses show: "Schema.property" -> the corrected keywords.
SPEC_FIXES = {
    # default fields' choices are objects: status code -> labels, name -> code
    "Field.choices": {"type": ["array", "object", "null"]},
    # an assignment mode (0 off, 1 round robin, 2 skill based, 3 load based), not a flag
    "Group.auto_ticket_assign": {"type": ["integer", "boolean"]},
}


def _nullable(node: Any) -> Any:
    """The file is OpenAPI 3.1 but writes 3.0's ``nullable: true``: read it as meant
    (``type: [T, "null"]``), so that null values Freshdesk sends validate."""
    if isinstance(node, dict):
        out = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") and isinstance(node.get("type"), str):
            out["type"] = [node["type"], "null"]
        return out
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded = _nullable(yaml.safe_load(handle))
    for pointer, fix in SPEC_FIXES.items():
        schema, prop = pointer.split(".")
        loaded["components"]["schemas"][schema]["properties"][prop].update(fix)
    return loaded


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(spec())


def _resolved(parameter: dict) -> dict:
    if "$ref" in parameter:
        return spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
    return parameter


@cache
def spec_routes() -> frozenset[tuple[str, str]]:
    """``(METHOD, template)`` of every operation in the file."""
    routes = set()
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            kinds = {}
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                resolved = _resolved(parameter)
                if resolved.get("in") == "path":
                    kinds[resolved["name"]] = ("{int}" if resolved.get("schema", {}).get(
                        "type") == "integer" else "{str}")
            parts = [kinds.get(p[1:-1], "{str}") if p.startswith("{") else p
                     for p in path.split("/")]
            routes.add((method.upper(), "/".join(parts)))
    return frozenset(routes)


def template(rule: str) -> str:
    """A werkzeug rule as a template: ``/api/v2/tickets/<int:ticket_id>`` ->
    ``/tickets/{int}``."""
    path = rule.removeprefix("/api/v2")
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: "{int}" if m.group(1) == "int" else "{str}",
                  path)


def route_of(app: FreshdeskSandbox, method: str, path: str) -> str | None:
    """The template of the sandbox route serving ``METHOD path``, None when none does."""
    adapter = app.url_map.bind("127.0.0.1")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
    except HTTPException:
        return None
    return template(rule.rule)


def known(method: str, route: str) -> bool:
    return (method, route) in spec_routes() or (method, route) in DOCUMENTED_ELSEWHERE


def response_errors(request: httpx.Request, response: httpx.Response) -> list[str]:
    """Where ``response`` breaks the spec's schema for its operation and status (none when
    the file describes no body for it)."""
    path = request.url.path
    mock_request = MockRequest(SERVER, request.method.lower(), path,
                               args=dict(request.url.params))
    mock_response = MockResponse(response.content, response.status_code,
                                 headers=dict(response.headers),
                                 content_type=response.headers.get("content-type", "")
                                 .split(";")[0])
    return [f"{request.method} {path} -> {response.status_code}: {error}"
            for error in openapi().iter_response_errors(mock_request, mock_response)]


class Recorder(httpx.BaseTransport):
    """An httpx transport that hands requests to another and keeps every exchange."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

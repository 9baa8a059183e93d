"""Contract tests against Freshdesk's API description: every route the sandbox serves and
every request the connector sends is in the OpenAPI file or in the documented-elsewhere
list; what the sandbox answers validates against the file's schemas (openapi-core); error
bodies and rate-limit headers are Freshdesk's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import jsonschema
import pytest
from fd_contract import (
    DOCUMENTED_ELSEWHERE,
    NOT_API,
    Recorder,
    known,
    response_errors,
    route_of,
    spec_routes,
    template,
)
from fd_support import MemoryContext

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Found
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.platform import KINDS
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox

Exchange = tuple[httpx.Request, httpx.Response]
# Freshdesk's documented error bodies ("Error handling" in its API reference).
VALIDATION_ERROR = {"type": "object", "required": ["description", "errors"],
                    "properties": {"description": {"const": "Validation failed"},
                                   "errors": {"type": "array", "minItems": 1, "items": {
                                       "type": "object", "required": ["field", "message",
                                                                      "code"]}}}}
CODE_MESSAGE = {"type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[list[tuple[FreshdeskSandbox, Exchange]]]:
    """Everything the connector sends in a Freshdesk -> Freshdesk migration: a full read,
    every write, the seat count, a verification (both sides read back by id), a delta, a
    crash look-up and a rollback; with what the sandbox answered."""
    folder = Path(tmp_path_factory.mktemp("contract"))
    source_app = FreshdeskSandbox(folder / "source.sqlite")
    source_app.seed(tickets=8, seed=4)
    target_app = FreshdeskSandbox(folder / "target.sqlite")
    platform = FreshdeskPlatform()
    recorders = (Recorder(source_app.transport()), Recorder(target_app.transport()))
    source, target = (
        getattr(platform, side)(connect(platform, "http://127.0.0.1", app.credentials(),
                                        transport=recorder, rate_per_minute=1_000_000))
        for side, app, recorder in (("source", source_app, recorders[0]),
                                    ("target", target_app, recorders[1])))
    ctx = MemoryContext(default_agent=target.check().id)
    source.count()
    written = {}
    for kind in KINDS:
        records = list(source.read(kind))
        results = target.write(kind, records, ctx)
        assert all(r.error is None for r in results), [r.error for r in results]
        ctx.remember(kind, results)
        written[kind] = (records, results)
    target.seats()
    reader = platform.source(target.connection)  # what ``deskmigrate verify`` reads back
    for kind in ("contact", "agent", "company", "group", "ticket"):
        pairs = [(r.source_id, r.target_id) for r in written[kind][1] if r.target_id][:3]
        assert list(source.get(kind, [s for s, _ in pairs])), kind
        assert list(reader.get(kind, [t or "" for _, t in pairs])), kind
    for kind in ("ticket", "contact", "company"):  # what a delta reads
        list(source.read(kind, since=datetime(2020, 1, 1, tzinfo=UTC)))
    tickets, results = written["ticket"]
    target.update("ticket", [(tickets[0], results[0].target_id)], ctx)
    assert target.find("ticket", tickets[1], ctx) == Found(results[1].target_id or "",
                                                           owned=True)
    for kind in reversed(KINDS):
        target.delete(kind, [r.target_id for r in written[kind][1]
                             if r.target_id and not r.matched])
    yield [(source_app, e) for e in recorders[0].exchanges] + [
        (target_app, e) for e in recorders[1].exchanges]


def test_every_sandbox_route_is_in_the_spec_or_documented_elsewhere(tmp_path: Path) -> None:
    app = FreshdeskSandbox(tmp_path / "routes.sqlite")
    served = {(method, template(rule.rule)) for rule in app.url_map.iter_rules()
              for method in rule.methods or () if method not in ("HEAD", "OPTIONS")
              and not rule.rule.startswith(NOT_API)}
    unknown = sorted(r for r in served if not known(*r))
    assert unknown == []
    assert len(served & spec_routes()) >= 55
    stale = sorted(set(DOCUMENTED_ELSEWHERE) - served)
    assert stale == [], "listed as documented elsewhere but not served"


def test_every_connector_request_is_in_the_spec_or_documented_elsewhere(
        traffic: list[tuple[FreshdeskSandbox, Exchange]]) -> None:
    sent = {}
    for app, (request, _) in traffic:
        if request.url.path.startswith(NOT_API):
            continue
        route = route_of(app, request.method, request.url.path)
        sent[(request.method, route)] = str(request.url)
    unknown = {k: url for k, url in sent.items() if k[1] is None or not known(*k)}
    assert unknown == {}
    # the migration used reads, writes, a delta, a look-up and deletes
    assert {m for m, _ in sent} == {"GET", "POST", "PUT", "DELETE"}
    assert len(sent) >= 35


def test_sandbox_answers_validate_against_the_spec(
        traffic: list[tuple[FreshdeskSandbox, Exchange]]) -> None:
    checked, errors = 0, []
    for app, (request, response) in traffic:
        if request.url.path.startswith(NOT_API):
            continue
        if (request.method, route_of(app, request.method, request.url.path)) in spec_routes():
            checked += 1
            errors += response_errors(request, response)
    assert errors == []
    assert checked > 100


def test_error_bodies_and_rate_limit_headers(tmp_path: Path) -> None:
    app = FreshdeskSandbox(tmp_path / "errors.sqlite", rate_limit=6)
    key = app.credentials()["api_key"]
    api = httpx.Client(transport=app.transport(), base_url="http://127.0.0.1/api/v2",
                       auth=(key, "X"))
    refused = api.post("/tickets", json={"subject": "x", "created_at": "2020-01-01"})
    assert refused.status_code == 400
    jsonschema.validate(refused.json(), VALIDATION_ERROR)
    assert {"field": "created_at", "message": "Unexpected/invalid field in request",
            "code": "invalid_field"} in refused.json()["errors"]
    missing = api.get("/tickets/424242")
    assert missing.status_code == 404
    jsonschema.validate(missing.json(), CODE_MESSAGE)
    assert response_errors(missing.request, missing) == []
    # a request costs one credit; the headers count down within the minute
    assert [refused.headers["X-RateLimit-Total"], refused.headers["X-RateLimit-Remaining"],
            refused.headers["X-RateLimit-Used-CurrentRequest"]] == ["6", "5", "1"]
    assert missing.headers["X-RateLimit-Remaining"] == "4"
    # each embedded resource costs one more credit: 1 + 2
    app.seed(tickets=1, seed=1, attachments=False, conversations=False)
    embedded = api.get("/tickets/1", params={"include": "stats,requester"})
    assert embedded.status_code == 200
    assert embedded.headers["X-RateLimit-Used-CurrentRequest"] == "3"
    assert embedded.headers["X-RateLimit-Remaining"] == "1"
    api.get("/groups")
    limited = api.get("/groups")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    anonymous = httpx.Client(transport=app.transport()).get("http://127.0.0.1/api/v2/groups")
    assert anonymous.status_code in (401, 429)
    stranger = FreshdeskSandbox(tmp_path / "auth.sqlite")
    denied = httpx.Client(transport=stranger.transport(), auth=("wrong", "X")).get(
        "http://127.0.0.1/api/v2/groups")
    assert denied.status_code == 401
    assert denied.json() == {"code": "invalid_credentials",
                             "message": "You have to be logged in to perform this action."}
    assert response_errors(denied.request, denied) == []

"""Contract tests against Zendesk's OpenAPI file: every route the sandbox serves and every
request the connector sends is in the spec or in DOCUMENTED_ELSEWHERE (with where); the
connector's requests and the sandbox's responses validate against the spec (openapi-core)
with only the relaxations of ``zendesk_oas.lenient_spec``, each a documented spec error;
error bodies and rate-limit headers have Zendesk's shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import httpx
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict
from zendesk_oas import lenient_spec, spec
from zendesk_support import PLATFORM, UNLIMITED, URL, MapContext, api_client, migrate, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Found
from deskmigrate.core.records import Ticket
from deskmigrate.plugins.zendesk import job_watch
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox
from deskmigrate.plugins.zendesk.source import ZendeskSource
from deskmigrate.plugins.zendesk.target import ZendeskTarget

# Routes Zendesk documents outside the Support API file, each with its reference.
HELP_CENTER = "Help Center API: developer.zendesk.com/api-reference/help_center/help-center-api/"
SIDE = "Side conversations: developer.zendesk.com/api-reference/ticketing/side_conversation/"
SIDE_FILES = SIDE + "side_conversation_attachment/"
DOCUMENTED_ELSEWHERE = {
    **{(m, f"/api/v2/help_center/{p}"): HELP_CENTER for m, p in (
        ("GET", "categories"), ("POST", "categories"), ("GET", "categories/{}"),
        ("DELETE", "categories/{}"), ("GET", "categories/{}/translations"),
        ("POST", "categories/{}/translations"), ("GET", "categories/{}/sections"),
        ("POST", "categories/{}/sections"), ("GET", "sections"), ("GET", "sections/{}"),
        ("DELETE", "sections/{}"), ("GET", "sections/{}/translations"),
        ("POST", "sections/{}/translations"), ("GET", "sections/{}/articles"),
        ("POST", "sections/{}/articles"), ("GET", "articles"), ("GET", "articles/{}"),
        ("DELETE", "articles/{}"), ("GET", "articles/{}/translations"),
        ("POST", "articles/{}/translations"), ("GET", "articles/{}/attachments"),
        ("POST", "articles/{}/attachments"), ("GET", "articles/attachments/{}"),
        ("DELETE", "articles/attachments/{}"))},
    ("GET", "/api/v2/guide/permission_groups"): HELP_CENTER + "#permission-groups",
    **{(m, f"/api/v2/tickets/{{}}/side_conversations{p}"): SIDE for m, p in (
        ("GET", ""), ("POST", ""), ("GET", "/{}"), ("PUT", "/{}"), ("GET", "/{}/events"),
        ("POST", "/{}/reply"))},
    ("POST", "/api/v2/tickets/side_conversations/attachments"): SIDE_FILES,
    ("GET", "/api/v2/tickets/{}/side_conversations/{}/attachments/{}/download/{}"):
        "a side-conversation message file's content_url (Create Side Conversation response)",
    ("GET", "/api/v2/channels/voice/calls/{}/twilio/call/recording"):
        "Talk: a voice comment's data.recording_url (ticket comments reference)",
    ("GET", "/attachments/token/{}/"): "an attachment's content_url (attachments reference)",
    ("GET", "/api/v2/users/{}/group_memberships"): "List Memberships of a user: developer."
        "zendesk.com/api-reference/ticketing/groups/group_memberships/ (the OAS folds it "
        "into /api/v2/group_memberships, whose user_id is a path parameter)",
    ("GET", "/hc/article_attachments/{}/{}"): "an article attachment's content_url",
}


def template(path: str) -> str:
    """``/api/v2/tickets/{ticket_id}.json`` and ``/api/v2/tickets/<int:ticket_id>`` →
    ``/api/v2/tickets/{}``."""
    path = re.sub(r"\{[^}]+\}|<[^>]+>", "{}", path.removesuffix(".json"))
    return path


@cache
def documented() -> dict[tuple[str, str], str]:
    """(METHOD, template) → the spec's path for every operation in the spec."""
    return {(method.upper(), template(path)): path for path, item in spec()["paths"].items()
            for method in item if method in ("get", "post", "put", "patch", "delete")}


def known(method: str, path: str) -> bool:
    return (method, path) in documented() or (method, path) in DOCUMENTED_ELSEWHERE


@cache
def patterns() -> list[tuple[re.Pattern[str], str]]:
    """Regexes matching concrete paths to templates (literal segments first)."""
    templates = {t for _, t in documented()} | {t for _, t in DOCUMENTED_ELSEWHERE}
    ordered = sorted(templates, key=lambda t: (t.count("{}"), -len(t)))
    return [(re.compile("^" + re.escape(t).replace(r"\{\}", "[^/]+") + "$"), t)
            for t in ordered]


def template_of(path: str) -> str | None:
    path = path.removesuffix(".json")
    return next((t for rx, t in patterns() if rx.match(path)), None)


@dataclass
class Call:
    request: httpx.Request
    response: httpx.Response


@dataclass
class Recorder(httpx.BaseTransport):
    """Wraps a transport and keeps every request with its read response."""

    inner: httpx.BaseTransport
    calls: list[Call] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.calls.append(Call(request, response))
        return response


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Call]]:
    """Every request of a Zendesk → Zendesk migration (source reads, target writes)."""
    base = tmp_path_factory.mktemp("contract")
    source_app = sandbox(base / "source.sqlite", tickets=6, seed=11)  # calls, sides
    side_conversation_with_a_file(source_app)
    target_app = sandbox(base / "target.sqlite", tickets=0, seed=4)
    reads, writes = Recorder(source_app.transport()), Recorder(target_app.transport())
    source = PLATFORM.source(connect(PLATFORM, URL, source_app.credentials(),
                                     transport=reads, rate_per_minute=UNLIMITED))
    target = PLATFORM.target(connect(PLATFORM, URL, target_app.credentials(),
                                     transport=writes, rate_per_minute=UNLIMITED))
    ctx = MapContext(default_agent=target.check().id or "")
    with pytest.MonkeyPatch.context() as patch:  # the sandbox's jobs finish on the 2nd poll
        patch.setattr(job_watch, "JOB_POLL_FIRST", 0.01)
        _exercise(source, target, ctx)
    yield reads.calls + writes.calls
    source_app.store.close()
    target_app.store.close()


def side_conversation_with_a_file(app: ZendeskSandbox) -> None:
    """An open ticket of the source gets a side conversation whose message has a file."""
    client = api_client(app)
    ticket = next(t for t in app.store.query("tickets") if t["status"] not in ("closed", "deleted"))
    upload = client.post("/api/v2/tickets/side_conversations/attachments.json",
                         files={"file": ("quote.csv", b"item,amount\n", "text/csv")}).json()
    client.post(f"/api/v2/tickets/{ticket['id']}/side_conversations.json", json={"message": {
        "subject": "Quote", "body": "Attached", "to": [{"email": "vendor@parts.example"}],
        "attachment_ids": [upload["id"]]}}).raise_for_status()


def _exercise(source: ZendeskSource, target: ZendeskTarget, ctx: MapContext) -> None:
    """A whole migration, then what the demo, a delta, a resume, the seat count, a
    verification (both sides read back by id) and a rollback add."""
    errors = migrate(source, target, ctx)
    assert not any(errors.values()), errors
    assert any(k == "side_conversation" for k, _ in ctx.ids)  # written natively, with a file
    source.count()
    target.seats()
    reader = PLATFORM.source(target.connection)
    for kind in ("contact", "agent", "company", "group", "ticket"):
        mine = [s for k, s in ctx.ids if k == kind][:3]
        assert list(source.get(kind, mine)), kind
        assert list(reader.get(kind, [ctx.ids[(kind, s)] for s in mine])), kind
    every = [t for t in source.get("ticket", [s for k, s in ctx.ids if k == "ticket"])
             if isinstance(t, Ticket)]
    recordings = [c.recording for t in every for c in t.comments if c.recording]
    assert recordings and all(r.read() for r in recordings)  # call_recordings fetches them
    tickets = [t for t in every if t.status != "closed"][:2]
    for ticket in tickets:
        ticket.subject += " (changed)"
    assert not any(r.error for r in target.update(
        "ticket", [(t, ctx.ids[("ticket", t.source_id)]) for t in tickets], ctx))
    contact = next(r for r in source.read("contact"))
    assert target.find("contact", contact, ctx) == Found(
        ctx.ids[("contact", contact.source_id)], owned=True)
    assert target.find("ticket", tickets[0], ctx) == Found(
        ctx.ids[("ticket", tickets[0].source_id)], owned=True)
    for kind in ("ticket", "contact", "agent", "company"):  # what a delta reads
        list(source.read(kind, since=datetime(2026, 1, 1, tzinfo=UTC)))
    target.delete("ticket", [ctx.ids[("ticket", tickets[1].source_id)]])
    target.delete("contact", [ctx.ids[("contact", contact.source_id)]])
    for kind in ("group_membership", "group", "field", "kb_article", "kb_folder",
                 "kb_category"):  # a rollback of the rest, one of each
        created = [t for (k, _), t in ctx.ids.items() if k == kind and t][:1]
        assert created and target.delete(kind, created) == created, kind


def test_every_sandbox_route_is_documented(tmp_path: Path) -> None:
    app = ZendeskSandbox(tmp_path / "z.sqlite")
    served = {(method, template(rule.rule)) for rule in app.rules()
              for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    assert sorted(r for r in served if not known(*r)) == []
    stale = sorted(set(DOCUMENTED_ELSEWHERE) - served)
    assert stale == [], "listed as documented elsewhere but not served"
    app.store.close()


def test_every_connector_request_is_documented(migrated: list[Call]) -> None:
    sent = {(c.request.method, template_of(c.request.url.path) or c.request.url.path)
            for c in migrated}
    assert sorted(r for r in sent if not known(*r)) == []
    assert len(sent) > 30  # a whole migration, not a handful of calls


@dataclass
class SpecRequest:
    """An httpx request as openapi-core sees it, on the spec's server URL."""

    call: Call

    host_url = "https://example.zendesk.com"

    @property
    def path(self) -> str:
        """The concrete path spelt like the spec's (with or without ``.json``)."""
        path = self.call.request.url.path.removesuffix(".json")
        key = (self.call.request.method, template_of(path) or "")
        return f"{path}.json" if documented()[key].endswith(".json") else path

    @property
    def method(self) -> str:
        return self.call.request.method.lower()

    @property
    def parameters(self) -> RequestParameters:
        key = (self.call.request.method, template_of(self.call.request.url.path) or "")
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(documented()[key]))
        found = re.fullmatch(pattern, self.path)
        query = ImmutableMultiDict(self.call.request.url.params.multi_items())
        return RequestParameters(query=query, header=Headers(dict(self.call.request.headers)),
                                 path=found.groupdict() if found else {})

    @property
    def body(self) -> bytes:
        return self.call.request.content

    @property
    def content_type(self) -> str:
        return self.call.request.headers.get("content-type", "application/json").split(";")[0]


@dataclass
class SpecResponse:
    call: Call

    @property
    def data(self) -> bytes:
        return self.call.response.content

    @property
    def status_code(self) -> int:
        return self.call.response.status_code

    @property
    def content_type(self) -> str:
        return self.call.response.headers.get("content-type", "").split(";")[0]

    @property
    def headers(self) -> Headers:
        return Headers(dict(self.call.response.headers))


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(lenient_spec(), config=Config(spec_validator_cls=None))


def spec_problems(calls: list[Call], requests: bool) -> tuple[dict[tuple[str, str], str], int]:
    """What openapi-core finds wrong with the first call of each documented operation (its
    request or its response), and how many operations it checked."""
    problems: dict[tuple[str, str], str] = {}
    checked: set[tuple[str, str]] = set()
    for call in calls:
        key = (call.request.method, template_of(call.request.url.path) or "")
        if key not in documented() or key in checked:
            continue
        checked.add(key)
        errors = list(openapi().iter_request_errors(SpecRequest(call)) if requests else
                      openapi().iter_response_errors(SpecRequest(call), SpecResponse(call)))
        if errors:
            problems[key] = "; ".join(_reason(e) for e in errors)[:400]
    return problems, len(checked)


def test_responses_validate_against_the_spec(migrated: list[Call]) -> None:
    problems, checked = spec_problems(migrated, requests=False)
    assert problems == {}
    assert checked > 20


def test_connector_requests_validate_against_the_spec(migrated: list[Call]) -> None:
    # Parameters and the bodies the spec describes (ticket import, tickets/update_many, ...).
    problems, checked = spec_problems(migrated, requests=True)
    assert problems == {}
    assert checked > 20


def _reason(error: Exception) -> str:
    causes = getattr(error, "schema_errors", None) or [error.__cause__ or error]
    return " | ".join(str(getattr(c, "message", c))[:160] for c in causes)


def test_error_bodies_and_rate_limit_headers(tmp_path: Path) -> None:
    app = sandbox(tmp_path / "z.sqlite", tickets=0, seed=1, help_center=False)
    client = api_client(app)
    missing = client.get("/api/v2/tickets/999.json")
    assert (missing.status_code, missing.json()) == (404, {"error": "RecordNotFound",
                                                           "description": "Not found"})
    refused = client.post("/api/v2/users.json", json={"user": {"name": ""}})
    body = refused.json()
    assert refused.status_code == 422 and body["error"] == "RecordInvalid"
    assert set(body) == {"error", "description", "details"}
    assert all({"description", "error"} <= set(e) for errs in body["details"].values()
               for e in errs)
    anonymous = httpx.Client(transport=app.transport(), base_url="http://127.0.0.1")
    denied = anonymous.get("/api/v2/users/me.json")
    assert (denied.status_code, denied.json()) == (401, {"error": "Couldn't authenticate you"})
    limited = ZendeskSandbox(tmp_path / "limited.sqlite", rate_limit=2)
    limited.seed(tickets=0, seed=1, help_center=False)
    client = api_client(limited)
    first = client.get("/api/v2/users/me.json")
    assert {h: first.headers[h] for h in ("x-rate-limit", "x-rate-limit-remaining",
                                          "ratelimit-limit", "ratelimit-remaining")} == {
        "x-rate-limit": "2", "x-rate-limit-remaining": "1", "ratelimit-limit": "2",
        "ratelimit-remaining": "1"}
    assert int(first.headers["ratelimit-reset"]) >= 0
    client.get("/api/v2/users/me.json")
    over = client.get("/api/v2/users/me.json")
    assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
    json.dumps(dict(over.headers))  # headers are plain strings

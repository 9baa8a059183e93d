"""The Zendesk sandbox behaves like Zendesk: auth, pagination, exports, rate limits, jobs,
uploads, error bodies and a deterministic seed."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from zendesk_support import URL, api_client, real_comments, sandbox

from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox


def test_wrong_token_gets_zendesks_401_body(seeded: ZendeskSandbox) -> None:
    email = seeded.credentials()["email"]
    client = httpx.Client(transport=seeded.transport(), base_url=URL,
                          auth=httpx.BasicAuth(f"{email}/token", "wrong"))
    response = client.get("/api/v2/users/me.json")
    assert response.status_code == 401
    assert response.json() == {"error": "Couldn't authenticate you"}
    password_login = httpx.Client(transport=seeded.transport(), base_url=URL,
                                  auth=httpx.BasicAuth(email, seeded.credentials()["token"]))
    assert password_login.get("/api/v2/users/me").status_code == 401


def test_me_with_and_without_json_suffix(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    me = client.get("/api/v2/users/me.json").json()["user"]
    assert me == client.get("/api/v2/users/me").json()["user"]
    assert me["role"] == "admin" and me["email"] == seeded.credentials()["email"]


def test_cursor_pages_follow_absolute_links_without_gaps_or_repeats(
        seeded: ZendeskSandbox) -> None:
    client = api_client(seeded, base_url="http://127.0.0.1:8123")
    url: str | None = "/api/v2/tickets.json?page[size]=7"
    seen: list[int] = []
    while url:
        page = client.get(url).json()
        assert len(page["tickets"]) <= 7
        seen += [t["id"] for t in page["tickets"]]
        url = page["links"]["next"] if page["meta"]["has_more"] else None
        if url:
            assert urlsplit(url).netloc == "127.0.0.1:8123" and url.startswith("http://")
    assert seen == sorted(set(seen))
    assert len(seen) == client.get("/api/v2/tickets/count").json()["count"]["value"] == 40


def test_cursor_page_size_over_100_is_refused(seeded: ZendeskSandbox) -> None:
    response = api_client(seeded).get("/api/v2/users.json", params={"page[size]": 101})
    assert response.status_code == 400


def test_offset_pagination_and_its_10000_record_cap(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    first = client.get("/api/v2/users.json", params={"per_page": 5}).json()
    assert len(first["users"]) == 5 and first["count"] > 5
    assert first["next_page"].startswith("http://127.0.0.1/api/v2/users.json?")
    second = client.get(first["next_page"]).json()
    assert {u["id"] for u in first["users"]}.isdisjoint(u["id"] for u in second["users"])
    assert client.get("/api/v2/tickets.json", params={"page": 100, "per_page": 100}
                      ).status_code == 200
    refused = client.get("/api/v2/tickets.json", params={"page": 101, "per_page": 100})
    assert refused.status_code == 400
    assert refused.json()["error"] == "InvalidPaginationParameter"


def test_role_filters_and_counts(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    agents = client.get("/api/v2/users.json?role[]=agent&role[]=admin&page[size]=100").json()
    assert {u["role"] for u in agents["users"]} == {"agent", "admin"}
    assert any(u["suspended"] for u in agents["users"])
    count = client.get("/api/v2/users/count.json?role[]=agent&role[]=admin").json()
    assert count["count"]["value"] == len(agents["users"]) == 11
    end_users = client.get("/api/v2/users/count.json", params={"role": "end-user"}).json()
    deleted = client.get("/api/v2/deleted_users/count.json").json()
    assert end_users["count"]["value"] + deleted["count"]["value"] == 20


def test_incremental_ticket_export_by_cursor(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    page = client.get("/api/v2/incremental/tickets/cursor.json",
                      params={"start_time": 0, "per_page": 15}).json()
    tickets = list(page["tickets"])
    while not page["end_of_stream"]:
        assert page["after_url"].startswith("http://127.0.0.1/")
        page = client.get(f"{page['after_url']}&per_page=15").json()
        tickets += page["tickets"]
    assert len(tickets) == len({t["id"] for t in tickets}) == 40
    stamps = [t["updated_at"] for t in tickets]
    assert stamps == sorted(stamps)
    later = client.get("/api/v2/incremental/tickets/cursor.json",
                       params={"start_time": 0, "cursor": page["after_cursor"]}).json()
    assert later["tickets"] == [] and later["end_of_stream"]


def test_ticket_events_carry_every_comment_once(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    url, params = "/api/v2/incremental/ticket_events.json", {
        "start_time": 0, "include": "comment_events", "per_page": 50}
    comments: dict[int, dict] = {}
    while True:
        page = client.get(url, params=params).json()
        for event in page["ticket_events"]:
            assert event["event_type"] == "Audit" and event["ticket_id"]
            for child in event["child_events"]:
                if child["event_type"] == "Comment":
                    comments[child["id"]] = child
        if page["end_of_stream"]:
            break
        url, params = page["next_page"], None
    assert len(comments) == real_comments(seeded)
    sample = next(iter(comments.values()))
    assert {"body", "html_body", "public", "author_id", "attachments", "created_at"} <= set(sample)


def test_rate_limit_429_with_retry_after_and_headers(tmp_path: Path) -> None:
    app = ZendeskSandbox(tmp_path / "limited.sqlite", rate_limit=3)
    app.seed(tickets=0, seed=1)
    client = api_client(app)
    ok = client.get("/api/v2/users/me.json")
    assert ok.headers["X-Rate-Limit"] == "3" and ok.headers["ratelimit-limit"] == "3"
    assert ok.headers["X-Rate-Limit-Remaining"] == "2"
    assert int(ok.headers["ratelimit-reset"]) >= 1
    client.get("/api/v2/users/me.json")
    client.get("/api/v2/users/me.json")
    limited = client.get("/api/v2/users/me.json")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["X-Rate-Limit-Remaining"] == "0"


def test_not_found_and_invalid_bodies(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    missing = client.get("/api/v2/tickets/987654.json")
    assert missing.status_code == 404
    assert missing.json() == {"error": "RecordNotFound", "description": "Not found"}
    invalid = client.post("/api/v2/users.json", json={"user": {"email": "x@example.com"}})
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "RecordInvalid" and body["description"]
    assert body["details"]["name"][0]["error"] == "InvalidValue"


def test_upload_round_trips_the_bytes(empty: ZendeskSandbox) -> None:
    client = api_client(empty)
    data = bytes(range(256)) * 40
    upload = client.post("/api/v2/uploads.json", params={"filename": "dump.bin"},
                         content=data, headers={"Content-Type": "application/octet-stream"})
    assert upload.status_code == 201
    attachment = upload.json()["upload"]["attachment"]
    assert attachment["size"] == len(data) and attachment["file_name"] == "dump.bin"
    anonymous = httpx.Client(transport=empty.transport())
    assert anonymous.get(attachment["content_url"]).content == data
    forged = attachment["content_url"].replace("/token/", "/token/x")
    assert anonymous.get(forged).status_code == 404


def _owner(app: ZendeskSandbox) -> int:
    return int(app.store.meta("zendesk:owner_id") or 0)


def test_bulk_import_keeps_history_and_reports_by_index(empty: ZendeskSandbox) -> None:
    client = api_client(empty)
    owner = _owner(empty)
    token = client.post("/api/v2/uploads.json", params={"filename": "a.txt"}, content=b"hi",
                        headers={"Content-Type": "text/plain"}).json()["upload"]["token"]
    good = {"subject": "Old", "requester_id": owner, "status": "closed", "tags": ["a b", "c"],
            "created_at": "2020-01-02T03:04:05Z", "updated_at": "2020-01-05T00:00:00Z",
            "solved_at": "2020-01-04T00:00:00Z", "external_id": "ext-1",
            "comments": [{"author_id": owner, "value": "first", "public": True,
                          "created_at": "2020-01-02T03:04:05Z"},
                         {"author_id": owner, "html_body": "<p>note</p>", "public": False,
                          "created_at": "2020-01-03T00:00:00Z", "uploads": [token]}]}
    bad = {"subject": "No requester", "comments": [{"author_id": owner, "value": "x"}]}
    job = client.post("/api/v2/imports/tickets/create_many.json?archive_immediately=true",
                      json={"tickets": [good, bad]}).json()["job_status"]
    assert job["status"] == "queued" and job["url"].endswith(f"{job['id']}.json")
    states = [client.get(job["url"]).json()["job_status"] for _ in range(2)]
    assert [s["status"] for s in states] == ["working", "completed"]
    results = {r["index"]: r for r in states[-1]["results"]}
    assert "id" in results[0] and results[1]["error"] == "RecordInvalid"
    ticket = client.get(f"/api/v2/tickets/{results[0]['id']}.json").json()["ticket"]
    assert ticket["created_at"] == "2020-01-02T03:04:05Z" and ticket["status"] == "closed"
    assert ticket["tags"] == ["a", "b", "c"] and ticket["description"] == "first"
    comments = client.get(f"/api/v2/tickets/{ticket['id']}/comments.json").json()["comments"]
    assert [c["public"] for c in comments] == [True, False]
    assert comments[1]["created_at"] == "2020-01-03T00:00:00Z"
    assert comments[1]["attachments"][0]["file_name"] == "a.txt"
    closed = client.put(f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {"tags": []}})
    assert closed.status_code == 422


def test_create_many_over_100_is_too_many(empty: ZendeskSandbox) -> None:
    client = api_client(empty)
    tickets = [{"subject": str(i), "requester_id": _owner(empty)} for i in range(101)]
    response = client.post("/api/v2/imports/tickets/create_many", json={"tickets": tickets})
    assert response.status_code == 400 and response.json()["error"] == "TooManyValues"


def test_update_adds_a_comment_and_search_finds_people(empty: ZendeskSandbox) -> None:
    client = api_client(empty)
    user = client.post("/api/v2/users.json", json={"user": {
        "name": "Zoë Ünal", "email": "Zoe@Example.com", "external_id": "u-1"}}).json()["user"]
    duplicate = client.post("/api/v2/users.json", json={"user": {"name": "Z",
                                                                 "email": "zoe@example.com"}})
    assert duplicate.status_code == 422
    found = client.get("/api/v2/users/search.json", params={"query": "email:zoe@example.com"})
    assert [u["id"] for u in found.json()["users"]] == [user["id"]]
    by_external = client.get("/api/v2/users/search.json", params={"external_id": "u-1"})
    assert by_external.json()["users"][0]["name"] == "Zoë Ünal"
    created = client.post("/api/v2/tickets.json", json={"ticket": {
        "subject": "Help", "requester_id": user["id"], "comment": {"body": "first"}}})
    ticket_id = created.json()["ticket"]["id"]
    update = client.put(f"/api/v2/tickets/{ticket_id}.json", json={"ticket": {
        "status": "pending", "comment": {"html_body": "<p>second</p>", "public": False}}})
    assert update.json()["ticket"]["status"] == "pending"
    assert update.json()["audit"]["events"][0]["type"] == "Comment"
    comments = client.get(f"/api/v2/tickets/{ticket_id}/comments").json()["comments"]
    assert [c["body"] for c in comments] == ["first", "second"]
    assert client.delete(f"/api/v2/tickets/{ticket_id}.json").status_code == 204
    assert client.get(f"/api/v2/tickets/{ticket_id}.json").status_code == 404


def test_help_center_articles_and_translations(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    articles = client.get("/api/v2/help_center/articles.json?page[size]=100").json()["articles"]
    assert 10 <= len(articles) <= 20
    translated = [client.get(f"/api/v2/help_center/articles/{a['id']}/translations.json"
                             ).json()["translations"] for a in articles]
    assert all(any(t["locale"] == "en-us" for t in ts) for ts in translated)
    assert any(len(ts) > 1 for ts in translated)
    section = articles[0]["section_id"]
    listed = client.get(f"/api/v2/help_center/sections/{section}/articles").json()
    assert all(a["section_id"] == section for a in listed["articles"])


def test_seed_is_deterministic(tmp_path: Path) -> None:
    first = sandbox(tmp_path / "a.sqlite", tickets=12, seed=5)
    second = sandbox(tmp_path / "b.sqlite", tickets=12, seed=5)
    other = sandbox(tmp_path / "c.sqlite", tickets=12, seed=6)

    def dump(app: ZendeskSandbox) -> list[dict]:
        return api_client(app).get("/api/v2/incremental/tickets/cursor.json",
                                   params={"start_time": 0}).json()["tickets"]

    assert first.credentials() == second.credentials()
    assert dump(first) == dump(second) != dump(other)
    creds = first.credentials()
    raw = base64.b64encode(f"{creds['email']}/token:{creds['token']}".encode()).decode()
    headers = {"Authorization": f"Basic {raw}"}
    assert httpx.Client(transport=first.transport(), base_url=URL).get(
        "/api/v2/users/me", headers=headers).status_code == 200

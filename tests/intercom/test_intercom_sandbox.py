"""The Intercom sandbox behaves as the API does: cursors, search, scroll, the 500-part cap,
replies keeping created_at, attachment limits, rate-limit windows and error bodies."""

from __future__ import annotations

import base64
import time

from ic_support import client, sandbox


def test_cursor_pages_walk_every_conversation_once(app):
    api, seen, params = client(app), [], {"per_page": 5}
    while True:
        body = api.get("/conversations", params=params).json()
        seen += [c["id"] for c in body["conversations"]]
        following = body["pages"].get("next")
        if not following:
            break
        params["starting_after"] = following["starting_after"]
    assert len(seen) == len(set(seen)) == body["total_count"] == 12


def test_search_nests_two_levels_and_refuses_three(app):
    api = client(app)
    query = {"operator": "AND", "value": [
        {"field": "updated_at", "operator": ">", "value": 0},
        {"operator": "OR", "value": [{"field": "priority", "operator": "=", "value": "priority"},
                                     {"field": "state", "operator": "=", "value": "closed"}]}]}
    found = api.post("/conversations/search", json={"query": query}).json()
    everything = [api.get(f"/conversations/{i}").json() for i in range(1, 13)]
    expected = {c["id"] for c in everything
                if c["priority"] == "priority" or c["state"] == "closed"}
    assert {c["id"] for c in found["conversations"]} == expected and expected
    too_deep = {"operator": "AND", "value": [{"operator": "OR", "value": [
        {"operator": "AND", "value": [{"field": "id", "operator": "=", "value": "1"}]}]}]}
    refused = api.post("/conversations/search", json={"query": too_deep})
    assert refused.status_code == 400 and refused.json()["type"] == "error.list"
    date_ne = {"field": "updated_at", "operator": "!=", "value": 1}
    assert api.post("/conversations/search", json={"query": date_ne}).status_code == 400


def test_one_scroll_at_a_time_until_it_ends(app):
    api = client(app)
    first = api.get("/companies/scroll").json()
    assert api.get("/companies/scroll").json()["errors"][0]["code"] == "scroll_exists"
    names = [c["name"] for c in first["data"]]
    param = first["scroll_param"]
    while True:
        page = api.get("/companies/scroll", params={"scroll_param": param}).json()
        if not page["data"]:
            break
        names += [c["name"] for c in page["data"]]
    assert len(names) == len(set(names)) == api.get("/companies").json()["total_count"]
    assert api.get("/companies/scroll").status_code == 200  # the ended scroll is gone


def test_detail_shows_the_newest_500_parts(app):
    long_id = app.add_long_conversation(520)
    body = client(app).get(f"/conversations/{long_id}").json()
    parts = body["conversation_parts"]["conversation_parts"]
    assert len(parts) == 500 and parts[-1]["body"] == "<p>Part 520</p>"
    assert parts[0]["body"] == "<p>Part 21</p>"
    assert body["statistics"]["count_conversation_parts"] == 520


def test_replies_keep_created_at_and_a_user_reply_reopens(app):
    api = client(app)
    owner = app.store.meta("owner")
    contact = api.get("/contacts", params={"per_page": 1}).json()["data"][0]
    made = api.post("/conversations", json={"from": {"type": "user", "id": contact["id"]},
                                            "body": "<p>Hi</p>", "created_at": 1_500_000_000})
    cid = made.json()["conversation_id"]
    files = [{"content_type": "text/plain", "name": f"f{i}.txt",
              "data": base64.b64encode(b"x").decode()} for i in range(11)]
    too_many = api.post(f"/conversations/{cid}/reply", json={
        "message_type": "comment", "type": "admin", "admin_id": owner, "body": "<p>a</p>",
        "attachment_files": files})
    assert too_many.status_code == 400
    api.post(f"/conversations/{cid}/parts", json={"message_type": "close", "type": "admin",
                                                  "admin_id": owner})
    reply = api.post(f"/conversations/{cid}/reply", json={
        "message_type": "comment", "type": "user", "intercom_user_id": contact["id"],
        "body": "<p>Again</p>", "created_at": 1_500_000_500}).json()
    last = reply["conversation_parts"]["conversation_parts"][-1]
    assert (last["part_type"], last["created_at"], reply["state"]) == ("open", 1_500_000_500,
                                                                       "open")
    assert reply["created_at"] == 1_500_000_000
    note = api.post(f"/conversations/{cid}/reply", json={
        "message_type": "note", "type": "admin", "admin_id": owner, "body": "<p>n</p>",
        "attachment_files": files[:2]}).json()["conversation_parts"]["conversation_parts"][-1]
    assert api.get(note["attachments"][1]["url"]).content == b"x"


def test_rate_limit_answers_429_with_epoch_reset(tmp_path):
    app = sandbox(tmp_path, tickets=1, rate_limit=60)  # 60 a minute: 10 per 10-second window
    api, stranger = client(app), client(app)
    stranger.headers["Authorization"] = "Bearer wrong"
    if time.time() % 10 > 8:  # start well inside one 10-second window
        time.sleep(10 - time.time() % 10 + 0.05)
    refused = stranger.get("/admins")  # counted, but told nothing about the limit
    assert refused.status_code == 401 and "X-RateLimit-Limit" not in refused.headers
    answers = [api.get("/admins") for _ in range(10)]
    assert [a.status_code for a in answers[:9]] == [200] * 9
    limited = answers[9]
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["code"] == "rate_limit_exceeded"
    assert limited.headers["X-RateLimit-Limit"] == "10"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    reset = int(limited.headers["X-RateLimit-Reset"])
    assert int(answers[0].headers["X-RateLimit-Reset"]) <= reset
    assert reset > 1_700_000_000  # an epoch, not a number of seconds


def test_contacts_are_unique_by_email_and_custom_attributes_must_exist(app):
    api = client(app)
    taken = api.get("/contacts", params={"per_page": 1}).json()["data"][0]["email"]
    clash = api.post("/contacts", json={"email": taken, "role": "user"})
    assert clash.status_code == 409 and clash.json()["errors"][0]["code"] == "conflict"
    assert api.post("/contacts", json={"email": taken, "role": "lead"}).status_code == 200
    unknown = api.post("/contacts", json={"email": "z@example.com",
                                          "custom_attributes": {"Nope": 1}})
    assert unknown.status_code == 400
    first = api.post("/companies", json={"company_id": "k-1", "name": "One"}).json()
    again = api.post("/companies", json={"company_id": "k-1", "name": "Renamed"}).json()
    assert first["id"] == again["id"] and again["name"] == "Renamed"

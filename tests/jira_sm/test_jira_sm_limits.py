"""Jira's limits as the sandbox answers them and the connector respects them: the tenant's
burst limit (429 with Retry-After, X-RateLimit-* and RateLimit-Reason) and the per-issue
write limit."""

from __future__ import annotations

import httpx

from deskmigrate.plugins.jira_sm.platform import JiraSmPlatform
from deskmigrate.plugins.jira_sm.sandbox import JiraSmSandbox
from deskmigrate.plugins.jira_sm.target_requests import Pacer


def client(app: JiraSmSandbox) -> httpx.Client:
    return httpx.Client(transport=app.transport(), base_url="http://127.0.0.1:1",
                        auth=JiraSmPlatform().auth(app.credentials()))


def doc(text: str) -> dict:
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def test_burst_limit_answers_429_with_atlassian_headers(tmp_path):
    app = JiraSmSandbox(tmp_path / "j.sqlite", rate_limit=3)
    app.seed(tickets=1, seed=1)
    with client(app) as http:
        answers = [http.get("/rest/api/3/myself") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[1].headers["X-RateLimit-Limit"] == "3"
    assert answers[1].headers["X-RateLimit-Remaining"] == "1"
    limited = answers[3]
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["RateLimit-Reason"] == "jira-burst-based"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Reset" in limited.headers


def test_per_issue_write_limit_and_the_pacer_that_keeps_under_it(tmp_path):
    app = JiraSmSandbox(tmp_path / "j.sqlite")
    app.seed(tickets=2, seed=1)
    with client(app) as http:
        codes = [http.post("/rest/api/3/issue/HELP-1/comment", json={"body": doc(f"n{i}")})
                 .status_code for i in range(21)]
        other = http.post("/rest/api/3/issue/HELP-2/comment", json={"body": doc("x")})
        read = http.get("/rest/api/3/issue/HELP-1/comment")
        limited = http.post("/rest/api/3/issue/HELP-1/comment", json={"body": doc("y")})
    assert codes == [201] * 20 + [429]  # 20 writes to one issue in 2 seconds
    assert other.status_code == 201 and read.status_code == 200  # other issues, reads: fine
    assert limited.headers["RateLimit-Reason"] == "jira-per-issue-on-write"
    assert int(limited.headers["Retry-After"]) >= 1
    pacer = Pacer(windows=((0.2, 3),))
    for _ in range(3):
        pacer.wait("HELP-1")
    stamps = list(pacer._stamps["HELP-1"])
    pacer.wait("HELP-1")  # the fourth write waits for the window to move on
    assert list(pacer._stamps["HELP-1"])[-1] - stamps[0] >= 0.2

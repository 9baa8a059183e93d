"""The Zendesk client keeps Help Center requests on a budget of their own, of the account's
size, as Zendesk counts them: a spent Support window does not hold the Help Center back,
nor the other way round."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from zendesk_support import PLATFORM, URL, sandbox

from deskmigrate.core.budget import RateBudget, SeparateApi
from deskmigrate.core.http import HttpClient
from deskmigrate.sandbox import app as kit

LIMIT = 4


def never(seconds: float) -> None:
    raise AssertionError(f"a request waited {seconds} s")


@pytest.mark.parametrize("first", ["api/v2/users/me.json", "api/v2/help_center/sections.json"])
def test_each_api_spends_its_own_window(tmp_path, monkeypatch, first: str) -> None:
    monkeypatch.setattr(kit, "time", SimpleNamespace(time=lambda: 1_800_000_010.0,
                                                     sleep=time.sleep))
    app = sandbox(tmp_path / "z.sqlite", tickets=1, seed=5)
    app.limiter = kit.MinuteWindow(LIMIT)
    other = ("api/v2/help_center/categories.json" if "users" in first
             else "api/v2/ticket_fields.json")
    http = HttpClient(URL, platform="zendesk", auth=PLATFORM.auth(app.credentials()),
                      transport=app.transport(), sleep=never,
                      budget=RateBudget(LIMIT, clock=lambda: 0.0, sleep=never),
                      **PLATFORM.http_options(URL).client_arguments())
    spent, spare = http.separate.of(first), http.separate.of(other)
    assert spent is not spare
    for _ in range(LIMIT - 1):  # one is kept in reserve
        http.request("GET", first)
    assert spent.held_for() > 0 and spare.held_for() == 0
    for _ in range(LIMIT - 1):  # the other API, at once: no wait, no 429
        http.request("GET", other)
    assert http.stats.rate_limited == 0 and spare.held_for() > 0


def test_requests_are_routed_by_path_prefix() -> None:
    account = RateBudget(700)
    apart = SeparateApi(account, PLATFORM.http_options(URL).separate_api)
    assert apart.of(f"{URL}/api/v2/help_center/articles.json") is apart.budget
    assert apart.of(f"{URL}/api/v2/guide/permission_groups.json") is apart.budget
    assert apart.of(f"{URL}/api/v2/tickets.json") is account
    assert apart.of(f"{URL}/hc/en-us/articles/1") is account  # a web page, not the API
    assert apart.budget is not account and apart.budget.allowance == account.allowance
    assert SeparateApi(account, ()).of(f"{URL}/api/v2/help_center/x.json") is account

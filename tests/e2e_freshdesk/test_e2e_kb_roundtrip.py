"""Knowledge base round trip with every language version: Zendesk Help Center → Freshdesk
solutions → a second, empty Zendesk, compared article by article (title, body, draft or
published, locale) through each platform's API."""

from __future__ import annotations

from contextlib import ExitStack

import freshdesk_api
import zd_reader
from fd_e2e_support import Account, cli_json, write_config

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

WITH_TRANSLATIONS = "[options]\nkb_translations = true\n"


def language(locale: str) -> str:
    """``en-us`` / ``en`` / ``ja-JP`` → ``en`` / ``ja``: the two platforms name locales
    differently but mean the same language."""
    return locale.split("-")[0].lower()


def by_title(articles: list[dict]) -> dict[tuple[str, str, str], dict[str, dict]]:
    out = {}
    for article in articles:
        versions = {language(locale): v for locale, v in article["versions"].items()}
        primary = versions.get("en") or next(iter(versions.values()))
        out[(article["category"], article["folder"], primary["title"])] = versions
    return out


def test_help_center_to_solutions_and_back_keeps_every_language_version(tmp_path, pair):
    zendesk, freshdesk = pair("zendesk", "freshdesk")
    original = by_title(zd_reader.articles(zendesk.url, zendesk.credentials))
    assert original and any(len(v) > 1 for v in original.values())
    assert any(v["en"]["draft"] for v in original.values())

    there = cli_json(tmp_path / "a.db", "migrate", "--config",
                     str(write_config(tmp_path / "a.toml", zendesk, freshdesk,
                                      WITH_TRANSLATIONS)))
    assert there["status"] == "completed"
    assert there["options"].get("kb_translations", 0) > 0
    assert by_title(freshdesk_api.articles(freshdesk.url, freshdesk.credentials)) == original

    with ExitStack() as stack:
        app = open_sandbox("zendesk", tmp_path / "back.sqlite", tickets=0, seed=0)
        back = Account("zendesk", stack.enter_context(serve_in_thread(app)), app.credentials())
        home = Account("freshdesk", freshdesk.url, freshdesk.credentials)
        again = cli_json(tmp_path / "b.db", "migrate", "--config",
                         str(write_config(tmp_path / "b.toml", home, back, WITH_TRANSLATIONS)))
        assert again["status"] == "completed"
        assert by_title(zd_reader.articles(back.url, back.credentials)) == original

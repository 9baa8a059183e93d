"""Zendesk → Zendesk with add_tag, call_recordings, kb_translations and side_conversations,
each effect read back through the target's API and compared with the source's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from options_support import (
    Side,
    make_side,
    migrate,
    sha,
    zd_comments,
    zd_pages,
    zd_side_conversations,
    zd_source_of,
    zd_tickets,
)

TAG = "migrated-2026-11"
OPTIONS = {"add_tag": TAG, "call_recordings": True, "kb_translations": True,
           "side_conversations": True}


@pytest.fixture(scope="module")
def run(tmp_path_factory, seeded) -> Iterator[tuple[Side, Side, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("zd-zd-options")
    source = make_side(folder, seeded, "zendesk", "source")
    target = make_side(folder, seeded, "zendesk", "target")
    summary = migrate(folder, source, target, OPTIONS)
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 0
    yield source, target, summary


def by_source(target: Side) -> dict[str, dict]:
    with target.http() as http:
        return {zd_source_of(t): t for t in zd_tickets(http)}


def test_add_tag_on_every_ticket(run) -> None:
    source, target, summary = run
    tickets = by_source(target)
    with source.http() as http:
        assert len(tickets) == len(zd_tickets(http))
    assert all(TAG in t["tags"] for t in tickets.values())
    assert summary["options"]["add_tag"] == len(tickets)


def test_call_recordings_are_attached_to_their_ticket(run) -> None:
    source, target, summary = run
    copies = by_source(target)
    recorded = 0
    with source.http() as src, target.http() as dst:
        for ticket in zd_tickets(src):
            voice = [c for c in zd_comments(src, ticket["id"]) if c["type"] == "VoiceComment"]
            if not voice:
                continue
            copy = zd_comments(dst, copies[str(ticket["id"])]["id"])
            for call in voice:
                audio = src.get(call["data"]["recording_url"]).raise_for_status().content
                assert audio.startswith(b"RIFF") and audio[8:12] == b"WAVE"
                twin = next(c for c in copy if c["html_body"] == call["html_body"])
                files = [a for a in twin["attachments"] if a["content_type"] == "audio/wav"]
                assert len(files) == 1 and files[0]["file_name"].endswith(".wav")
                stored = dst.get(files[0]["content_url"]).raise_for_status().content
                assert sha(stored) == sha(audio)
                recorded += 1
            assert summary["options"]["call_recordings"] >= 1
    assert recorded >= 3


def test_every_translation_is_present(run) -> None:
    source, target, summary = run

    def translations(side: Side) -> dict[str, set[tuple[str, str]]]:
        out = {}
        with side.http() as http:
            for collection in ("categories", "sections", "articles"):
                for item in zd_pages(http, f"/api/v2/help_center/{collection}.json",
                                     collection):
                    title = item.get("title") or item["name"]
                    rows = zd_pages(http, f"/api/v2/help_center/{collection}/{item['id']}"
                                          "/translations.json", "translations")
                    out[f"{collection}:{title}"] = {(t["locale"], t["title"]) for t in rows}
        return out

    expected, actual = translations(source), translations(target)
    assert actual == expected
    assert sum(len(v) > 1 for v in expected.values()) >= 5  # items in several languages
    assert summary["options"]["kb_translations"] >= 5


def test_article_attachments_come_along(run) -> None:
    source, target, _ = run

    def files(side: Side) -> dict[str, list[str]]:
        with side.http() as http:
            return {a["title"]: sorted(sha(http.get(f["content_url"]).content) for f in
                                       zd_pages(http, f"/api/v2/help_center/articles/{a['id']}"
                                                "/attachments.json", "article_attachments"))
                    for a in zd_pages(http, "/api/v2/help_center/articles.json", "articles")}

    expected = files(source)
    assert any(expected.values())
    assert files(target) == expected


def test_side_conversations_stay_side_conversations(run) -> None:
    source, target, summary = run
    copies = by_source(target)
    me = target.app.credentials()["email"]
    native = notes = 0
    with source.http() as src, target.http() as dst:
        for ticket in zd_tickets(src):
            originals = zd_side_conversations(src, ticket["id"])
            if not originals:
                continue
            copy = copies[str(ticket["id"])]
            written = zd_side_conversations(dst, copy["id"])
            if ticket["status"] == "closed":  # closed tickets take them as private notes
                assert written == []
                bodies = [c["html_body"] for c in zd_comments(dst, copy["id"])
                          if not c["public"]]
                for event in (e for c in originals for e in c["events"]):
                    assert any(event["message"]["html_body"] in b for b in bodies)
                    notes += 1
                continue

            def view(conversation: dict, drop: str = "") -> tuple:
                return (conversation["subject"],
                        sorted({p["email"] for p in conversation["participants"]} - {drop}),
                        [e["message"]["html_body"] for e in conversation["events"]
                         if e["message"]])

            assert sorted(view(c, me) for c in written) == sorted(view(c, me) for c in originals)
            for conversation in written:
                origins = [e["message"]["external_ids"] for e in conversation["events"]]
                assert all(o["original_created_at"] for o in origins)
            native += len(written)
    assert native >= 5 and notes >= 1 and summary["options"]["side_conversations"] >= 1

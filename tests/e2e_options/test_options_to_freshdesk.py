"""Zendesk → Freshdesk: call recordings become note attachments and side conversations
private notes (call_recordings, side_conversations)."""

from __future__ import annotations

from options_support import (
    fd_conversations,
    fd_tickets,
    make_side,
    migrate,
    sha,
    zd_comments,
    zd_side_conversations,
    zd_tickets,
)


def test_recordings_and_side_conversations_reach_freshdesk(tmp_path, seeded) -> None:
    source = make_side(tmp_path, seeded, "zendesk", "source")
    target = make_side(tmp_path, seeded, "freshdesk", "target")
    summary = migrate(tmp_path, source, target, {"call_recordings": True,
                                                 "side_conversations": True})
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 0
    with source.http() as src, target.http() as dst:
        copies: dict[str, list[int]] = {}  # subjects repeat: every copy with the subject
        for copy in fd_tickets(dst):
            copies.setdefault(copy["subject"], []).append(copy["id"])
        recordings = side_messages = 0
        for ticket in zd_tickets(src):
            comments = zd_comments(src, ticket["id"])
            voice = [c for c in comments if c["type"] == "VoiceComment"]
            side = zd_side_conversations(src, ticket["id"])
            if not voice and not side:
                continue
            notes = [n for i in copies[ticket["subject"]] for n in fd_conversations(dst, i)]
            for call in voice:
                audio = src.get(call["data"]["recording_url"]).content
                files = [a for n in notes for a in n["attachments"]
                         if a["content_type"] == "audio/wav"]
                assert sha(audio) in {sha(dst.get(f["attachment_url"]).content) for f in files}
                recordings += 1
            for conversation in side:
                for event in conversation["events"]:
                    twins = [n for n in notes if event["message"]["html_body"] in n["body"]
                             and f"Side conversation “{conversation['subject']}”" in n["body"]]
                    same = [e for e in conversation["events"]
                            if e["message"]["html_body"] == event["message"]["html_body"]]
                    assert len(twins) == len(same) and all(n["private"] for n in twins)
                    side_messages += 1
    assert recordings >= 3 and side_messages >= 10
    assert summary["options"]["call_recordings"] >= 1
    assert summary["options"]["side_conversations"] >= 1

"""skip_attachments (Zendesk → Zendesk): not one file reaches the target; inline_images
(Freshdesk → Zendesk): embedded images become attachments and the body points at them."""

from __future__ import annotations

import re

from options_support import (
    fd_conversations,
    fd_rows,
    make_side,
    migrate,
    sha,
    zd_comments,
    zd_pages,
    zd_tickets,
)

IMG = re.compile(r'<img[^>]*?\bsrc="([^"]+)"')


def test_skip_attachments_leaves_every_file_behind(tmp_path, seeded) -> None:
    source = make_side(tmp_path, seeded, "zendesk", "source")
    target = make_side(tmp_path, seeded, "zendesk", "target")
    summary = migrate(tmp_path, source, target, {"skip_attachments": True,
                                                 "call_recordings": True})
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 0
    with target.http() as http:
        tickets = zd_tickets(http)
        assert tickets
        for ticket in tickets:
            assert all(c["attachments"] == [] for c in zd_comments(http, ticket["id"]))
        for article in zd_pages(http, "/api/v2/help_center/articles.json", "articles"):
            assert zd_pages(http, f"/api/v2/help_center/articles/{article['id']}/attachments"
                                  ".json", "article_attachments") == []
    assert summary["options"]["skip_attachments"] >= 10


def test_inline_images_become_attachments_the_body_points_at(tmp_path, seeded) -> None:
    source = make_side(tmp_path, seeded, "freshdesk", "source")
    target = make_side(tmp_path, seeded, "zendesk", "target")
    summary = migrate(tmp_path, source, target, {"inline_images": True})
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 0
    with source.http() as src:
        embedded = {}
        listed = [t for name in ("", "spam", "deleted") for t in fd_rows(
            src, "/api/v2/tickets", updated_since="1970-01-01T00:00:00Z",
            **({"filter": name} if name else {}))]
        for ticket in listed:
            bodies = [src.get(f"/api/v2/tickets/{ticket['id']}").json()["description"]]
            bodies += [c["body"] for c in fd_conversations(src, ticket["id"])]
            for url in (u for b in bodies for u in IMG.findall(b) if "/inline/" in u):
                embedded[url] = sha(src.get(url).raise_for_status().content)
    assert len(embedded) >= 3
    found = 0
    with target.http() as dst:
        for ticket in zd_tickets(dst):
            for comment in zd_comments(dst, ticket["id"]):
                inline = {a["content_url"].split("?")[0]: a for a in comment["attachments"]
                          if a["inline"]}
                for src_url in IMG.findall(comment["html_body"]):
                    assert "/inline/attachment" not in src_url  # no link back to the source
                    file = inline[src_url.split("?")[0]]
                    assert sha(dst.get(file["content_url"]).content) in embedded.values()
                    found += 1
    assert found == len(embedded)
    assert summary["options"]["inline_images"] >= 1

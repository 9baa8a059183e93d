"""The Help Center writer lists each parent's items once to match by name: a fresh target
costs one listing of its categories (a parent the run created has nothing in it), a second
run over the same target one listing per parent, every item then matched, none written twice."""

from __future__ import annotations

from collections import Counter

import httpx
from zendesk_support import PLATFORM, URL, MapContext, Recording, connection, migrate, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

KB = ("kb_category", "kb_folder", "kb_article")


class Gets(Recording):
    """Notes the path of every GET."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            self.paths.append(request.url.path)
        return self.inner.handle_request(request)


def listings(recording: Gets) -> Counter[str]:
    """GETs of Help Center lists, by the collection listed."""
    return Counter(p.removesuffix(".json").rsplit("/", 1)[-1] for p in recording.paths
                   if "/help_center/" in p and p.endswith(("categories.json", "sections.json",
                                                          "articles.json")))


def test_each_parent_is_listed_once(seeded: ZendeskSandbox, tmp_path) -> None:
    target_app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    source = PLATFORM.source(connection(seeded))
    counts = {kind: sum(1 for _ in source.read(kind)) for kind in KB}

    runs = []
    for _ in range(2):
        recording = Gets(target_app.transport())
        target = PLATFORM.target(connect(PLATFORM, URL, target_app.credentials(),
                                         transport=recording, rate_per_minute=1_000_000))
        ctx = MapContext(default_agent=target.check().id or "")
        errors = migrate(source, target, ctx, KB)
        assert not any(errors.values()), errors
        results = [target.kb.find(k, r, ctx) for k in KB for r in source.read(k)]
        assert None not in results
        runs.append(listings(recording))

    # the first run: its categories only, then nothing to list under what it created
    assert runs[0] == Counter({"categories": 1})
    # the second: each category's sections and each section's articles, once
    assert runs[1] == Counter({"categories": 1, "sections": counts["kb_category"],
                               "articles": counts["kb_folder"]})
    stored = {c: target_app.store.count(c) for c in ("categories", "sections", "articles")}
    assert stored == {"categories": counts["kb_category"], "sections": counts["kb_folder"],
                      "articles": counts["kb_article"]}

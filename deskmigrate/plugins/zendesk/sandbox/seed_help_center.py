"""The seed's Help Center: categories, sections, articles (some drafts) and their
translations, written by agents of the seeded help desk."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from typing import Any

from faker import Faker

from deskmigrate.sandbox import SandboxStore

from .seed_data import SeedFile, TextPool
from .seed_extras import Extras
from .support import iso


class HelpCenterSeeding:
    """The Help Center part of one seeding pass (mixed into ``Seeder``, sharing its random
    streams so the seeded help desk stays the same)."""

    store: SandboxStore
    rng: random.Random
    en: Faker
    texts: TextPool
    files: list[tuple[SeedFile, str]]
    extras: Extras
    _insert_many: Callable[[str, list[dict[str, Any]]], list[dict]]

    def help_center(self, authors: list[dict], stamp: float) -> None:
        rng = self.rng
        group = self.store.query("permission_groups", limit=1)[0]["id"]
        base = {"outdated": False, "created_at": iso(stamp), "updated_at": iso(stamp),
                "_ts": stamp}
        names = ["Getting started", "Billing & payments", "Dépannage"][:rng.randint(2, 3)]
        categories = self._insert_many("categories", [
            {**base, "name": n, "description": self.en.sentence(), "locale": "en-us",
             "source_locale": "en-us", "position": i} for i, n in enumerate(names)])
        sections = self._insert_many("sections", [
            {**base, "name": f"{c['name']} — {self.en.word().title()} {j + 1}",
             "description": self.en.sentence(), "locale": "en-us", "source_locale": "en-us",
             "position": j, "category_id": c["id"], "sorting": "manual",
             "parent_section_id": None, "theme_template": "section_page"}
            for c in categories for j in range(rng.randint(2, 3))])
        articles = []
        for n in range(rng.randint(10, 20)):
            title = self.en.sentence(nb_words=5).rstrip(".")
            body = "".join(f"<p>{html.escape(rng.choice(self.texts.paragraphs))}</p>"
                           for _ in range(rng.randint(2, 5)))
            articles.append({
                **base, "title": title, "name": title, "body": body, "locale": "en-us",
                "source_locale": "en-us", "author_id": rng.choice(authors)["id"],
                "draft": rng.random() < 0.15, "promoted": False, "comments_disabled": False,
                "section_id": rng.choice(sections)["id"], "permission_group_id": group,
                "user_segment_id": None, "label_names": [], "position": n,
                "edited_at": iso(stamp), "vote_sum": 0, "vote_count": 0,
                "outdated_locales": [], "content_tag_ids": []})
        articles = self._insert_many("articles", articles)
        translations = []
        for article in articles:
            locales = ["en-us", *rng.sample(("de", "fr", "ja"), rng.choice((0, 0, 1, 2)))]
            for locale in locales:
                own = locale == "en-us"
                translations.append({
                    **base, "source_id": article["id"], "source_type": "Article",
                    "locale": locale, "title": article["title"] if own
                    else f"[{locale}] {article['title']}",
                    "body": article["body"] if own else f"<p>{rng.choice(UNICODE_BODIES)}</p>",
                    "draft": article["draft"], "hidden": False,
                    "created_by_id": article["author_id"],
                    "updated_by_id": article["author_id"]})
        self._insert_many("translations", translations)
        self.extras.help_center(categories, sections, articles, self.files, base)


UNICODE_BODIES = ("Übersetzung: Schritt für Schritt erklärt.", "Traduction : étape par étape.",
                  "翻訳：手順を順番に説明します。")

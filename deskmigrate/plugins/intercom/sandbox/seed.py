"""Deterministic synthetic data for the Intercom sandbox (Faker, from a seed).

Admins (one without an inbox seat), teams, tags, custom data attributes, companies, users and
leads, conversations started by a contact with comments, notes, assignments, snoozes and
closes, attachments with real bytes and inline images, typed Intercom tickets, and a help
center of nested collections and articles translated into French and German. Times count
back from a fixed date, so the same seed always gives the same workspace.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from faker import Faker

if TYPE_CHECKING:
    from . import IntercomSandbox

ANCHOR = int(datetime(2026, 6, 1, 12, 0, tzinfo=UTC).timestamp())
DAY = 86_400
STAMP = "deskmigrate_id"
TEAMS = ["Billing", "Technical Support", "Onboarding"]
TAGS = ["billing", "bug", "refund", "vip", "feature-request", "ünïcode"]
ATTRIBUTES = [("contact", "Plan", "string", ["Starter", "Pro", "Enterprise"]),
              ("contact", "Seats", "integer", []),
              ("company", "Tier", "string", ["Gold", "Silver", "Bronze"]),
              ("conversation", "Order number", "string", [])]
TICKET_TYPES = [("Bug report", "Customer"), ("Incident", "Back-office")]
TRANSLATIONS = {"fr": "Traduction française", "de": "Deutsche Übersetzung"}


def png(seed: int) -> bytes:
    """A small valid PNG whose colour depends on ``seed``."""
    row = b"\x00" + bytes([(seed * 37) % 256, (seed * 91) % 256, 120]) * 4
    raw = zlib.compress(row * 4)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(
        b"IEND", b"")


def ensure_owner(app: IntercomSandbox) -> None:
    """Every workspace has the admin the token belongs to, and the conversation attribute
    ``deskmigrate_id`` an operator creates in Intercom's settings before a migration (the
    API cannot create conversation attributes)."""
    if app.store.meta("owner") is None:
        owner = app.store.insert("admins", {"name": "Sandbox Owner",
                                            "email": "owner@sandbox.example",
                                            "job_title": "Head of Support", "team_ids": []})
        app.store.set_meta("owner", str(owner["id"]))
        app.store.insert("data_attributes", {
            "name": STAMP, "full_name": f"custom_attributes.{STAMP}", "label": STAMP,
            "description": "Set by deskmigrate on the conversations it creates",
            "data_type": "string", "model": "conversation", "options": [],
            "created_at": ANCHOR, "updated_at": ANCHOR, "admin_id": owner["id"]})


class Seeder:
    def __init__(self, app: IntercomSandbox, seed: int, attachments: bool) -> None:
        self.app, self.store = app, app.store
        self.random = random.Random(seed)
        self.fake = Faker(["en_US", "fr_FR", "de_DE"])
        self.fake.seed_instance(seed)
        self.attachments = attachments

    def when(self, days_back: float) -> int:
        return int(ANCHOR - days_back * DAY)

    def workspace(self) -> tuple[list[int], list[int], list[int]]:
        admins = [int(self.store.meta("owner") or 1)]
        for i in range(4):
            name = self.fake.unique.name()
            doc = self.store.insert("admins", {
                "name": name, "email": f"agent{i + 1}@sandbox.example",
                "job_title": "Support", "team_ids": [], "has_inbox_seat": i != 3})
            admins.append(doc["id"])
        teams = []
        for i, name in enumerate(TEAMS):
            members = admins[i % len(admins):][:2]
            team = self.store.insert("teams", {"name": name, "admin_ids": members})
            teams.append(team["id"])
            for admin_id in members:
                admin = self.store.get("admins", admin_id)
                assert admin is not None  # inserted above
                admin["team_ids"].append(team["id"])
                self.store.put("admins", admin)
        tags = [self.store.insert("tags", {"name": n})["id"] for n in TAGS]
        for model, name, kind, options in ATTRIBUTES:
            self.store.insert("data_attributes", {
                "name": name, "full_name": f"custom_attributes.{name}", "label": name,
                "description": f"{name} of the {model}", "data_type": kind, "model": model,
                "options": options, "created_at": self.when(800), "updated_at": self.when(800),
                "admin_id": admins[0]})
        return admins, teams, tags

    def people(self, count: int, tags: list[int]) -> list[int]:
        companies = []
        for i in range(max(2, count // 6)):
            created = self.when(700 - i)
            doc = self.store.insert("companies", {
                "name": self.fake.unique.company(), "company_id": f"acct-{1000 + i}",
                "website": f"https://company{i}.example", "industry": "Software",
                "size": self.random.randint(5, 500), "remote_created_at": created,
                "custom_attributes": {"Tier": self.random.choice(["Gold", "Silver", "Bronze"])},
                "tag_ids": self.random.sample(tags, 1), "created_at": created,
                "updated_at": created})
            companies.append(doc["id"])
        contacts = []
        for i in range(max(3, count)):
            created = self.when(650 - i * 0.5)
            lead = i % 5 == 4
            name = self.fake.name()
            custom: dict[str, Any] = {"Plan": self.random.choice(["Starter", "Pro"])}
            if i % 3 == 0:
                custom["Seats"] = self.random.randint(1, 50)
            doc = self.store.insert("contacts", {
                "role": "lead" if lead else "user", "name": name,
                "email": f"customer{i + 1}@example.com",
                "phone": self.fake.phone_number() if i % 4 == 0 else None,
                "external_id": None if lead else f"crm-{i + 1}", "custom_attributes": custom,
                "tag_ids": self.random.sample(tags, self.random.randint(0, 2)),
                "company_ids": [] if lead else [self.random.choice(companies)],
                "signed_up_at": created, "created_at": created, "updated_at": created})
            contacts.append(doc["id"])
        return contacts

    def body(self, index: int) -> str:
        text = self.fake.paragraph(nb_sentences=2)
        if index % 7 == 3 and self.attachments:
            attachment = self.app.save_file(f"inline-{index}.png", "image/png", png(index))
            return f'<p>{text}</p><p><img src="{attachment["url"]}"></p>'
        return f"<p>{text}</p>"

    def files(self, index: int) -> list[dict]:
        if not self.attachments or index % 4 != 1:
            return []
        data = f"Log file {index}\n".encode() * (index % 5 + 1)
        return [self.app.save_file(f"log-{index}.txt", "text/plain", data)]

    def conversations(self, count: int, admins: list[int], teams: list[int], tags: list[int],
                      contacts: list[int]) -> None:
        app = self.app
        for i in range(count):
            contact = self.random.choice(contacts)
            start = self.when(600 - i * (550 / max(count, 1)))
            source = {"type": "conversation", "id": str(403918000 + i),
                      "delivered_as": "customer_initiated",
                      "subject": self.fake.sentence(nb_words=5).rstrip(".") if i % 2 else "",
                      "body": self.body(i), "author": app.author("contact", contact),
                      "attachments": self.files(i), "url": None, "redacted": False}
            doc: dict[str, Any] = {
                "created_at": start, "updated_at": start, "state": "open",
                "priority": "priority" if i % 6 == 0 else "not_priority", "source": source,
                "contact_ids": [contact], "tag_ids": self.random.sample(tags, i % 3),
                "custom_attributes": {"Order number": f"ORD-{5000 + i}"} if i % 2 else {},
                "parts": [], "title": None}
            moment = start
            for j in range(self.random.randint(1, 6)):
                moment += self.random.randint(600, 20_000)
                self.part(doc, i * 10 + j, moment, contact, admins, teams)
            doc["updated_at"] = moment
            self.store.insert("conversations", doc)

    def part(self, doc: dict, index: int, moment: int, contact: int, admins: list[int],
             teams: list[int]) -> None:
        app = self.app
        admin = self.random.choice(admins)
        roll = self.random.random()
        if roll < 0.4:
            part = app.new_part("comment", app.author("admin", admin), self.body(index), moment,
                                self.files(index))
        elif roll < 0.6:
            part = app.new_part("comment", app.author("contact", contact), self.body(index),
                                moment, self.files(index))
        elif roll < 0.75:
            part = app.new_part("note", app.author("admin", admin), self.body(index), moment,
                                self.files(index))
        elif roll < 0.85:
            doc["admin_assignee_id"] = admin
            doc["team_assignee_id"] = self.random.choice(teams)
            part = app.new_part("assignment", app.author("admin", admins[0]), None, moment,
                                assigned_to={"type": "admin", "id": str(admin)})
        elif roll < 0.92:
            doc["state"], doc["snoozed_until"] = "snoozed", moment + 3 * DAY
            part = app.new_part("snoozed", app.author("admin", admin), None, moment)
        else:
            doc["state"], doc["last_close_at"] = "closed", moment
            part = app.new_part("close", app.author("admin", admin), None, moment)
        doc["parts"].append(part)

    def tickets(self, count: int, admins: list[int], contacts: list[int]) -> None:
        types = [self.store.insert("ticket_types", {"name": n, "category": c,
                                                    "created_at": self.when(900)})["id"]
                 for n, c in TICKET_TYPES]
        for i in range(count):
            created = self.when(300 - i)
            contact = self.random.choice(contacts)
            parts = [self.app.new_part("comment", self.app.author("admin", admins[1]),
                                       self.body(i + 500), created + 3600)]
            parts[0]["type"] = "ticket_part"
            self.store.insert("tickets", {
                "ticket_id": i + 1, "ticket_type_id": types[i % 2],
                "title": self.fake.sentence(nb_words=4).rstrip("."),
                "description": f"<p>{self.fake.paragraph()}</p>",
                "state": ["submitted", "in_progress", "resolved"][i % 3],
                "contact_ids": [contact], "admin_assignee_id": admins[1],
                "created_at": created, "updated_at": created + 3600, "parts": parts})

    def help_center(self, admins: list[int]) -> None:
        order, tops = 0, []
        for c in range(2):
            order += 1
            top = self.collection(f"{self.fake.catch_phrase()}", None, order)
            tops.append(top)
            for s in range(2):
                order += 1
                section = self.collection(f"{self.fake.bs().title()}", top, order)
                for a in range(2):
                    self.article(section, admins[1 + (c + a) % 3], draft=(s + a) == 2)
        self.article(tops[0], admins[1], draft=False)  # straight in a top-level collection

    def collection(self, name: str, parent: int | None, order: int) -> int:
        when = self.when(400)
        content = {"en": {"name": name, "description": f"About {name}"}}
        for locale, label in TRANSLATIONS.items():
            content[locale] = {"name": f"{name} ({locale})", "description": label}
        return self.store.insert("collections", {
            "name": name, "description": f"About {name}", "parent_id": parent,
            "default_locale": "en", "order": order, "translated_content": content,
            "created_at": when, "updated_at": when})["id"]

    def article(self, parent: int, author: int, *, draft: bool) -> None:
        when = self.when(self.random.randint(10, 390))
        title = self.fake.sentence(nb_words=5).rstrip(".")
        state = "draft" if draft else "published"
        body = f"<p>{self.fake.paragraph(nb_sentences=4)}</p>"
        content = {"en": {"title": title, "description": "", "body": body, "author_id": author,
                          "state": state, "created_at": when, "updated_at": when}}
        for locale, label in TRANSLATIONS.items():
            content[locale] = {**content["en"], "title": f"{title} [{locale}]",
                               "body": f"<p>{label}</p>{body}"}
        self.store.insert("articles", {
            "title": title, "description": "", "body": body, "author_id": author,
            "state": state, "parent_id": parent, "default_locale": "en",
            "translated_content": content, "created_at": when, "updated_at": when})


def seed_workspace(app: IntercomSandbox, *, tickets: int, seed: int,
                   attachments: bool = True) -> None:
    """Fill an empty workspace; ``tickets`` conversations (0 leaves only the owner)."""
    ensure_owner(app)
    if tickets <= 0:
        return
    seeder = Seeder(app, seed, attachments)
    with app.store.transaction():
        admins, teams, tags = seeder.workspace()
        contacts = seeder.people(max(3, tickets * 2 // 3), tags)
        seeder.conversations(tickets, admins, teams, tags, contacts)
        seeder.tickets(max(1, tickets // 5), admins, contacts)
        seeder.help_center(admins)


def long_conversation(app: IntercomSandbox, parts: int) -> str:
    """Add a conversation with ``parts`` comments (more than 500 tests the detail cap)."""
    contact = app.store.query("contacts", limit=1)[0]["id"]
    admin = int(app.store.meta("owner") or 1)
    start = ANCHOR - 100 * DAY
    doc = {"created_at": start, "updated_at": start + parts * 60, "state": "open",
           "priority": "not_priority",
           "source": {"type": "conversation", "id": "403999999", "delivered_as":
                      "customer_initiated", "subject": "A long one",
                      "body": "<p>Part zero</p>", "author": app.author("contact", contact),
                      "attachments": [], "url": None, "redacted": False},
           "contact_ids": [contact], "tag_ids": [], "custom_attributes": {}, "title": None,
           "parts": [app.new_part("comment", app.author("admin", admin), f"<p>Part {n}</p>",
                                  start + n * 60) for n in range(1, parts + 1)]}
    return str(app.store.insert("conversations", doc)["id"])

"""Deterministic synthetic data for the Freshdesk sandbox (Faker, one transaction).

Everything derives from the seed: agents (one deactivated, one occasional), groups,
companies, contacts (some deleted or blocked), custom fields, tickets with 1-8
conversations (customer messages, public replies, private notes), unicode HTML, inline
images, attachments with real bytes, spam and deleted tickets, and solutions with
translations. Timestamps count back from a fixed date, so two seeds are identical.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from faker import Faker

from .account import (
    COMPANY_ID_BASE,
    CONVERSATION_ID_BASE,
    GROUP_ID_BASE,
    KB_ID_BASE,
    TICKET_TYPES,
    USER_ID_BASE,
    add_agent,
    add_field,
)
from .base import HOST_MARK
from .records import conversation_doc, ticket_doc
from .time_entries import TIME_ENTRY_ID_BASE, time_entry_doc
from .vendor import NOTE_SOURCE, REPLY_SOURCE, format_time

if TYPE_CHECKING:
    from .app import FreshdeskSandbox

ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 720
LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP", "es_ES"]
PRODUCTS = ["Starter", "Pro", "Enterprise", "Add-on"]
TIERS = ["Gold", "Silver", "Bronze"]
GROUPS = ["Billing", "Technical Support", "Escalations", "Onboarding", "Returns"]
TAGS = ["billing", "login", "bug", "refund", "feature", "urgent", "vip", "ünïcode"]


class _Seeder:
    """One seeding pass; methods insert one kind of record each."""

    def __init__(self, app: FreshdeskSandbox, seed: int, attachments: bool) -> None:
        self.app = app
        self.store = app.store
        self.random = random.Random(seed)
        self.fake = Faker(LOCALES)
        self.fake.seed_instance(seed)
        self.attachments = attachments

    def moment(self, days_back: float) -> datetime:
        return ANCHOR - timedelta(days=days_back)

    def fields(self) -> None:
        add_field(self.store, "ticket_fields", "cf_order_number", "Order number",
                  "custom_text")
        add_field(self.store, "ticket_fields", "cf_product", "Product", "custom_dropdown",
                  choices=PRODUCTS)
        add_field(self.store, "ticket_fields", "cf_vip", "VIP", "custom_checkbox")
        add_field(self.store, "ticket_fields", "cf_units", "Units", "custom_number")
        add_field(self.store, "ticket_fields", "cf_renewal_date", "Renewal date",
                  "custom_date")
        add_field(self.store, "contact_fields", "department", "Department", "custom_text")
        add_field(self.store, "company_fields", "tier", "Account tier", "custom_dropdown",
                  choices=TIERS)

    def agents(self, count: int) -> list[int]:
        roles = {r["name"]: r["id"] for r in self.store.query("roles")}
        ids = []
        for i in range(count):
            name = self.fake.name()
            role = "Administrator" if i == 0 else "Supervisor" if i == 1 else "Agent"
            stamp = format_time(self.moment(HISTORY_DAYS + 30 - i))
            ids.append(add_agent(self.store, name, f"agent{i + 1}@sandbox.freshdesk.test",
                                 [roles[role]], active=i != count - 1, created_at=stamp,
                                 occasional=i == count - 2 and count > 3))
        self.store.set_meta("agent_seats", str(self.app.seats_used() + 2))
        return ids

    def groups(self, agent_ids: list[int]) -> list[int]:
        ids = []
        for i, name in enumerate(GROUPS[: max(2, min(len(GROUPS), len(agent_ids) // 2))]):
            members = sorted(self.random.sample(agent_ids, k=min(3, len(agent_ids))))
            stamp = format_time(self.moment(HISTORY_DAYS + 20))
            group_id = self.store.next_id("groups", GROUP_ID_BASE + 1)
            self.store.insert("groups", {
                "name": name, "description": f"{name} team", "escalate_to": None,
                "unassigned_for": None, "business_hour_id": None,
                "group_type": "support_agent_group", "auto_ticket_assign": i % 2,
                "agent_ids": members, "created_at": stamp, "updated_at": stamp}, id=group_id)
            for agent_id in members:
                agent = self.store.get("agents", agent_id) or {}
                agent["group_ids"].append(group_id)
                self.store.put("agents", agent)
            ids.append(group_id)
        return ids

    def companies(self, count: int) -> list[int]:
        ids = []
        for i in range(count):
            name = f"{self.fake.company()} #{i + 1}"
            stamp = format_time(self.moment(self.random.uniform(400, HISTORY_DAYS)))
            company_id = self.store.next_id("companies", COMPANY_ID_BASE + 1)
            self.store.insert("companies", {
                "name": name, "description": self.fake.catch_phrase(), "note": None,
                "domains": [f"company{i + 1}.example"], "health_score": None,
                "account_tier": None, "renewal_date": None, "industry": None,
                "custom_fields": {"tier": self.random.choice(TIERS)},
                "created_at": stamp, "updated_at": stamp}, id=company_id)
            ids.append(company_id)
        return ids

    def contacts(self, count: int, company_ids: list[int]) -> list[int]:
        ids = []
        for i in range(count):
            state = "deleted" if i % 11 == 10 else "blocked" if i % 13 == 12 else "active"
            company = self.random.choice(company_ids) if self.random.random() < 0.6 else None
            stamp = format_time(self.moment(self.random.uniform(365, HISTORY_DAYS)))
            contact_id = self.store.next_id("users", USER_ID_BASE + 1)
            self.store.insert("contacts", {
                "active": True, "address": None, "company_id": company, "description": None,
                "email": f"customer{i + 1}@{'company' if company else 'mail'}"
                         f"{(company or 0) % 1000}.example",
                "job_title": self.fake.job(), "language": "en", "mobile": None,
                "phone": self.fake.phone_number(), "name": self.fake.name(),
                "time_zone": "Eastern Time (US & Canada)", "twitter_id": None,
                "facebook_id": None, "unique_external_id": None,
                "other_emails": [f"alt{i + 1}@mail.example"] if i % 9 == 0 else [],
                "other_companies": [], "view_all_tickets": False,
                "tags": self.random.sample(TAGS, k=self.random.randint(0, 2)),
                "custom_fields": {"department": self.fake.bs()[:40]},
                "deleted": state == "deleted", "blocked": state == "blocked",
                "created_at": stamp, "updated_at": stamp}, id=contact_id)
            ids.append(contact_id)
        return ids

    def file(self, stamp: str, inline: bool = False) -> dict:
        kind = self.random.choice(("png", "txt", "csv")) if not inline else "png"
        if kind == "png":
            data = png(self.random.randint(2, 24), self.random.randint(2, 24), self.random)
            return self.app.files.add(f"screenshot-{self.random.randint(1, 9999)}.png",
                                      "image/png", data, inline=inline, created_at=stamp)
        if kind == "csv":
            rows = "\n".join(f"{n},{self.fake.word()},{self.random.randint(1, 99)}"
                             for n in range(self.random.randint(2, 20)))
            return self.app.files.add("export.csv", "text/csv", f"id,item,qty\n{rows}\n"
                                      .encode(), created_at=stamp)
        text = self.fake.paragraph(nb_sentences=5)
        return self.app.files.add("notes-ünï.txt", "text/plain", text.encode(),
                                  created_at=stamp)

    def html(self, stamp: str) -> str:
        paragraphs = [f"<p>{self.fake.paragraph(nb_sentences=3)}</p>"
                      for _ in range(self.random.randint(1, 3))]
        if self.attachments and self.random.random() < 0.15:
            image = self.file(stamp, inline=True)
            url = self.app.files.inline_url(image, HOST_MARK)
            paragraphs.append(f'<p><img src="{url}" class="fr-fic fr-dii" '
                              f'data-id="{image["id"]}" alt="{image["name"]}"></p>')
        return "<div>" + "".join(paragraphs) + "</div>"

    def ticket(self, number: int, people: dict[str, list[int]], conversations: bool) -> None:
        created = self.moment(self.random.uniform(1, HISTORY_DAYS))
        stamp = format_time(created)
        requester = self.random.choice(people["contacts"])
        contact = self.store.get("contacts", requester) or {}
        agents = people["agents"]
        responder = self.random.choice(agents) if self.random.random() < 0.8 else None
        fields = {
            "subject": f"{self.fake.sentence(nb_words=6).rstrip('.')} ✓"
                       if number % 7 == 0 else self.fake.sentence(nb_words=6).rstrip("."),
            "description": self.html(stamp),
            "status": self.random.choice((2, 2, 3, 4, 5, 5)),
            "priority": self.random.choice((1, 1, 2, 2, 3, 4)),
            "source": self.random.choice((1, 1, 2, 3, 7, 9)),
            "type": self.random.choice([None, *TICKET_TYPES]),
            "responder_id": responder,
            "group_id": self.random.choice(people["groups"]) if responder else None,
            "company_id": contact.get("company_id"),
            "tags": self.random.sample(TAGS, k=self.random.randint(0, 3)),
            "custom_fields": {
                "cf_order_number": f"ORD-{self.random.randint(10000, 99999)}",
                "cf_product": self.random.choice(PRODUCTS),
                "cf_vip": self.random.random() < 0.2,
                "cf_units": self.random.randint(1, 50),
                "cf_renewal_date": (created + timedelta(days=365)).strftime("%Y-%m-%d")},
            "spam": number % 31 == 30, "deleted": number % 37 == 36,
        }
        attachment_ids = ([self.file(stamp)["id"]] if self.attachments
                          and self.random.random() < 0.2 else [])
        count = self.random.randint(1, 8) if conversations else 0
        moments = sorted(self.random.uniform(0.01, 1) * (ANCHOR - created).total_seconds()
                         for _ in range(count))
        fields["updated_at"] = format_time(created + timedelta(seconds=moments[-1])
                                           if moments else created)
        ticket_id = self.store.next_id("tickets")
        self.store.insert("tickets", ticket_doc(fields, requester, stamp, attachment_ids),
                          id=ticket_id)
        for seconds in moments:
            self.conversation(ticket_id, requester, responder or agents[0],
                              format_time(created + timedelta(seconds=seconds)))

    def conversation(self, ticket_id: int, requester: int, agent: int, stamp: str) -> None:
        kind = self.random.choice(("incoming", "reply", "note"))
        attachment_ids = ([self.file(stamp)["id"]] if self.attachments
                          and self.random.random() < 0.2 else [])
        self.store.insert("conversations", conversation_doc(
            ticket_id, self.html(stamp), requester if kind == "incoming" else agent, stamp,
            source=NOTE_SOURCE if kind == "note" else REPLY_SOURCE, private=kind == "note",
            incoming=kind == "incoming", attachment_ids=attachment_ids),
            id=self.store.next_id("conversations", CONVERSATION_ID_BASE + 1))

    def time_entries(self) -> None:
        """Every fourth assigned ticket has time logged by its agent (no random draws, so
        the rest of the seed stays as it was)."""
        for ticket in self.store.query("tickets", "id % 4 = 0 AND json_extract(doc, "
                                       "'$.responder_id') IS NOT NULL"):
            spent = f"{ticket['id'] % 3:02d}:{ticket['id'] * 7 % 60:02d}"
            self.store.insert("time_entries", time_entry_doc(
                ticket, ticket["responder_id"], spent, "Investigation", ticket["updated_at"],
                billable=ticket["id"] % 8 == 0),
                id=self.store.next_id("time_entries", TIME_ENTRY_ID_BASE + 1))

    def solutions(self, agent_id: int) -> None:
        for c in range(2):
            stamp = format_time(self.moment(HISTORY_DAYS - c))
            category = self.store.insert("solution_categories", {
                "name": f"{self.fake.word().title()} guides", "description":
                self.fake.sentence(), "visible_in_portals": [], "created_at": stamp,
                "updated_at": stamp, "translations": self.translated(
                    c, stamp, name=f"Guides {c + 1}", description="Traduction")},
                id=self.store.next_id("solution_categories",
                                      KB_ID_BASE["solution_categories"] + 1))
            for f in range(2):
                folder = self.store.insert("solution_folders", {
                    "category_id": category["id"], "name": f"{self.fake.word().title()} "
                    f"FAQ {f + 1}", "description": self.fake.sentence(), "visibility": 1,
                    "created_at": stamp, "updated_at": stamp, "translations": self.translated(
                        f, stamp, name=f"FAQ {f + 1}", description="Übersetzung")},
                    id=self.store.next_id("solution_folders",
                                          KB_ID_BASE["solution_folders"] + 1))
                for a in range(3):
                    self.article(folder, agent_id, stamp, a)

    def article(self, folder: dict, agent_id: int, stamp: str, index: int) -> None:
        body = self.html(stamp)
        status = 1 if index == 2 else 2
        self.store.insert("solution_articles", {
            "type": 1, "category_id": folder["category_id"], "folder_id": folder["id"],
            "title": self.fake.sentence(nb_words=5).rstrip("."), "description": body,
            "description_text": body, "status": status, "agent_id": agent_id,
            "tags": self.random.sample(TAGS, k=2), "seo_data": {}, "hits": 0,
            "thumbs_up": 0, "thumbs_down": 0, "feedback_count": 0, "created_at": stamp,
            "updated_at": stamp, "translations": self.translated(
                index, stamp, title=f"Article traduit {index + 1}",
                description=f"<p>Contenu traduit {index + 1} – é</p>", status=status,
                agent_id=agent_id)},
            id=self.store.next_id("solution_articles", KB_ID_BASE["solution_articles"] + 1))

    def translated(self, index: int, stamp: str, **content: object) -> dict:
        """French for every other item, German for every third."""
        languages = [lang for lang, every in (("fr", 2), ("de", 3)) if index % every == 0]
        return {lang: {**content, "created_at": stamp, "updated_at": stamp}
                for lang in languages}


def seed_helpdesk(app: FreshdeskSandbox, *, tickets: int, seed: int, attachments: bool = True,
                  conversations: bool = True) -> None:
    """Seed ``app`` with ``tickets`` tickets and the people, fields and KB around them."""
    if tickets <= 0:
        return
    seeder = _Seeder(app, seed, attachments)
    with app.store.transaction():
        seeder.fields()
        agent_ids = seeder.agents(max(4, min(25, tickets // 40 + 4)))
        people = {"agents": agent_ids, "groups": seeder.groups(agent_ids)}
        company_ids = seeder.companies(max(2, min(500, tickets // 20)))
        people["contacts"] = seeder.contacts(max(5, tickets // 3), company_ids)
        for number in range(tickets):
            seeder.ticket(number, people, conversations)
        seeder.time_entries()
        seeder.solutions(agent_ids[0])


def png(width: int, height: int, rng: random.Random) -> bytes:
    """A real (tiny, random-coloured) PNG image."""
    rows = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3))
                    for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))

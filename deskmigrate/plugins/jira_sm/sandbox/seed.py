"""Deterministic synthetic data for the Jira Service Management sandbox (Faker).

Two desks (one holds the data), request types with required fields, custom fields, agents
in groups (one deactivated), customers in organizations, requests with ADF descriptions,
public replies and internal notes, attachments with real bytes, inline images (ADF media
nodes naming an attachment) and unicode. Times count back from a fixed date.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from deskmigrate.sandbox import SandboxStore

from .base import SITE_EMAIL, jira_time
from .people import add_user
from .workflow import PRIORITIES, STATUSES

ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP"]
PRODUCTS = {"10100": "Starter", "10101": "Pro", "10102": "Enterprise"}
LABELS = ["billing", "login", "bug", "refund", "vip", "ünïcode"]
AGENT_GROUPS = ["jira-servicemanagement-users", "Tier 1", "Tier 2"]


def png(seed: int) -> bytes:
    """A real 1x1 PNG whose pixel colour depends on ``seed``."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    pixel = bytes([0, seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def field(field_id: str, name: str, custom: str, kind: str, custom_id: int,
          required: bool = False, values: dict[str, str] | None = None) -> dict[str, Any]:
    """A request type field as ``/requesttype/{id}/field`` lists it."""
    schema: dict[str, Any] = {"type": kind}
    if custom:
        schema |= {"custom": custom, "customId": custom_id}
    else:
        schema["system"] = field_id
    return {"fieldId": field_id, "name": name, "required": required, "visible": True,
            "jiraSchema": schema, "description": "",
            "validValues": [{"value": k, "label": v, "children": []}
                            for k, v in (values or {}).items()]}


CUSTOM = {
    "product": field("customfield_10050", "Product",
                     "com.atlassian.jira.plugin.system.customfieldtypes:select", "option", 10050,
                     True, PRODUCTS),
    "order": field("customfield_10051", "Order number",
                   "com.atlassian.jira.plugin.system.customfieldtypes:textfield", "string",
                   10051),
    "units": field("customfield_10052", "Units",
                   "com.atlassian.jira.plugin.system.customfieldtypes:float", "number", 10052),
}
SUMMARY = field("summary", "Summary", "", "string", 0, True)
DESCRIPTION = field("description", "Description", "", "string", 0)


def seed_desk(store: SandboxStore, *, tickets: int, seed: int, attachments: bool) -> None:
    """Fill an empty sandbox; ``tickets=0`` still creates the desks, types and admin."""
    rng = random.Random(seed)
    fake = Faker(LOCALES)
    fake.seed_instance(seed)
    with store.transaction():
        admin = add_user(store, SITE_EMAIL, "Site Admin", customer=False,
                         groups=("site-admins", "jira-servicemanagement-users"))
        store.insert("servicedesks", {"projectId": 10000, "projectKey": "HELP",
                                      "projectName": "Help Centre ✓", "customers": [],
                                      "organizations": []}, id=1)
        store.insert("servicedesks", {"projectId": 10001, "projectKey": "ITS",
                                      "projectName": "IT Services", "customers": [],
                                      "organizations": []}, id=2)
        for custom in CUSTOM.values():
            store.insert("fields", {"fieldId": custom["fieldId"], "name": custom["name"],
                                    "schema": custom["jiraSchema"]})
        types = [
            ("Get IT help", "10100", [SUMMARY, DESCRIPTION, CUSTOM["order"]], 1),
            ("Report a bug", "10101", [SUMMARY, DESCRIPTION, CUSTOM["product"],
                                       CUSTOM["units"]], 1),
            ("Ask a question", "10100", [SUMMARY, DESCRIPTION], 1),
            ("Request hardware", "10100", [SUMMARY, DESCRIPTION], 2),
        ]
        for name, issue_type, fields, desk in types:
            store.insert("requesttypes", {"name": name, "description": f"{name}.",
                                          "issueTypeId": issue_type, "serviceDeskId": desk,
                                          "groupIds": [1], "fields": fields})
        if tickets:
            _Seeder(store, rng, fake, admin, attachments).fill(tickets)


class _Seeder:
    def __init__(self, store: SandboxStore, rng: random.Random, fake: Faker, admin: dict,
                 attachments: bool) -> None:
        self.store, self.rng, self.fake, self.admin = store, rng, fake, admin
        self.attachments = attachments

    def fill(self, tickets: int) -> None:
        agents = [self.admin] + [
            add_user(self.store, f"agent{i}@sandbox.atlassian.test", self.fake.name(),
                     customer=False, groups=(AGENT_GROUPS[0], AGENT_GROUPS[1 + i % 2]),
                     active=i != 3) for i in range(1, 4)]
        customers = [add_user(self.store, f"customer{i}@example.test", self.fake.name(),
                              customer=True) for i in range(1, max(4, tickets // 2 + 2))]
        desk = self.store.get("servicedesks", 1) or {}
        desk["customers"] = [c["accountId"] for c in customers]
        names = ["Acme Corp", "Société Générale Test", "東京 Trading"]
        for i, name in enumerate(names):
            members = [c["accountId"] for c in customers[i::len(names) + 1]]
            org = self.store.insert("organizations", {"name": name, "members": members,
                                                      "properties": {}})
            desk["organizations"].append(org["id"])
        self.store.put("servicedesks", desk)
        for number in range(1, tickets + 1):
            self.issue(number, agents, customers)

    def moment(self, days_back: float) -> datetime:
        return ANCHOR - timedelta(days=days_back)

    def issue(self, number: int, agents: list[dict], customers: list[dict]) -> None:
        rng = self.rng
        reporter = customers[number % len(customers)]
        request_type = 1 + number % 3
        created = self.moment(400 - number * 3 + rng.random())
        status = rng.choice(list(STATUSES))
        custom: dict[str, Any] = {}
        if request_type == 2:
            key = rng.choice(list(PRODUCTS))
            custom = {"customfield_10050": {"id": key, "value": PRODUCTS[key]},
                      "customfield_10052": float(rng.randint(1, 9))}
        elif request_type == 1:
            custom = {"customfield_10051": f"ORD-{number:05d}"}
        orgs = [o["id"] for o in self.store.query("organizations")
                if reporter["accountId"] in o["members"]][:1]
        issue = self.store.insert("issues", {
            "key": f"HELP-{number}", "projectKey": "HELP", "projectId": 10000,
            "serviceDeskId": 1, "requestTypeId": request_type,
            "issueTypeId": "10101" if request_type == 2 else "10100",
            "summary": f"{self.fake.sentence(nb_words=5).rstrip('.')} #{number}",
            "description": None, "status": status, "priority": rng.choice(list(PRIORITIES)),
            "labels": rng.sample(LABELS, rng.randint(0, 2)), "reporter": reporter["accountId"],
            "creator": reporter["accountId"], "assignee": rng.choice(agents)["accountId"],
            "created": jira_time(created), "updated": jira_time(created),
            "resolutiondate": None, "organizations": orgs, "custom": custom,
            "properties": {}})
        self.store.set_meta("seq:issuekey:HELP", str(number))
        inline = self.attachments and number % 3 == 0
        image = f"screenshot-{number}.png"
        issue["description"] = self.adf(inline and image)
        if inline:
            self.attach(issue, reporter["accountId"], image, png(number), created)
        stamp = created
        for index in range(number % 4):
            stamp += timedelta(hours=rng.randint(1, 30))
            public = index % 3 != 1
            author = rng.choice(agents) if index % 2 == 0 or not public else reporter
            self.store.insert("comments", {
                "issueId": issue["id"], "author": author["accountId"], "body": self.adf(None),
                "public": public, "created": jira_time(stamp), "updated": jira_time(stamp),
                "properties": {}})
            if self.attachments and (number + index) % 4 == 0:
                self.attach(issue, author["accountId"], f"log-{number}-{index}.txt",
                            f"log {number}.{index} – ünïcode\n".encode(), stamp)
        issue["updated"] = jira_time(stamp)
        if STATUSES[status][1] == "done":
            issue["resolutiondate"] = jira_time(stamp)
        self.store.put("issues", issue)

    def adf(self, image: str | bool | None) -> dict[str, Any]:
        content: list[dict[str, Any]] = [
            {"type": "paragraph", "content": [
                {"type": "text", "text": self.fake.sentence()},
                {"type": "text", "text": " naïve café ✓", "marks": [{"type": "strong"}]}]},
            {"type": "bulletList", "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": self.fake.word()}]}]}]}]
        if image:
            content.append({"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [
                {"type": "media", "attrs": {"type": "file", "id": f"media-{image}",
                                            "collection": "", "alt": image}}]})
        return {"type": "doc", "version": 1, "content": content}

    def attach(self, issue: dict, author: str, name: str, data: bytes, when: datetime) -> None:
        media_id = f"{issue['id']:08d}-0000-4000-8000-{len(data):012d}"
        row = self.store.insert("attachments", {
            "issueId": issue["id"], "filename": name, "size": len(data),
            "mimeType": "image/png" if name.endswith(".png") else "text/plain",
            "author": author, "created": jira_time(when), "mediaId": media_id})
        self.store.put_blob(f"media:{media_id}-{row['id']}", data)
        row["mediaId"] = f"{media_id}-{row['id']}"
        self.store.put("attachments", row)

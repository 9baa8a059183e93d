"""The seed's paid-option material: Talk voice comments with real recordings, side
conversations (with the ticket audits they leave), category and section translations and
article attachments. Drawn from their own random stream, so the rest of the seeded help desk
is the same with or without them."""

from __future__ import annotations

import html
import random
import uuid
from typing import Any

from deskmigrate.sandbox import SandboxStore

from .files import store_blob
from .hc_files import new_article_attachment
from .seed_data import SeedFile, wav
from .side_conversations import (
    AUDIT_OFFSET,
    new_conversation,
    new_event,
    new_message,
    side_audit,
)
from .support import Ids, audited, iso
from .voice import recording_key, recording_url

VOICE_SHARE = 0.06  # tickets with a recorded call
SIDE_SHARE = 0.08  # tickets with side conversations
MAX_COMMENTS = 10
PER_TICKET = 7  # ids a ticket may take: one voice comment, two conversations of 3 messages
PARTNERS = (("Billing team", "billing@finance-partner.example.com"),
            ("Warehouse", "dispatch@logistics-partner.example.com"),
            ("Dev on call", "oncall@dev-vendor.example.com"),
            ("Legal", "contracts@legal-partner.example.com"))
ASKS = ("Can you confirm the refund for this customer?", "Is the parcel still in the depot?",
        "Could you look at the stack trace attached to the ticket?",
        "Merci de vérifier la facture — le montant semble erroné.",
        "在庫状況を確認していただけますか？")
ANSWERS = ("Done — it went out this morning.", "Yes, it ships tomorrow.",
           "Looks like a regression; fix is in review.", "C'est corrigé, merci !",
           "確認しました。明日発送します。")
LOCALES = ("fr", "de", "ja")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Extras:
    """Adds the option material to tickets as they are seeded, then to the Help Center."""

    def __init__(self, store: SandboxStore, ids: Ids, seed: int, tickets: int,
                 attachments: bool) -> None:
        self.store, self.ids = store, ids
        self.rng = random.Random(f"zendesk-extras-{seed}")
        self.row_ids = iter(range(ids.reserve("comments", max(1, tickets) * PER_TICKET),
                                  2**62))
        self.attachments = attachments
        self.recordings = [(f"CA{self.rng.getrandbits(128):032x}",
                            store_blob(store, wav(self.rng, seconds=0.5 + n / 2)))
                           for n in range(3)]

    # -- tickets ------------------------------------------------------------------------
    def ticket(self, ticket: dict[str, Any], comments: list[dict[str, Any]],
               agent: dict[str, Any]) -> None:
        """A recorded call and/or side conversations for some tickets; ``comments`` is the
        ticket's conversation (oldest first), ``agent`` the one who answers."""
        rng = self.rng
        if len(comments) < MAX_COMMENTS and rng.random() < VOICE_SHARE:
            self.voice_comment(ticket, comments, agent)
        if rng.random() < SIDE_SHARE:
            for partner in rng.sample(PARTNERS, rng.randint(1, 2)):
                self.side_conversation(ticket, comments, agent, partner)

    def voice_comment(self, ticket: dict[str, Any], comments: list[dict[str, Any]],
                      agent: dict[str, Any]) -> None:
        rng = self.rng
        after = rng.choice(comments)
        stamp = float(int(after["_ts"]) + rng.randint(60, 3600))
        sid, blob = rng.choice(self.recordings)
        call_sid = f"{sid[:-8]}{rng.getrandbits(32):08x}"
        self.store.set_meta(recording_key(call_sid), f"audio/wav {blob}")
        caller, line = (f"+1415555{rng.randint(1000, 9999)}",
                        f"+1800555{rng.randint(1000, 9999)}")
        duration = rng.randint(30, 900)
        lines = (f"Inbound call from {caller}", f"Call to: {line}", f"Time of call: {iso(stamp)}",
                 f"Answered by: {agent['name']}", f"Length of phone call: {duration} seconds")
        text = "\n\n".join(lines)
        row = next(self.row_ids)
        self.store.insert("comments", {
            "type": "VoiceComment", "author_id": agent["id"], "body": text, "plain_body": text,
            "html_body": "".join(f"<p>{html.escape(part)}</p>" for part in lines),
            "public": False, "attachments": [], "audit_id": row + AUDIT_OFFSET,
            "via": {"channel": "voice", "source": {"from": {"phone": caller},
                                                   "to": {"phone": line}, "rel": "inbound"}},
            "created_at": iso(stamp), "metadata": {"system": {}, "custom": {}},
            "data": {"from": caller, "to": line, "recording_url": recording_url(call_sid),
                     "call_id": int(row), "call_duration": duration,
                     "answered_by_id": agent["id"], "answered_by_name": agent["name"],
                     "transcription_text": None, "started_at": iso(stamp - duration),
                     "location": "San Francisco, California, United States",
                     "recording_type": "call", "via_id": 45},
            "formatted_from": caller, "formatted_to": line, "transcription_visible": False,
            "trusted": True, "_ticket_id": ticket["id"], "_ts": stamp, "_first": False,
        }, id=row)
        audited(self.store, ticket["id"], stamp)

    def side_conversation(self, ticket: dict[str, Any], comments: list[dict[str, Any]],
                          agent: dict[str, Any], partner_of: tuple[str, str]) -> None:
        rng = self.rng
        name, email = partner_of
        partner = {"user_id": None, "name": name, "email": email}
        actor = {"user_id": agent["id"], "name": agent["name"], "email": agent["email"]}
        stamp = float(int(comments[0]["_ts"]) + rng.randint(600, 7200))
        subject = f"{name}: {ticket['subject'][:60]}"
        conversation = self.store.insert("side_conversations", new_conversation(
            ticket["id"], subject, [actor, partner], {}, stamp, _uuid(rng)))
        for n in range(rng.randint(1, 3)):
            sender, to = (actor, partner) if n % 2 == 0 else (partner, actor)
            text = rng.choice(ASKS if n % 2 == 0 else ANSWERS)
            body = f"<p>{html.escape(text)}</p>"
            event = new_event(conversation, "create" if n == 0 else "reply", sender, stamp,
                              _uuid(rng), new_message(subject, body, sender, [to], {}),
                              via="support" if sender is actor else "email")
            event = self.store.insert("side_conversation_events", event)
            audit = side_audit(conversation, event, next(self.row_ids))
            self.store.insert("comments", audit)
            audited(self.store, ticket["id"], audit["_ts"])
            conversation.update(preview_text=text[:100], message_added_at=event["created_at"],
                                updated_at=event["created_at"], _ts=stamp)
            stamp += rng.randint(600, 86400)
        if rng.random() < 0.5:
            conversation["state"] = "closed"
        self.store.put("side_conversations", conversation)

    # -- Help Center --------------------------------------------------------------------
    def help_center(self, categories: list[dict[str, Any]], sections: list[dict[str, Any]],
                    articles: list[dict[str, Any]], files: list[tuple[SeedFile, str]],
                    base: dict[str, Any]) -> None:
        """Translations of categories and sections; attachments on a third of articles."""
        rng, translations = self.rng, []
        for collection, items in (("Category", categories), ("Section", sections)):
            for item in items:
                for locale in ["en-us", *rng.sample(LOCALES, rng.choice((0, 1, 2)))]:
                    own = locale == "en-us"
                    translations.append({
                        **base, "source_id": item["id"], "source_type": collection,
                        "locale": locale, "title": item["name"] if own
                        else f"[{locale}] {item['name']}", "body": item["description"],
                        "draft": False, "hidden": False, "created_by_id": None,
                        "updated_by_id": None})
        first = self.ids.reserve("translations", len(translations))
        for n, doc in enumerate(translations):
            self.store.insert("translations", doc, id=first + n)
        if not files or not self.attachments:
            return
        for article in articles:
            if rng.random() < 0.33:
                seed_file, blob = rng.choice(files)
                self.store.insert("article_attachments", new_article_attachment(
                    article, seed_file.file_name, seed_file.content_type, blob,
                    len(seed_file.data), False,
                    base["_ts"]), id=self.ids.next("article_attachments"))

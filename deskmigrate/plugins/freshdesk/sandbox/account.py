"""The account every Freshdesk sandbox starts with: its API key, the owner agent, roles,
default ticket / contact / company fields, an email config and help desk languages."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from deskmigrate.sandbox import SandboxStore

from .vendor import format_time

USER_ID_BASE = 43_000_000_000
COMPANY_ID_BASE = 43_001_000_000
GROUP_ID_BASE = 43_002_000_000
FIELD_ID_BASE = 43_003_000_000
ROLE_ID_BASE = 43_004_000_000
CONVERSATION_ID_BASE = 43_010_000_000
KB_ID_BASE = {"solution_categories": 43_030_000_000, "solution_folders": 43_031_000_000,
              "solution_articles": 43_032_000_000}
ACCOUNT_CREATED = "2023-01-02T09:00:00Z"
OWNER_EMAIL = "owner@sandbox.freshdesk.test"
TICKET_TYPES = ["Question", "Incident", "Problem", "Feature Request", "Refund"]
ROLES = ("Account Administrator", "Administrator", "Supervisor", "Agent")
ADMIN_ROLES = ("Account Administrator", "Administrator")
LANGUAGES = {"primary_language": "en", "supported_languages": ["fr", "de", "es", "ja-JP"]}

_DEFAULT_TICKET_FIELDS = (
    ("requester", "Search a requester", "default_requester", True),
    ("subject", "Subject", "default_subject", True),
    ("ticket_type", "Type", "default_ticket_type", False),
    ("source", "Source", "default_source", True),
    ("status", "Status", "default_status", True),
    ("priority", "Priority", "default_priority", True),
    ("group", "Group", "default_group", False),
    ("agent", "Agent", "default_agent", False),
    ("description", "Description", "default_description", True),
    ("company", "Company", "default_company", False),
)
_DEFAULT_CONTACT_FIELDS = (("name", "Full name", "default_name", True),
                           ("email", "Email", "default_email", False),
                           ("phone", "Work phone", "default_phone", False),
                           ("company_name", "Company", "default_company_name", False),
                           ("tag_names", "Tags", "default_tag_names", False))
_DEFAULT_COMPANY_FIELDS = (("name", "Company Name", "default_name", True),
                           ("description", "Description", "default_description", False),
                           ("note", "Notes", "default_note", False),
                           ("domains", "Domains for this company", "default_domains", False))


def now() -> str:
    return format_time(datetime.now(UTC))


def ensure_account(store: SandboxStore) -> None:
    """Create the account once: key, signing secret, owner, roles, fields, settings."""
    if store.meta("api_key"):
        return
    with store.transaction():
        store.set_meta("api_key", secrets.token_urlsafe(24))
        store.set_meta("signing_secret", secrets.token_hex(32))
        store.set_meta("settings", json.dumps(LANGUAGES))
        role_ids = {}
        for name in ROLES:
            role_id = store.next_id("roles", ROLE_ID_BASE + 1)
            store.insert("roles", {"name": name, "description": name, "default": True,
                                   "created_at": ACCOUNT_CREATED,
                                   "updated_at": ACCOUNT_CREATED}, id=role_id)
            role_ids[name] = role_id
        store.set_meta("owner_id", str(add_agent(
            store, "Sandbox Owner", OWNER_EMAIL, [role_ids["Account Administrator"]],
            created_at=ACCOUNT_CREATED)))
        store.insert("email_configs", {
            "name": "Support", "to_email": "support@sandbox.freshdesk.test",
            "reply_email": "support@sandbox.freshdesk.test", "primary_role": True,
            "active": True, "created_at": ACCOUNT_CREATED, "updated_at": ACCOUNT_CREATED},
            id=FIELD_ID_BASE)
        for collection, fields in (("ticket_fields", _DEFAULT_TICKET_FIELDS),
                                   ("contact_fields", _DEFAULT_CONTACT_FIELDS),
                                   ("company_fields", _DEFAULT_COMPANY_FIELDS)):
            for name, label, kind, required in fields:
                choices = TICKET_TYPES if name == "ticket_type" else []
                add_field(store, collection, name, label, kind, required=required,
                          choices=choices, default=True)


def add_agent(store: SandboxStore, name: str, email: str, role_ids: list[int], *,
              active: bool = True, group_ids: list[int] | None = None,
              created_at: str | None = None, occasional: bool = False,
              agent_id: int | None = None) -> int:
    """Insert an agent (its id is a user id, shared with contacts: a contact made an
    agent keeps its ``agent_id``)."""
    stamp = created_at or now()
    agent_id = agent_id or store.next_id("users", USER_ID_BASE + 1)
    store.insert("agents", {
        "available": active, "occasional": occasional, "ticket_scope": 1, "signature": None,
        "group_ids": group_ids or [], "role_ids": role_ids, "skill_ids": [],
        "type": "support_agent", "created_at": stamp, "updated_at": stamp,
        "last_active_at": None,
        "contact": {"active": active, "email": email, "name": name, "job_title": None,
                    "language": "en", "mobile": None, "phone": None,
                    "time_zone": "Eastern Time (US & Canada)", "last_login_at": None,
                    "created_at": stamp, "updated_at": stamp}}, id=agent_id)
    return agent_id


def add_field(store: SandboxStore, collection: str, name: str, label: str, kind: str, *,
              required: bool = False, choices: list[str] | None = None,
              default: bool = False, created_at: str = ACCOUNT_CREATED,
              **settings: object) -> dict:
    """Insert one field definition (``name`` is the API key: ``cf_...`` for tickets);
    ``settings`` override the display flags (``label_for_customers``, ...)."""
    position = store.count(collection) + 1
    doc = {"name": name, "label": label, "description": label, "position": position,
           "type": kind, "default": default, "required_for_agents": required,
           "required_for_closure": False, "customers_can_edit": not default,
           "label_for_customers": label, "required_for_customers": False,
           "displayed_to_customers": True, "choices": choices or [],
           "created_at": created_at, "updated_at": created_at, **settings}
    return store.insert(collection, doc, id=store.next_id("fields", FIELD_ID_BASE + 1))

"""The Freshdesk sandbox driven only through python-freshdesk (a client nobody here wrote),
each test one usage from its README: list and paginate, filter, create / update / delete,
notes and replies, contacts, companies, agents, groups, roles, ticket fields, time entries,
solutions and the errors its exceptions are built on."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from fd_client import client
from freshdesk.v2.api import API
from freshdesk.v2.errors import (
    FreshdeskBadRequest,
    FreshdeskNotFound,
    FreshdeskRateLimited,
    FreshdeskUnauthorized,
)

from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.sandbox.server import serve_in_thread

EPOCH = "2000-01-01T00:00:00Z"


def visible(sandbox: FreshdeskSandbox) -> list[dict]:
    """The stored tickets a plain list shows (not spam, not trashed)."""
    return [t for t in sandbox.store.query("tickets") if not t["spam"] and not t["deleted"]]


def test_tickets_list_every_page_and_the_named_filters(fd: API, sandbox: FreshdeskSandbox
                                                       ) -> None:
    everything = fd.tickets.list_tickets(filter_name=None, updated_since=EPOCH, per_page=5)
    assert sorted(t.id for t in everything) == sorted(t["id"] for t in visible(sandbox))
    one_page = fd.tickets.list_tickets(filter_name=None, updated_since=EPOCH, page=2,
                                       per_page=5)
    assert [t.id for t in one_page] == [t.id for t in everything[5:10]]
    trashed = {t["id"] for t in sandbox.store.query("tickets") if t["deleted"]}
    assert {t.id for t in fd.tickets.list_deleted_tickets()} == trashed
    owner = fd.agents.currently_authenticated_agent().id
    mine = fd.tickets.list_new_and_my_open_tickets()
    assert all(t.status == "open" and t.responder_id in (None, owner) for t in mine)


def test_view_a_ticket_with_every_include(fd: API, sandbox: FreshdeskSandbox) -> None:
    stored = next(t for t in visible(sandbox) if t["status"] == 4 and t["company_id"])
    ticket = fd.tickets.get_ticket(stored["id"], "stats", "conversations", "requester",
                                   "company")
    assert ticket.status == "resolved" and ticket.stats["resolved_at"] is not None
    assert ticket.stats["closed_at"] is None
    requester = sandbox.user_doc(stored["requester_id"]) or {}
    assert ticket.requester["email"] == requester["email"]
    company = sandbox.store.get("companies", stored["company_id"]) or {}
    assert ticket.company == {"id": company["id"], "name": company["name"]}
    listed = fd.comments.list_comments(stored["id"])
    assert [c["id"] for c in ticket.conversations] == [c.id for c in listed][:10]
    plain = fd.tickets.get_ticket(stored["id"])
    assert not {"stats", "requester", "company", "conversations"} & set(plain._keys)
    with pytest.raises(FreshdeskBadRequest):
        fd.tickets.get_ticket(stored["id"], "watchers")


def test_create_update_and_delete_a_ticket(fd: API, sandbox: FreshdeskSandbox,
                                           tmp_path: Path) -> None:
    log = tmp_path / "trace.log"
    log.write_bytes(b"line 1\nline 2\n")
    ticket = fd.tickets.create_ticket("Printer on fire", email="new.person@example.org",
                                      description="<p>Smoke everywhere</p>",
                                      tags=["example"], attachments=[str(log)])
    assert (ticket.status, ticket.priority, ticket.tags) == ("open", "low", ["example"])
    contact = fd.contacts.list_contacts(email="new.person@example.org")
    assert [c.id for c in contact] == [ticket.requester_id]  # the requester was created
    [attachment] = ticket.attachments
    assert requests.get(attachment["attachment_url"], timeout=10).content == \
        b"line 1\nline 2\n"
    updated = fd.tickets.update_ticket(ticket.id, subject="Printer fire is out", priority=4,
                                       status=4)
    assert (updated.subject, updated.priority, updated.status) == (
        "Printer fire is out", "urgent", "resolved")
    assert fd.tickets.get_ticket(ticket.id, "stats").stats["resolved_at"] is not None
    fd.tickets.delete_ticket(ticket.id)
    assert ticket.id in {t.id for t in fd.tickets.list_deleted_tickets()}


def test_filter_tickets_with_the_query_language(fd: API, sandbox: FreshdeskSandbox) -> None:
    rows = visible(sandbox)
    found = fd.tickets.filter_tickets("status:2 AND (priority:1 OR priority:2)")
    assert sorted(t.id for t in found) == sorted(
        t["id"] for t in rows if t["status"] == 2 and t["priority"] in (1, 2))
    tag = next(tag for t in rows for tag in t["tags"])
    assert sorted(t.id for t in fd.tickets.filter_tickets(f"tag:'{tag}'")) == sorted(
        t["id"] for t in rows if tag in t["tags"])
    day = sorted(t["created_at"] for t in rows)[len(rows) // 2][:10]
    later = fd.tickets.filter_tickets(f"created_at:>'{day}'")
    assert sorted(t.id for t in later) == sorted(t["id"] for t in rows
                                                 if t["created_at"][:10] >= day)
    with pytest.raises(FreshdeskBadRequest):
        fd.tickets.filter_tickets("status:2 AND (priority:1")


def test_notes_and_replies(fd: API, sandbox: FreshdeskSandbox) -> None:
    ticket_id = visible(sandbox)[0]["id"]
    before = len(fd.comments.list_comments(ticket_id))
    note = fd.comments.create_note(ticket_id, "This is a public note", private=False)
    assert (note.source, note.private, note.body) == ("note", False, "This is a public note")
    sent = sandbox.emails_sent()
    reply = fd.comments.create_reply(ticket_id, "This is the body of a reply")
    assert reply.source == "reply" and sandbox.emails_sent() == sent + 1
    listed = fd.comments.list_comments(ticket_id)
    assert [c.id for c in listed[before:]] == [note.id, reply.id]
    assert str(listed[-1]) == "This is the body of a reply"


def test_contacts_lifecycle_and_filters(fd: API, sandbox: FreshdeskSandbox) -> None:
    active = sandbox.store.count("contacts", "json_extract(doc, '$.deleted') = 0")
    assert len(fd.contacts.list_contacts(per_page=7)) == active
    contact = fd.contacts.create_contact(name="Rachel", email="rachel@example.org")
    assert fd.contacts.get_contact(contact.id).name == "Rachel"
    assert fd.contacts.update_contact(contact.id, job_title="CTO").job_title == "CTO"
    assert [c.id for c in fd.contacts.filter_contacts("email:'rachel@example.org'")] == [
        contact.id]
    fd.contacts.soft_delete_contact(contact.id)
    assert contact.id in {c.id for c in fd.contacts.list_contacts(state="deleted")}
    fd.contacts.restore_contact(contact.id)
    assert contact.id not in {c.id for c in fd.contacts.list_contacts(state="deleted")}
    assert contact.id in {c.id for c in fd.contacts.list_contacts(email="rachel@example.org")}
    fd.contacts.permanently_delete_contact(contact.id)
    with pytest.raises(FreshdeskNotFound):
        fd.contacts.get_contact(contact.id)


def test_companies_lifecycle_and_filters(fd: API, sandbox: FreshdeskSandbox) -> None:
    assert len(fd.companies.list_companies(per_page=3)) == sandbox.store.count("companies")
    company = fd.companies.create_company(name="Super Nova", domains=["nova.example"])
    assert fd.companies.get_company(company.id).domains == ["nova.example"]
    assert fd.companies.update_company(company.id, description="Stars").description == \
        "Stars"
    recent = fd.companies.filter_companies("updated_at:>'2020-07-12'")
    assert company.id in {c.id for c in recent}
    fd.companies.delete_company(company.id)
    with pytest.raises(FreshdeskNotFound):
        fd.companies.get_company(company.id)


def test_agents_groups_and_roles(fd: API, sandbox: FreshdeskSandbox) -> None:
    agents = fd.agents.list_agents(per_page=2)
    assert len(agents) == sandbox.store.count("agents")
    some = agents[1]
    assert fd.agents.get_agent(some.id).contact["email"] == some.contact["email"]
    assert [a.id for a in fd.agents.list_agents(email=some.contact["email"])] == [some.id]
    contact = fd.contacts.create_contact(name="Occasional Olga", email="olga@example.org")
    olga = fd.contacts.make_agent(contact.id, occasional=True)
    assert (olga.id, olga.occasional, olga.contact["email"]) == (
        contact.id, True, "olga@example.org")
    with pytest.raises(FreshdeskNotFound):
        fd.contacts.get_contact(contact.id)  # a contact no more
    me = fd.agents.currently_authenticated_agent()
    assert me.contact["email"] == "owner@sandbox.freshdesk.test"
    groups = fd.groups.list_groups(per_page=1)
    assert len(groups) == sandbox.store.count("groups")
    assert fd.groups.get_group(groups[0].id).name == groups[0].name
    roles = fd.roles.list_roles()
    assert "Account Administrator" in {r.name for r in roles}
    assert fd.roles.get_role(roles[0].id).name == roles[0].name


def test_ticket_fields_list_default_choices(fd: API) -> None:
    [status] = fd.ticket_fields.list_ticket_fields(type="default_status")
    assert status.choices["4"][0] == "Resolved"
    [priority] = fd.ticket_fields.list_ticket_fields(type="default_priority")
    assert priority.choices == {"Low": 1, "Medium": 2, "High": 3, "Urgent": 4}
    [source] = fd.ticket_fields.list_ticket_fields(type="default_source")
    assert source.choices["Phone"] == 3
    custom = [f for f in fd.ticket_fields.list_ticket_fields() if f.name.startswith("cf_")]
    assert custom and all(isinstance(f.choices, list) for f in custom)


def test_time_entries(fd: API, sandbox: FreshdeskSandbox) -> None:
    stored = sandbox.store.query("time_entries")
    assert stored, "the seed logs time on some tickets"
    every = fd.time_entries.list_time_entries()
    assert sorted(e.id for e in every) == sorted(e["id"] for e in stored)
    first = stored[0]
    on_ticket = fd.time_entries.list_time_entries(first["ticket_id"])
    assert [e.time_spent for e in on_ticket] == [
        e["time_spent"] for e in stored if e["ticket_id"] == first["ticket_id"]]
    # the client passes filters as query parameters
    by_agent = fd.time_entries.list_time_entries(agent_id=first["agent_id"])
    assert sorted(e.id for e in by_agent) == sorted(
        e["id"] for e in stored if e["agent_id"] == first["agent_id"])


def test_solutions_with_translations_and_search(fd: API) -> None:
    categories = fd.solutions.categories.list_categories()
    assert categories and fd.solutions.categories.get_category(categories[0].id).name
    category = fd.solutions.categories.create_category(name="Billing", description="Money")
    fd.solutions.categories.create_category_translation(category.id, "fr",
                                                        name="Facturation")
    assert fd.solutions.categories.get_category_translated(category.id, "fr").name == \
        "Facturation"
    folder = fd.solutions.folders.create_folder(category.id, name="Invoices", visibility=1)
    assert [f.id for f in fd.solutions.folders.list_from_category(category.id)] == [folder.id]
    article = fd.solutions.articles.create_article(
        folder.id, title="Download an invoice", description="<p>Open Billing</p>", status=2)
    fd.solutions.articles.create_article_translation(
        article.id, "fr", title="Télécharger une facture", description="<p>Ouvrir</p>",
        status=2)
    assert fd.solutions.articles.get_article_translated(article.id, "fr").title == \
        "Télécharger une facture"
    assert article.id in {a.id for a in fd.solutions.articles.search("invoice")}
    fd.solutions.categories.delete_category(category.id)
    with pytest.raises(FreshdeskNotFound):
        fd.solutions.articles.get_article(article.id)


def test_errors_are_the_ones_the_client_understands(fd: API, served: str) -> None:
    with pytest.raises(FreshdeskNotFound):
        fd.tickets.get_ticket(987654321)
    with pytest.raises(FreshdeskBadRequest, match="Validation failed"):
        fd.tickets.create_ticket("No requester", description="<p>?</p>")
    with pytest.raises(FreshdeskUnauthorized, match="You have to be logged in"):
        client(served, "wrong-key").agents.currently_authenticated_agent()


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    app = FreshdeskSandbox(tmp_path / "limited.sqlite", rate_limit=2)
    with serve_in_thread(app) as base_url:
        fd = client(base_url, app.credentials()["api_key"])
        fd.groups.list_groups()
        fd.groups.list_groups()
        with pytest.raises(FreshdeskRateLimited, match=r"until \d+ seconds"):
            fd.groups.list_groups()

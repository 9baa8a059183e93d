"""The Zendesk sandbox driven only through zenpy, as zenpy's README and docs use it: list,
paginate, incremental exports, create/update/delete, bulk jobs, uploads, search, tags,
audits and the Help Center. What zenpy reads back is compared with the sandbox's store."""

from __future__ import annotations

import io
import time

import pytest
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment, Organization, Ticket, User
from zenpy.lib.api_objects.help_centre_objects import Article
from zenpy.lib.exception import APIException, RecordNotFoundException

from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

LIVE = "json_extract(doc, '$.status') != 'deleted'"


def store_ids(sandbox: ZendeskSandbox, collection: str, where: str = "") -> set[int]:
    return {doc["id"] for doc in sandbox.store.query(collection, where)}


def finished(zenpy: Zenpy, job_id: str) -> object:
    """Poll a job the way zenpy's docs do until it completes."""
    for _ in range(10):
        job = zenpy.job_status(id=job_id)
        if job.status in ("completed", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_list_and_paginate(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    # cursor pages of 3 (page[size]) and offset pages (page/per_page) list the same tickets
    by_cursor = [t.id for t in zenpy.tickets(cursor_pagination=3)]
    by_offset = [t.id for t in zenpy.tickets(cursor_pagination=False)]
    assert set(by_cursor) == set(by_offset) == store_ids(sandbox, "tickets", LIVE)
    assert len(by_cursor) == len(set(by_cursor))
    users = {u.id for u in zenpy.users()}
    assert users == store_ids(sandbox, "users", "json_extract(doc, '$.active') = 1")
    assert {o.name for o in zenpy.organizations()} == {
        d["name"] for d in sandbox.store.query("organizations")}
    me = zenpy.users.me()
    assert me.role == "admin" and me.email == sandbox.credentials()["email"]


def test_incremental_exports(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    every = store_ids(sandbox, "tickets")
    by_time = {t.id for t in zenpy.tickets.incremental(start_time=0, paginate_by_time=True)}
    by_cursor = {t.id for t in zenpy.tickets.incremental(start_time=0)}
    assert by_time == by_cursor == every
    users = {u.id for u in zenpy.users.incremental(start_time=0, paginate_by_time=True)}
    assert users == store_ids(sandbox, "users")
    assert {u.id for u in zenpy.users.incremental(start_time=0)} == users


def test_ticket_export_in_generated_timestamp_order(zenpy: Zenpy, sandbox: ZendeskSandbox
                                                   ) -> None:
    # Zendesk's export reference: tickets come ordered by generated_timestamp, which any
    # change moves on, and a comment's event is never later than its ticket's stamp (what the
    # connector's in-step read of tickets and their comments rests on)
    first = next(t for t in zenpy.tickets.incremental(start_time=0) if t.status != "closed")
    ticket = zenpy.tickets(id=first.id)
    ticket.comment = Comment(body="Moved to the end of the export", public=False)
    zenpy.tickets.update(ticket)
    exported = list(zenpy.tickets.incremental(start_time=0))
    stamps = [t.generated_timestamp for t in exported]
    assert stamps == sorted(stamps) and exported[-1].id == first.id
    events = [e for e in zenpy.tickets.events(start_time=0, include="comment_events")
              if e.ticket_id == first.id]
    assert events and max(e.timestamp for e in events) <= exported[-1].generated_timestamp


def test_create_the_readme_way_update_and_delete(zenpy: Zenpy, sandbox: ZendeskSandbox
                                                 ) -> None:
    audit = zenpy.tickets.create(Ticket(subject="Important", description="Thing"))
    ticket = audit.ticket
    me = zenpy.users.me()
    assert ticket.requester_id == me.id  # no requester: the API user
    assert [c.body for c in zenpy.tickets.comments(ticket=ticket.id)] == ["Thing"]
    ticket.comment = Comment(body="Important private comment", public=False)
    ticket.status = "pending"
    zenpy.tickets.update(ticket)
    comments = list(zenpy.tickets.comments(ticket=ticket.id))
    assert [(c.body, c.public) for c in comments] == [("Thing", True),
                                                     ("Important private comment", False)]
    assert zenpy.tickets(id=ticket.id).status == "pending"
    zenpy.tickets.delete(ticket)
    with pytest.raises(RecordNotFoundException):
        zenpy.tickets(id=ticket.id)


def test_requester_by_name_and_email(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    def robin() -> User:  # zenpy sends only what changed in an object it already sent
        return User(name="Robin Reader", email="robin.reader@example.org")

    first = zenpy.tickets.create(Ticket(description="Hello", requester=robin())).ticket
    again = zenpy.tickets.create(Ticket(description="Again", requester=robin())).ticket
    requester = zenpy.users(id=first.requester_id)
    assert (requester.name, requester.email, requester.role) == (
        "Robin Reader", "robin.reader@example.org", "end-user")
    assert again.requester_id == first.requester_id  # found, not created twice


def test_bulk_jobs(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    job = zenpy.tickets.create([Ticket(subject=f"Bulk {n}", description=f"Body {n}")
                                for n in range(3)])
    results = finished(zenpy, job.id).results
    assert [r.index for r in results] == [0, 1, 2]
    assert [zenpy.tickets(id=r.id).subject for r in results] == ["Bulk 0", "Bulk 1", "Bulk 2"]
    job = zenpy.users.create([User(name="Bulk One", email="bulk.one@example.org"),
                              User(name="Bulk Two", email="not an email")])
    first, second = finished(zenpy, job.id).results
    assert first.status == "Created" and not hasattr(first, "index")
    assert zenpy.users(id=first.id).email == "bulk.one@example.org"
    assert second.status == "Failed" and second.error == "RecordInvalid"


def test_jobs_polled_together_with_show_many(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    # zenpy's job_status(ids=[...]) asks /job_statuses/show_many, as the target polls the
    # jobs it has in flight: one answer per job asked, each poll counted by every job in it
    jobs = [zenpy.tickets.create([Ticket(subject=f"Many {n}", description="Body")]).id
            for n in range(2)]
    seen = [zenpy.job_status(ids=jobs)["job_statuses"] for _ in range(2)]
    assert [[j.id for j in poll] for poll in seen] == [jobs, jobs]
    assert [[j.status for j in poll] for poll in seen] == [["working"] * 2, ["completed"] * 2]
    assert [len(j.results) for j in seen[1]] == [1, 1]


def test_uploads(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    upload = zenpy.attachments.upload(io.BytesIO(b"log line 1\n"), target_name="crash.log")
    ticket = Ticket(subject="With a file", comment=Comment(body="See the log",
                                                           uploads=[upload.token]))
    created = zenpy.tickets.create(ticket).ticket
    [comment] = zenpy.tickets.comments(ticket=created.id)
    [attachment] = comment.attachments
    assert attachment.file_name == "crash.log"
    assert attachment.size == len(b"log line 1\n")


def test_search_and_search_export(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    open_ids = {d["id"] for d in sandbox.store.query(
        "tickets", "json_extract(doc, '$.status') = 'open'")}
    assert open_ids, "the seed has open tickets"
    assert {t.id for t in zenpy.search(type="ticket", status="open")} == open_ids
    assert {t.id for t in zenpy.search_export(type="ticket", status="open")} == open_ids
    email = sandbox.store.query("users", "json_extract(doc, '$.role') = 'end-user'")[0]["email"]
    assert [u.email for u in zenpy.search(type="user", email=email)] == [email]


def test_tags_and_audits(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    ticket = zenpy.tickets.create(Ticket(subject="Tags", description="Tag me",
                                         tags=["one"])).ticket
    zenpy.tickets.add_tags(ticket.id, ["two", "three"])
    assert sorted(zenpy.tickets(id=ticket.id).tags) == ["one", "three", "two"]
    zenpy.tickets.delete_tags(ticket.id, ["one"])
    assert sorted(zenpy.tickets(id=ticket.id).tags) == ["three", "two"]
    assert sorted(str(t) for t in zenpy.tickets.tags(ticket.id)) == ["three", "two"]
    ticket.comment = Comment(body="A second message", public=True)
    zenpy.tickets.update(ticket)
    audits = list(zenpy.tickets.audits(ticket=ticket.id))
    bodies = [e["body"] for a in audits for e in a.events if e["type"] == "Comment"]
    assert bodies == ["Tag me", "A second message"]


def test_update_users_and_organizations(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    user = zenpy.users.create(User(name="Change Me", email="change.me@example.org"))
    user.name = "Changed"
    user.phone = "+1-555-0100"
    zenpy.users.update(user)
    again = zenpy.users(id=user.id)
    assert (again.name, again.phone) == ("Changed", "+1-555-0100")
    org = zenpy.organizations.create(Organization(name="Rename Ltd"))
    org.notes = "renamed"
    org.name = "Renamed Ltd"
    zenpy.organizations.update(org)
    assert zenpy.organizations(id=org.id).name == "Renamed Ltd"
    taken = zenpy.organizations.create(Organization(name="Taken Ltd"))
    taken.name = "Renamed Ltd"
    with pytest.raises(APIException):
        zenpy.organizations.update(taken)


def test_help_center(zenpy: Zenpy, sandbox: ZendeskSandbox) -> None:
    categories = list(zenpy.help_center.categories())
    sections = list(zenpy.help_center.sections())
    articles = list(zenpy.help_center.articles())
    assert {a.id for a in articles} == store_ids(sandbox, "articles")
    assert {s.category_id for s in sections} <= {c.id for c in categories}
    section = sections[0]
    created = zenpy.help_center.articles.create(
        section=section, article=Article(title="How to", body="<p>Steps</p>", locale="en-us",
                                         user_segment_id=None,
                                         permission_group_id=articles[0].permission_group_id))
    assert zenpy.help_center.articles(id=created.id).title == "How to"


def test_group_memberships_of_a_user_listed_added_and_deleted(zenpy: Zenpy,
                                                              sandbox: ZendeskSandbox) -> None:
    from zenpy.lib.api_objects import Group, GroupMembership
    agent = zenpy.users.create(User(name="Mia", email="mia@members.example", role="agent"))
    group = zenpy.groups.create(Group(name="Tier 3"))
    added = zenpy.group_memberships.create(GroupMembership(user_id=agent.id,
                                                           group_id=group.id))
    assert [(m.id, m.group_id) for m in zenpy.users.group_memberships(user=agent.id)] == [
        (added.id, group.id)]
    zenpy.group_memberships.delete(added)
    assert list(zenpy.users.group_memberships(user=agent.id)) == []


def test_user_identities_created_with_the_user_listed_and_added(zenpy: Zenpy) -> None:
    from zenpy.lib.api_objects import Identity

    user = zenpy.users.create(User(name="Two Mails", email="two@mails.example", identities=[
        {"type": "email", "value": "Second@Mails.example"}]))
    listed = list(zenpy.users.identities(id=user.id))
    assert [(i.type, i.value, i.primary) for i in listed] == [
        ("email", "two@mails.example", True), ("email", "second@mails.example", False)]
    added = zenpy.users.identities.create(user, Identity(type="email", value="third@mails.example"))
    assert (added.user_id, added.primary) == (user.id, False)
    assert zenpy.users.identities.show(user, added.id).value == "third@mails.example"
    with pytest.raises(APIException):  # an email belongs to one user only
        zenpy.users.create(User(name="Copy", email="second@mails.example"))


def test_users_listed_by_role_as_the_target_lists_its_agents(zenpy: Zenpy,
                                                            sandbox: ZendeskSandbox) -> None:
    # zenpy sends role=[...] as role[]=agent&role[]=admin, the listing the target matches
    # agents from by email
    zenpy.users.create(User(name="Ann Agent", email="ann@roles.example", role="agent"))
    zenpy.users.create(User(name="Ed User", email="ed@roles.example", role="end-user"))
    listed = {u.id: u.role for u in zenpy.users(role=["agent", "admin"])}
    stored = {doc["id"]: doc["role"] for doc in sandbox.store.query("users")
              if doc.get("role") in ("agent", "admin") and doc.get("active", True)}
    assert listed == stored
    assert "end-user" not in listed.values() and "agent" in listed.values()

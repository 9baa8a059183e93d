"""Zendesk target faults that cost one record nothing more: one file that cannot be copied
is a warning on its ticket, as on every target; an agent found after a lost answer gets
the groups the interruption left out."""

from __future__ import annotations

from pathlib import Path

from zendesk_support import MapContext, connection, sandbox

from deskmigrate.core.errors import ApiError
from deskmigrate.core.records import Agent, Attachment, Comment, Group, Ticket
from deskmigrate.plugins.zendesk.platform import ZendeskPlatform


def test_one_unreadable_attachment_is_a_warning_and_the_ticket_is_written(
        tmp_path: Path) -> None:
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    target = ZendeskPlatform().target(connection(app))
    ctx = MapContext(default_agent=target.check().id or "")

    def refused() -> bytes:
        raise ApiError("the attachment host answered 403")

    ticket = Ticket(source_id="7", subject="With a file", requester_id=None, comments=[
        Comment(source_id="7-1", author_id=None, body_html="<p>see attached</p>",
                attachments=[Attachment(source_id="f1", file_name="scan.pdf",
                                        content_type="application/pdf", size=10,
                                        fetch=refused)])])
    [result] = target.write("ticket", [ticket], ctx)
    assert result.target_id and result.error is None
    assert any("scan.pdf" in w and "not copied" in w for w in result.warnings)
    app.store.close()


def test_finding_an_agent_after_a_lost_answer_completes_its_groups(tmp_path: Path) -> None:
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    target = ZendeskPlatform().target(connection(app))
    ctx = MapContext(default_agent=target.check().id or "")
    [group] = target.write("group", [Group(source_id="g1", name="Tier 2")], ctx)
    ctx.ids[("group", "g1")] = group.target_id or ""
    agent = Agent(source_id="a1", name="Ann", email="ann@tier2.example", group_ids=["g1"])
    # the create landed (with its stamp), then the answer was lost: no membership yet
    created = target.api.http.request("POST", "api/v2/users.json", json={"user": {
        "name": "Ann", "email": "ann@tier2.example", "role": "agent",
        "external_id": ctx.external_id("agent", "a1")}}).json()["user"]
    found = target.find("agent", agent, ctx)
    assert found is not None and (found.target_id, found.owned) == (str(created["id"]), True)
    assert [(c.kind, c.source_id, c.owned) for c in found.children] == [
        ("group_membership", "a1/g1", True)]  # the run's: rollback removes it
    memberships = target.api.get("api/v2/group_memberships.json")["group_memberships"]
    assert {(m["user_id"], str(m["group_id"])) for m in memberships} >= {
        (created["id"], group.target_id)}
    assert target.find("agent", agent, ctx) is not None  # a second look adds nothing twice
    assert ctx.warnings == []
    app.store.close()


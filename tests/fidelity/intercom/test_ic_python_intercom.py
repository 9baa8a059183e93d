"""python-intercom 5.x, Intercom's own Python SDK, drives the sandbox as its docs show:
pagers follow ``pages.next.starting_after``, search nests filters, replies and notes keep
their created_at, the companies scroll ends, and errors come back as the SDK's exceptions."""

from __future__ import annotations

import pytest
from intercom import (
    AdminReplyConversationRequest,
    ContactReplyIntercomUserIdRequest,
    CreateContactRequestWithEmail,
    Intercom,
    MultipleFilterSearchRequest,
    SingleFilterSearchRequest,
    StartingAfterPaging,
)
from intercom.conversations import CreateConversationRequestFrom
from intercom.core.api_error import ApiError


def test_pagers_walk_every_conversation_and_contact(ic: Intercom, sandbox):
    conversations = list(ic.conversations.list(per_page=5))
    assert [c.id for c in conversations] == [str(d["id"])
                                             for d in sandbox.store.query("conversations")]
    contacts = list(ic.contacts.list(per_page=7))
    assert len({c.id for c in contacts}) == sandbox.store.count("contacts")


def test_search_with_nested_filters(ic: Intercom, sandbox):
    query = MultipleFilterSearchRequest(operator="AND", value=[  # (1 OR 2) AND (3 OR 4)
        MultipleFilterSearchRequest(operator="OR", value=[
            SingleFilterSearchRequest(field="created_at", operator=">", value="1306054154"),
            SingleFilterSearchRequest(field="updated_at", operator=">", value="1306054154")]),
        MultipleFilterSearchRequest(operator="OR", value=[
            SingleFilterSearchRequest(field="state", operator="=", value="closed"),
            SingleFilterSearchRequest(field="priority", operator="=", value="priority")])])
    # python-intercom 5.0.1's search pager sends the first page's request again for the
    # next page (it drops starting_after): page with the cursor by hand, as its docs allow.
    found, cursor = [], None
    while True:
        page = ic.conversations.search(query=query, pagination=StartingAfterPaging(
            per_page=3, starting_after=cursor))
        found += page.items
        following = page.response.pages.next if page.response.pages else None
        if following is None or not following.starting_after:
            break
        cursor = following.starting_after
    expected = [str(d["id"]) for d in sandbox.store.query("conversations")
                if d["state"] == "closed" or d.get("priority") == "priority"]
    assert sorted(c.id for c in found) == sorted(expected) and expected


def test_detail_parts_and_first_message(ic: Intercom, sandbox):
    conversation = ic.conversations.find(conversation_id="2")
    stored = sandbox.store.get("conversations", 2)
    assert conversation.source.body == stored["source"]["body"]
    assert conversation.priority == stored["priority"]  # read-only in 2.14: the SDK's enum
    parts = conversation.conversation_parts.conversation_parts
    assert [p.part_type for p in parts] == [p["part_type"] for p in stored["parts"]]


def test_create_reply_and_note_keep_created_at(ic: Intercom, sandbox):
    contact = ic.contacts.create(request=CreateContactRequestWithEmail(
        email="fidelity@example.com", name="Fidelity"))
    message = ic.conversations.create(
        from_=CreateConversationRequestFrom(type="user", id=contact.id), body="Hello there",
        created_at=1_600_000_000)
    cid = message.conversation_id
    ic.conversations.reply(conversation_id=cid, request=ContactReplyIntercomUserIdRequest(
        body="Thanks again :)", intercom_user_id=contact.id, created_at=1_600_000_100))
    admin = sandbox.store.meta("owner")
    after = ic.conversations.reply(conversation_id=cid, request=AdminReplyConversationRequest(
        message_type="note", admin_id=admin, body="<p>Internal</p>",
        created_at=1_600_000_200))
    parts = after.conversation_parts.conversation_parts
    assert [(p.part_type, p.created_at) for p in parts] == [("comment", 1_600_000_100),
                                                            ("note", 1_600_000_200)]
    assert after.created_at == 1_600_000_000


def test_companies_scroll_to_the_end(ic: Intercom, sandbox):
    names = [c.name for c in ic.companies.scroll()]
    assert len(names) == len(set(names)) == sandbox.store.count("companies")


def test_workspace_lists(ic: Intercom, sandbox):
    assert len(ic.admins.list().admins) == sandbox.store.count("admins")
    assert {t.name for t in ic.tags.list().data} >= {"billing", "vip"}
    articles = list(ic.articles.list())
    assert len(articles) == sandbox.store.count("articles")
    assert "fr" in articles[0].translated_content.model_dump(exclude_none=True)


def test_errors_are_the_sdks_exceptions(ic: Intercom, served):
    with pytest.raises(ApiError) as missing:
        ic.conversations.find(conversation_id="999999")
    assert missing.value.status_code == 404
    assert missing.value.body["errors"][0]["code"] == "not_found"
    stranger = Intercom(token="wrong", base_url=served, headers={"Intercom-Version": "2.14"})
    with pytest.raises(ApiError) as refused:
        stranger.admins.list()
    assert refused.value.status_code == 401

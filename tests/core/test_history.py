"""The helpers for targets that cannot keep history."""

from __future__ import annotations

from datetime import UTC, datetime

from deskmigrate.core.history import (
    origin_html,
    origin_text,
    person,
    side_conversation_notes,
)
from deskmigrate.core.records import Comment, SideConversation

WHEN = datetime(2024, 3, 1, 10, 22, tzinfo=UTC)


def test_person_and_origin_line():
    assert person("Ann Lee", "ann@x.test") == "Ann Lee <ann@x.test>"
    assert person("", "ann@x.test") == "ann@x.test" and person(None, None) == ""
    assert origin_text(person("Ann Lee", "ann@x.test"), WHEN) == (
        "Originally posted by Ann Lee <ann@x.test> on 2024-03-01 10:22 UTC")
    assert origin_text(None, None) == "Originally posted by an unknown user on an unknown date"


def test_origin_html_escapes_the_name():
    assert origin_html("<b>Eve</b> <e@x.test>", WHEN) == (
        '<p class="deskmigrate-origin"><em>Originally posted by &lt;b&gt;Eve&lt;/b&gt; '
        "&lt;e@x.test&gt; on 2024-03-01 10:22 UTC</em></p>")


def test_side_conversation_notes_are_private_and_say_where_they_came_from():
    conversation = SideConversation(source_id="7", subject="Ask <billing>",
                                    participants=["b@x.test", "c@x.test"], messages=[
        Comment(source_id="m1", author_id="a1", body_html="<p>Refund?</p>", created_at=WHEN),
        Comment(source_id="m2", author_id="a2", body_html="", body_text="Yes & done",
                created_at=WHEN)])
    notes = side_conversation_notes(conversation)
    assert [n.source_id for n in notes] == ["side-7-m1", "side-7-m2"]
    assert all(not n.public and n.channel == "side_conversation" for n in notes)
    assert notes[0].body_html == ("<p><em>Side conversation “Ask &lt;billing&gt;” with "
                                  "b@x.test, c@x.test</em></p><p>Refund?</p>")
    assert notes[1].body_html.endswith("<p>Yes &amp; done</p>")  # built from the text

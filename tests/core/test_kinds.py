"""The registry of record kinds: built-in kinds in the brief's dependency order, and one
clear sentence for a registration that would break a run."""

from __future__ import annotations

import pytest

from deskmigrate.core import host
from deskmigrate.core.builtin_kinds import KINDS
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.kinds import Kinds, KindSpec
from deskmigrate.core.records import Agent, Contact, KbArticle, Ticket


def test_the_built_in_kinds_come_in_dependency_order():
    kinds = host.kinds(host.new_plugin_manager())
    assert kinds.order[:9] == ("field", "group", "agent", "company", "contact", "ticket",
                               "kb_category", "kb_folder", "kb_article")
    assert kinds.people == ("agent", "contact")
    assert "field" not in kinds.billable and "ticket" in kinds.billable
    assert kinds.with_demo("sample") == ("ticket",)
    assert kinds["ticket"].children == ("comment", "side_conversation")


@pytest.mark.parametrize(("extra", "sentence"), [
    (KindSpec("ticket", Ticket, order=61), "Two plugins register the record kind 'ticket'"),
    (KindSpec("macro", Agent, order=65), "registered with the record type Agent, whose kind "
                                         "is 'agent'"),
    (KindSpec("kb_article", KbArticle, order=95, references=("sla",)), "'sla', which is not"),
    (KindSpec("contact", Contact, order=50, references=("ticket",)),
     "references 'ticket', which is not a kind registered before it"),
    (KindSpec("kb_article", KbArticle, order=95, demo="sample"),
     "Only one record kind can be a demo's sample"),
])
def test_a_bad_registration_is_refused_in_one_sentence(extra, sentence):
    """``extra`` replaces the built-in kind of its name (or is added)."""
    specs = [s for s in KINDS if s.name != extra.name or extra.name == "ticket"]
    with pytest.raises(DeskmigrateError, match=sentence):
        Kinds([*specs, extra])

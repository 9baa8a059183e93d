"""deskmigrate's own record kinds, registered through ``register_kinds`` exactly as a
plugin registers a new one. Dependency order: fields, groups, agents, companies, contacts,
tickets (with their comments and side conversations), then the knowledge base."""

from __future__ import annotations

from collections.abc import Callable

from .hookspecs import hookimpl
from .kinds import KindSpec
from .records import (
    Agent,
    Company,
    Contact,
    FieldDefinition,
    Group,
    KbArticle,
    KbCategory,
    KbFolder,
    Ticket,
)

KINDS = (
    KindSpec("field", FieldDefinition, order=10, billable=False),
    KindSpec("group", Group, order=20),
    KindSpec("agent", Agent, order=30, references=("group",), person=True),
    KindSpec("company", Company, order=40, demo="linked"),
    KindSpec("contact", Contact, order=50, references=("company",), person=True,
             demo="linked"),
    KindSpec("ticket", Ticket, order=60, references=("group", "agent", "company", "contact"),
             children=("comment", "side_conversation"), demo="sample"),
    KindSpec("kb_category", KbCategory, order=70),
    KindSpec("kb_folder", KbFolder, order=80, references=("kb_category",)),
    KindSpec("kb_article", KbArticle, order=90, references=("kb_folder", "agent", "contact"),
             demo="few"),
)


@hookimpl
def register_kinds(register: Callable[[KindSpec], None]) -> None:
    for spec in KINDS:
        register(spec)

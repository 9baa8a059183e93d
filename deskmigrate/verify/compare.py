"""Comparing the view of a source record with the view of its copy in the target: the
fields that differ, each marked expected when the target's documented capabilities say it
cannot keep that field as the source had it. A capability only ever excuses what the target
could not keep — a field absent, a status it does not have, a person it lacks, a priority,
type or group it has no place for — never a value it holds changed: a file altered, a tag or
a message removed, a tag added are always errors."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ..core.connector import Capabilities


@dataclass(frozen=True)
class Rules:
    """What the target is known not to keep: its capabilities, and the person standing in
    (its default agent) for the source's people it does not have (``absent``)."""

    caps: Capabilities
    stand_in: str | None = None
    absent: frozenset[str] | set[str] = frozenset()
    ignore: frozenset[str] = frozenset()  # what the run's options left out: "attachments"
    added_tags: frozenset[str] = frozenset()  # the tags the run's options added (add_tag)


# A ticket's single values a target without them reads back as its own default (not None):
# a target that declares one ``lossy`` is excused whatever it shows.
DEFAULTED = ("priority", "type", "group")


@dataclass(frozen=True)
class Difference:
    field: str  # "status", "tag vip", "comment 2 body", "comment 3 attachment a.png", ...
    source: Any
    target: Any
    expected: str = ""  # why the target cannot keep it (its capabilities); "" = an error


def expected_reason(kind: str, field: str, source: Any, target: Any, rules: Rules) -> str:
    """Why the target cannot keep ``field`` of a ``kind`` record as the source had it, or ""."""
    caps = rules.caps
    leaf = field.rsplit(" ", 1)[-1]
    if leaf == "created_at" and not caps.keeps_timestamps:
        return "the target sets its own creation times"
    if leaf == "author" and not caps.keeps_authors:
        return "the target writes every message as the migrating account"
    if leaf in ("author", "assignee", "requester") and source in rules.absent and \
            target in (rules.stand_in, None):
        return "the person is not in the target; the default agent stands in (or nobody)"
    if field == "status" and caps.ticket_statuses and source not in caps.ticket_statuses:
        return f"the target has no '{source}' status"
    if field in DEFAULTED and source is None:
        return f"the source has no {field}; the target sets its own"
    if field in DEFAULTED and f"{kind}.{field}" in caps.lossy:
        return f"the target cannot keep the {field} (see the platform's docs)"
    if field.startswith("cc ") and source in rules.absent:
        return "the person is not in the target"
    if target is not None:
        return ""
    if " attachment " in f" {field}":
        size = source[1] if isinstance(source, list | tuple) else 0
        if caps.max_attachment_bytes and size > caps.max_attachment_bytes:
            return "larger than the target's attachment size limit"
        family = "comment.attachments" if field.startswith("comment ") else f"{kind}.attachments"
    elif field.startswith(("tag ", "cc ")):
        family = f"{kind}.{field.split(' ')[0]}s"  # "tag vip" -> contact.tags
    else:
        family = f"{kind}.{field.split('.')[0]}"
    return "the target cannot keep it (see the platform's docs)" if family in caps.lossy else ""


def compare(kind: str, source: dict[str, Any], target: dict[str, Any], rules: Rules
            ) -> list[Difference]:
    """Every field of ``source`` that ``target`` does not have the same. Tags, CCs and
    custom fields are checked one by one; a tag only the target has is ``unexpected tag``,
    unless the migration put it there (the ``add_tag`` option, the target's own markers)."""
    out: list[Difference] = []
    for name, want in source.items():
        got = target.get(name)
        if name in rules.ignore:
            continue
        if name == "comments":
            out += _comments(kind, want, got or [], rules)
        elif name == "attachments":
            out += _attachments(kind, "", want, got or [], rules)
        elif name == "tags":
            out += [_diff(kind, f"tag {tag}", tag, None, rules) for tag in want
                    if tag not in (got or [])]
            out += [Difference(f"unexpected tag {tag}", None, tag) for tag in got or []
                    if tag not in want and not _own_tag(tag, rules)]
        elif name == "ccs":
            out += [_diff(kind, f"cc {cc}", cc, None, rules) for cc in want
                    if cc not in (got or [])]
        elif name == "custom_fields":
            out += [_diff(kind, f"custom_fields.{key}", value, (got or {}).get(key), rules)
                    for key, value in want.items() if (got or {}).get(key) != value]
        elif name == "body" and isinstance(want, str) and isinstance(got, str):
            if want not in got:  # a target may add a header line around the words
                out.append(_diff(kind, name, want, got, rules))
        elif want != got:
            out.append(_diff(kind, name, want, got, rules))
    return out


def _own_tag(tag: str, rules: Rules) -> bool:
    """A tag the migration itself puts on the target's records: the ``add_tag`` option's,
    or one of the target's own (its ``Capabilities.own_tags`` patterns)."""
    return tag in rules.added_tags or any(fnmatchcase(tag, p) for p in rules.caps.own_tags)


def _diff(kind: str, name: str, want: Any, got: Any, rules: Rules) -> Difference:
    return Difference(name, want, got, expected_reason(kind, name, want, got, rules))


def _comments(kind: str, source: list[dict[str, Any]], target: list[dict[str, Any]],
              rules: Rules) -> list[Difference]:
    """Pair the messages by their words, then the rest in order with a target message that
    may be theirs (``_may_be``); a source message with no partner is missing, a target
    message with none unexpected. A file may have moved to another message of the ticket
    (a target whose first message takes no files)."""
    pairs: dict[int, int] = {}
    free = list(range(len(target)))
    for i, comment in enumerate(source):
        match = next((j for j in free if comment["body"] and comment["body"] in
                      target[j]["body"]), None)
        if match is not None:
            pairs[i] = match
            free.remove(match)
    for i in [i for i in range(len(source)) if i not in pairs]:
        match = next((j for j in free if _may_be(source[i], target[j])), None)
        if match is not None:
            pairs[i] = match
            free.remove(match)
    files = [tuple(a) for c in target for a in c["attachments"]]
    out: list[Difference] = []
    for i, comment in enumerate(source):
        label = f"comment {i + 1}"
        if i not in pairs:
            out.append(Difference(label, comment["body"][:80], None))
            continue
        other = target[pairs[i]]
        for name in ("body", "author", "public", "created_at"):
            want, got = comment[name], other[name]
            if name == "body" and want in got:
                continue
            if want != got:
                out.append(_diff(kind, f"{label} {name}", want, got, rules))
        if "attachments" in rules.ignore:
            continue
        moved = [a for a in comment["attachments"] if tuple(a) in files]
        out += _attachments(kind, f"{label} ", [a for a in comment["attachments"]
                                                if a not in moved],
                            [*other["attachments"], *files], rules)
    carried = {tuple(a) for c in source for a in c["attachments"]}
    out += [Difference(f"unexpected comment {j + 1}", None, target[j]["body"][:80])
            for j in free if not target[j]["attachments"]
            or not {tuple(a) for a in target[j]["attachments"]} <= carried]
    return out


def _may_be(comment: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether a target message whose words differ may still be this source message (its
    words changed): it has words, is as public, and holds none of another message's files
    (a note the target made for files that moved there is not the message)."""
    own = {tuple(a) for a in comment["attachments"]}
    return bool(other["body"]) and other["public"] == comment["public"] and all(
        tuple(a) in own for a in other["attachments"])


def _attachments(kind: str, prefix: str, source: list[Any], target: list[Any], rules: Rules
                 ) -> list[Difference]:
    """``(file name, size, sha256)``: a changed hash is an altered file (the target's
    first file of that name counts), a name gone a missing one."""
    out = []
    got = {tuple(a) for a in target}
    hashes: dict[str, str] = {}
    for a in target:
        hashes.setdefault(a[0], a[2])
    for name, size, sha in (tuple(a) for a in source):
        if (name, size, sha) in got:
            continue
        out.append(_diff(kind, f"{prefix}attachment {name}", (sha[:12], size),
                         hashes[name][:12] if name in hashes else None, rules))
    return out

"""What a target cannot keep of what a source has, read off both platforms' capabilities:
said up front (``platforms``, ``check``) and counted in each run's report."""

from __future__ import annotations

from dataclasses import dataclass

from .connector import Capabilities
from .errors import DeskmigrateError


@dataclass(frozen=True)
class Loss:
    """One thing the target cannot keep, and the record kinds it touches."""

    key: str
    what: str  # a sentence without its final full stop
    kinds: tuple[str, ...]
    option: str | None = None  # the option whose usage counts the records, if any
    counted: bool = True  # False: which records it touches is not known (None in reports)


def losses(source: str, source_caps: Capabilities, target: str, target_caps: Capabilities
           ) -> list[Loss]:
    """What migrating from ``source`` into ``target`` cannot keep."""
    found = []
    if not target_caps.keeps_timestamps:
        found.append(Loss("timestamps", f"{target} sets its own created times on tickets and "
                          "comments; the original time is kept in the text", ("ticket",)))
    if not target_caps.keeps_authors:
        found.append(Loss("authors", f"{target} posts every comment as the migrating account; "
                          "the original author is named in the text", ("ticket",)))
    if source_caps.side_conversations and not target_caps.side_conversations:
        found.append(Loss("side_conversations", f"{target} has no side conversations: with "
                          "the side_conversations option they become private notes, without "
                          "it they are left out", ("ticket",), option="side_conversations"))
    if source_caps.kb_translations and not target_caps.kb_translations:
        found.append(Loss("kb_translations", f"{target} keeps one language per knowledge-base "
                          "article: translations are left out", ("kb_article",)))
    for item in target_caps.lossy:  # "ticket.custom_fields": the plugin says it cannot keep it
        kind, _, part = item.partition(".")
        found.append(Loss(f"lossy:{item}", f"{target} cannot keep the "
                          f"{part.replace('_', ' ')} of {kind.replace('_', ' ')} records",
                          ("ticket",) if kind == "comment" else (kind,), counted=False))
    missing = tuple(k for k in source_caps.source_kinds if k not in target_caps.target_kinds)
    if missing:
        found.append(Loss("kinds", f"{target} takes no {', '.join(missing)} records: they "
                          "are left out", missing))
    return found


def affected(found: list[Loss], records: dict[str, dict[str, int]],
             options: dict[str, int]) -> list[dict[str, object]]:
    """Each loss with the number of records of the run it touched: migrated records of its
    kinds, the records its option changed, or (kinds left out) those the source counted;
    None when which records it touched cannot be told."""
    rows: list[dict[str, object]] = []
    for loss in found:
        count: int | None
        if not loss.counted:
            count = None
        elif loss.option is not None:
            count = options.get(loss.option, 0)
        elif loss.key == "kinds":
            count = sum(records.get(k, {}).get("total", 0) for k in loss.kinds)
        else:
            count = sum(records.get(k, {}).get("migrated", 0) for k in loss.kinds)
        rows.append({"key": loss.key, "what": loss.what, "kinds": list(loss.kinds),
                     "records": count})
    return rows


def of_run(source: str | None, target: str | None, mode: str,
           records: dict[str, dict[str, int]], options: dict[str, int]) -> dict[str, object]:
    """The summary's ``cannot_keep`` (each loss and the records it touched) and, for a
    delta, ``not_updated``: the kinds it did not select because the target cannot update
    them (their new records are still created)."""
    from . import host  # the summary of a run whose plugin is gone still reads

    try:
        sp, tp = host.platform(source or ""), host.platform(target or "")
    except DeskmigrateError:
        return {"cannot_keep": [], "not_updated": None}
    rows = affected(losses(sp.name, sp.capabilities, tp.name, tp.capabilities), records,
                    options)
    kinds = tp.capabilities.update_kinds
    fixed = [k for k in host.kinds().order if kinds is not None and k not in kinds
             and k in sp.capabilities.source_kinds and k in tp.capabilities.target_kinds]
    not_updated = {"kinds": fixed, "reason": f"the {tp.name} target cannot update them; "
                   "a delta creates their new records only"} if mode == "delta" else None
    return {"cannot_keep": rows, "not_updated": not_updated}

"""The run report as one self-contained HTML page, from the Jinja2 template
``templates/report.html`` (autoescaped): records listed per kind in pages of
:data:`PAGE_SIZE`, switched by links with no script."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import state as st

PAGE_SIZE = 50
_env = Environment(loader=PackageLoader("deskmigrate.core", "templates"),
                   autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


def render(report: dict[str, Any], page_size: int = PAGE_SIZE) -> str:
    """``report`` (:func:`deskmigrate.core.report.build`) as HTML."""
    by_status: dict[str, dict[str, list[dict[str, Any]]]] = {
        status: {} for status in (st.FAILED, st.SKIPPED, st.MIGRATED, st.PENDING)}
    for row in report["outcomes"]:
        by_status.setdefault(row["status"], {}).setdefault(row["kind"], []).append(row)
    migrated = {kind: [rows[i:i + page_size] for i in range(0, len(rows), page_size)]
                for kind, rows in by_status[st.MIGRATED].items()}
    return _env.get_template("report.html").render(
        r=report, failed=by_status[st.FAILED], skipped=by_status[st.SKIPPED],
        pending=by_status[st.PENDING], migrated=migrated, page_size=page_size)

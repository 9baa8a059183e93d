"""The verification report as CSV (one row per difference, or per record without one) and
as one self-contained HTML page (autoescaped Jinja2) an operator can hand the customer."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

COLUMNS = ("kind", "source_id", "target_id", "status", "field", "source", "target", "expected")
_env = Environment(loader=PackageLoader("deskmigrate.verify", "templates"),
                   autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)


def to_csv(result: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in result["records"]:
        base = {k: row[k] for k in ("kind", "source_id", "target_id", "status")}
        found = row["differences"] + row["expected"]
        if not found:
            writer.writerow(base)
        for d in found:
            writer.writerow({**base, "field": d["field"], "source": _text(d["source"]),
                             "target": _text(d["target"]), "expected": d["expected"]})
    return buffer.getvalue()


def to_html(result: dict[str, Any]) -> str:
    problems = [r for r in result["records"] if r["status"] != "identical"]
    return _env.get_template("verify.html").render(r=result, problems=problems, text=_text)


def render(result: dict[str, Any], fmt: str) -> str:
    if fmt == "csv":
        return to_csv(result)
    if fmt == "html":
        return to_html(result)
    return json.dumps(result, indent=2, default=str)


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)

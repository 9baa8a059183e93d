"""Atlassian Document Format <-> HTML, through libraries: ``marklas`` converts ADF and
Markdown both ways, ``mistune`` renders Markdown as HTML, ``markdownify`` turns HTML into
Markdown; selectolax handles the few ADF-specific elements (media, mentions) and images."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from html import escape
from typing import Any

import marklas
import mistune
from markdownify import markdownify
from selectolax.lexbor import LexborHTMLParser, LexborNode

EMPTY_DOC: dict[str, Any] = {"type": "doc", "version": 1, "content": []}
BLOCKS = {"paragraph", "heading", "codeBlock", "blockquote", "listItem", "tableCell", "panel"}


def media_names(doc: Any) -> Iterator[str]:
    """The file names (``alt``) of every media node: the inline images of a body."""
    if isinstance(doc, dict):
        if doc.get("type") == "media":
            name = (doc.get("attrs") or {}).get("alt")
            if name:
                yield str(name)
        for child in doc.get("content") or []:
            yield from media_names(child)


def adf_to_html(doc: Any, images: Mapping[str, str] | None = None) -> str:
    """HTML of an ADF body; a media node whose file name is in ``images`` becomes an
    ``<img>`` with that URL, any other media node its file name."""
    if isinstance(doc, str):  # a v2-style plain text body
        return "".join(f"<p>{escape(p.strip())}</p>" for p in doc.split("\n\n") if p.strip())
    if not isinstance(doc, dict) or not doc.get("content"):
        return ""
    tree = LexborHTMLParser(str(mistune.html(marklas.to_md(doc))))
    for span in tree.css('[adf="media"]'):
        name = str(_params(span.attributes.get("params")).get("alt") or "")
        if images and name in images:
            span.replace_with(_element(f'<img src="{escape(images[name])}" '
                                       f'alt="{escape(name)}">', "img"))
        else:
            span.replace_with(name or "attachment")
    for element in tree.css("[adf]"):
        element.unwrap()
    return _inner(tree)


def html_to_adf(html: str) -> dict[str, Any]:
    """ADF of an HTML body; an ``<img>`` becomes a ``[image: name]`` link to where it was
    (Jira shows inline images only from its own media: an image that is a file of the
    comment travels as an attachment)."""
    tree = LexborHTMLParser(html or "")
    for img in tree.css("img"):
        src = str(img.attributes.get("src") or "")
        name = img.attributes.get("alt") or src.split("?", 1)[0].rsplit("/", 1)[-1] or "image"
        if src.startswith(("https://", "http://")):
            img.replace_with(_element(f'<a href="{escape(src)}">[image: {escape(name)}]</a>',
                                      "a"))
        else:
            img.replace_with(f"[image: {name}]")
    markdown = markdownify(_inner(tree), heading_style="ATX", escape_misc=True).strip()
    if not markdown:
        return dict(EMPTY_DOC)
    return marklas.to_adf(markdown)


def adf_text(doc: Any) -> str:
    """Plain text of an ADF body: its text nodes, blocks on their own lines."""
    if isinstance(doc, str):
        return doc.strip()
    lines: list[str] = []
    current: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "text":
            current.append(str(node.get("text", "")))
        elif kind == "hardBreak":
            current.append("\n")
        for child in node.get("content") or []:
            walk(child)
        if kind in BLOCKS and current:
            lines.append("".join(current).strip())
            current.clear()

    walk(doc)
    if current:
        lines.append("".join(current).strip())
    return "\n".join(line for line in lines if line)


def paragraph(text: str, *, italic: bool = True) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if italic:
        node["marks"] = [{"type": "em"}]
    return {"type": "paragraph", "content": [node]}


def _params(value: Any) -> dict[str, Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _element(markup: str, tag: str) -> LexborNode:
    """One element built from trusted, escaped markup."""
    node = LexborHTMLParser(markup).css_first(tag)
    if node is None:  # pragma: no cover - the markup names the tag
        raise ValueError(f"no <{tag}> in {markup!r}")
    return node


def _inner(tree: LexborHTMLParser) -> str:
    return str(tree.body.inner_html or "").strip() if tree.body is not None else ""

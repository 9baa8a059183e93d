"""Error bodies made fit for one sentence: secrets masked, an HTML page (a proxy's or a
load balancer's) reduced to its title or heading, everything on one line."""

from __future__ import annotations

import httpx
from selectolax.lexbor import LexborHTMLParser

from .logs import scrub

MAX_CHARS = 200


def one_line(text: str) -> str:
    return " ".join(text.split())


def is_html(response: httpx.Response) -> bool:
    """An HTML page (a login page, a proxy's error); only the first bytes are looked at."""
    start = response.content[:64].lstrip().lower()
    return "html" in response.headers.get("content-type", "") or start.startswith(
        (b"<!doctype", b"<html"))


def error_body(response: httpx.Response) -> str:
    """The body of an error response to describe: masked first (a secret cut in half
    would escape masking), an HTML page as the text of its title, heading or body."""
    text = scrub(response.text)
    if not is_html(response):
        return text
    tree = LexborHTMLParser(text)
    for selector in ("title", "h1", "body"):
        node = tree.css_first(selector)
        words = one_line(node.text(separator=" ")) if node else ""
        if words:
            return words[:MAX_CHARS]
    return f"an HTML page ({response.headers.get('content-type') or 'no content type'})"

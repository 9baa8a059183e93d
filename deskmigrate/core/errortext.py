"""Error bodies made fit for one sentence: secrets masked, an HTML page (a proxy's or a
load balancer's) reduced to its title or heading, everything on one line; and an answer of
an unexpected shape described by the request it answered."""

from __future__ import annotations

import re
import threading

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


_last = threading.local()  # the API answer this thread read last: (platform, method, path)
SHAPES = {"dict": "an object", "list": "a list", "tuple": "a list", "str": "text",
          "string": "text", "int": "a number", "float": "a number", "bool": "true/false",
          "NoneType": "null"}


def answered(platform: str, method: str, path: str) -> None:
    """Remember the API answer this thread is about to read (for :func:`unexpected_shape`)."""
    _last.answer = (platform, method, path)


def unexpected_shape(exc: BaseException) -> str | None:
    """One sentence for a connector tripping over an answer shaped unlike its API's (a list
    where an object should be, a missing key), naming the platform, the request and what
    was expected; None when ``exc`` is not such a slip or this thread read no answer."""
    answer = getattr(_last, "answer", None)
    if answer is None or not isinstance(exc, TypeError | AttributeError | KeyError |
                                        IndexError):
        return None
    platform, method, path = answer
    found = re.search(r"'(\w+)' object|^(\w+) indices", str(exc))
    got = SHAPES.get(next(g for g in found.groups() if g), "something else") if found else ""
    if isinstance(exc, KeyError):
        wanted = f"an object with the key {exc.args[0]!r}" if exc.args else "another key"
    elif isinstance(exc, IndexError):
        wanted = "a longer list"
    else:
        wanted = "a list" if "iterable" in str(exc) and got != "a list" else "an object"
    if got == wanted:
        return None  # not a question of shape: a slip of deskmigrate's own
    return (f"{platform} answered {method} {path} with JSON deskmigrate cannot read "
            f"({wanted} was expected{f', not {got}' if got else ''}); check that the url is "
            "the account's API address, or run it again with -v to see where.")

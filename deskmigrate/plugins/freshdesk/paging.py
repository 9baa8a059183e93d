"""Calling Freshdesk: API paths under ``/api/v2/``, list pages chained by the ``Link``
header (the SDK's paginator), and a compact set of ticket ids seen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from deskmigrate.core.http import HttpClient
from deskmigrate.core.paging import LinkHeaderPaginator, PageRequest

PER_PAGE = 100


class FreshdeskApi:
    """The host's HttpClient with paths relative to ``/api/v2/``."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    @staticmethod
    def url(path: str) -> str:
        return path if "://" in path else f"api/v2/{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, self.url(path), **kwargs)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def download(self, url: str) -> bytes:
        return self.http.download(url)


def pages(http: FreshdeskApi, path: str, params: dict[str, Any] | None = None
          ) -> Iterator[list[dict]]:
    """Every page of a list endpoint, following ``Link: <...>; rel="next"`` as given."""
    request = PageRequest(path, {"per_page": PER_PAGE, **(params or {})})
    for page in LinkHeaderPaginator().pages(http, request):
        yield page.items


def rows(http: FreshdeskApi, path: str, params: dict[str, Any] | None = None
         ) -> Iterator[dict]:
    for page in pages(http, path, params):
        yield from page


class SeenIds:
    """A bitmap of integer ids: Freshdesk ticket ids are small sequential display ids, so a
    million tickets cost 125 KB. Ids past ``dense_limit`` go to a plain set."""

    def __init__(self, dense_limit: int = 100_000_000) -> None:
        self._bits = bytearray()
        self._sparse: set[int] = set()
        self._dense_limit = dense_limit

    def add(self, value: int) -> bool:
        """Mark ``value`` seen; True if it was new."""
        if value < 0 or value >= self._dense_limit:
            if value in self._sparse:
                return False
            self._sparse.add(value)
            return True
        index, bit = divmod(value, 8)
        if index >= len(self._bits):
            self._bits.extend(bytes(index - len(self._bits) + 4096))
        mask = 1 << bit
        if self._bits[index] & mask:
            return False
        self._bits[index] |= mask
        return True

"""Zendesk API access on top of the host's HttpClient: cursor lists, the cursor and
time-based incremental exports, counts, job polling and attachment downloads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from deskmigrate.core.connector import Identity
from deskmigrate.core.errors import AuthError
from deskmigrate.core.http import HttpClient
from deskmigrate.core.paging import NextUrlPaginator, PageRequest

from .job_watch import JobWatch

PAGE_SIZE = 100


class ZendeskApi:
    """The Zendesk calls sources and targets share."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.jobs = JobWatch(http)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.http.get_json(path, params)

    def cursor_list(self, path: str, key: str, params: Mapping[str, Any] | None = None
                    ) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list (``links.next`` is followed as given)."""
        paginator = NextUrlPaginator("links.next", items=key, has_more="meta.has_more")
        yield from paginator.items(self.http, PageRequest(path, {**(params or {}),
                                                                 "page[size]": PAGE_SIZE}))

    def count(self, path: str, params: Mapping[str, Any] | None = None) -> int:
        value = self.http.get_json(path, params).get("count")
        return int(value["value"] if isinstance(value, dict) else value)

    def export_cursor(self, path: str, key: str, start_time: int,
                      params: Mapping[str, Any] | None = None
                      ) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        """Pages of a cursor-based incremental export: ``(items, page)`` until
        ``end_of_stream`` (``page["after_cursor"]`` is the bookmark for the next delta).
        ``after_url`` carries only the cursor: the sideloads and page size asked for are
        added to it."""
        paginator = NextUrlPaginator("after_url", items=key, done="end_of_stream",
                                     carry=params)
        for page in paginator.pages(self.http, PageRequest(
                path, {**(params or {}), "start_time": start_time})):
            yield page.items, page.body

    def export_time(self, path: str, key: str, start_time: int,
                    params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Items of a time-based incremental export, each once."""
        for items, _ in self.export_time_pages(path, key, start_time, params):
            yield from items

    def export_time_pages(self, path: str, key: str, start_time: int,
                          params: Mapping[str, Any] | None = None
                          ) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        """Pages of a time-based incremental export: ``(items, page)`` until
        ``end_of_stream``, each item once (a page may repeat the rows of the previous
        page's last second: they are left out of ``items``)."""
        paginator = NextUrlPaginator("next_page", items=key, done="end_of_stream")
        previous: set[Any] = set()
        for page in paginator.pages(self.http, PageRequest(
                path, {**(params or {}), "start_time": start_time})):
            yield [item for item in page.items if item.get("id") not in previous], page.body
            previous = {item.get("id") for item in page.items}

    def wait_for_job(self, job: dict[str, Any]) -> dict[str, Any]:
        """Poll a job until it is finished, sharing each poll with the account's other
        jobs in flight."""
        return self.jobs.wait(job)

    def admin(self, needed_for: str) -> Identity:
        """Who the token acts as; Zendesk's exports and imports need an admin."""
        me = self.get("api/v2/users/me.json")["user"]
        if me.get("role") != "admin":
            raise AuthError(f"zendesk {needed_for} need an admin's credentials; "
                            f"this user is {me.get('role') or 'anonymous'}.")
        return Identity(name=me["name"], id=str(me["id"]), email=me.get("email"),
                        role=me["role"], account=urlsplit(self.http.base_url).hostname)

    def download(self, url: str) -> bytes:
        """Attachment bytes, streamed with a size cap; every redirect hop is checked against
        the account's origin and attachment hosts before it is followed."""
        return self.http.download(url)

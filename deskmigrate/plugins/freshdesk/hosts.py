"""Where Freshdesk keeps files, by data centre.

Each Freshdesk data centre stores attachments in its own CDN bucket on S3 and hands them
out as signed path-style URLs (``https://s3.eu-central-1.amazonaws.com/euc-cdn.freshdesk.com
/data/helpdesk/attachments/production/...``; older URLs use the ``s3-eu-central-1`` form).
Inline images live on the data centre's attachment host (``eucattachment.freshdesk.com/
inline/attachment?token=...``). The US data centre has no prefix (``cdn.freshdesk.com`` on
``s3.amazonaws.com``, ``attachment.freshdesk.com``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class DataCentre:
    name: str
    region: str  # the AWS region of its S3 bucket
    prefix: str  # "" (US), "euc", "ind", "aus"

    @property
    def bucket(self) -> str:
        return f"{self.prefix}-cdn.freshdesk.com" if self.prefix else "cdn.freshdesk.com"

    @property
    def inline_host(self) -> str:
        return f"{self.prefix}attachment.freshdesk.com"

    @property
    def s3_hosts(self) -> tuple[str, ...]:
        hosts = (f"s3.{self.region}.amazonaws.com", f"s3-{self.region}.amazonaws.com")
        return ("s3.amazonaws.com", *hosts) if self.region == "us-east-1" else hosts


DATA_CENTRES = (
    DataCentre("US", "us-east-1", ""),
    DataCentre("EU", "eu-central-1", "euc"),
    DataCentre("India", "ap-south-1", "ind"),
    DataCentre("Australia", "ap-southeast-2", "aus"),
)

# Every host a Freshdesk file may come from (the HTTP client's host guard).
FILE_HOSTS = tuple(host for dc in DATA_CENTRES for host in (*dc.s3_hosts, dc.inline_host))


def file_url_refusal(url: str, account_host: str | None) -> str | None:
    """Why ``url`` is not one of Freshdesk's file URLs, or None when it is: the account's
    own host, a data centre's inline host, or a data centre's S3 host with that data
    centre's CDN bucket as the first path segment (any other bucket on S3 is refused)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host and host == (account_host or "").lower():
        return None
    if parts.scheme != "https":
        return f"{parts.scheme or 'a relative'} URL on {host or 'no host'} is not https"
    bucket = parts.path.lstrip("/").split("/", 1)[0]
    for dc in DATA_CENTRES:
        if host == dc.inline_host or (host in dc.s3_hosts and bucket == dc.bucket):
            return None
    if any(host in dc.s3_hosts for dc in DATA_CENTRES):
        return f"S3 bucket '{bucket}' on {host} is not a Freshdesk bucket"
    return f"{host or 'no host'} is not a Freshdesk file host"

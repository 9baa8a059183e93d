"""What each direction keeps: a source ticket (as read by one independent reader) turned
into the ticket the other platform must show (as read by the other reader)."""

from __future__ import annotations

from typing import Any

ZD_TO_FD_STATUS = {"new": 2, "open": 2, "pending": 3, "hold": 3, "solved": 4, "closed": 5}
ZD_STATUS_TAGS = {"new": "status-new", "hold": "status-on-hold"}
ZD_TO_FD_PRIORITY = {None: 1, "low": 1, "normal": 2, "high": 3, "urgent": 4}
FD_TYPES = {"question": "Question", "incident": "Incident", "problem": "Problem"}
FD_TO_ZD_STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
FD_TO_ZD_PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}


def _minute(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]


def _fd_custom(values: dict[str, Any]) -> dict[str, Any]:
    """Zendesk values as Freshdesk holds them: a multi-select in a text field, a decimal
    as a number."""
    out = {}
    for title, value in values.items():
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, str) and title == "Hours spent":
            value = float(value)
        out[title] = value
    return out


def zendesk_in_freshdesk(zd: dict[str, Any], fd: dict[str, Any], *, owner: str,
                         zd_agents: set[str], fd_agents: set[str]) -> None:
    """Assert that Freshdesk ticket ``fd`` is what Zendesk ticket ``zd`` must become:
    Zendesk agents without a Freshdesk seat are replaced by the default agent (``owner``)."""
    def person(email: str | None, agent_fallback: bool = True) -> str | None:
        if email in zd_agents and email not in fd_agents:
            return owner if agent_fallback else None
        return email

    assert fd["subject"] == zd["subject"]
    assert fd["status"] == ZD_TO_FD_STATUS[zd["status"]]
    assert fd["priority"] == ZD_TO_FD_PRIORITY[zd["priority"]]
    extra = {t for t in (ZD_STATUS_TAGS.get(zd["status"]),) if t}
    if zd["type"] in FD_TYPES:
        assert fd["type"] == FD_TYPES[zd["type"]]
    elif zd["type"]:
        extra.add(f"type-{zd['type']}")
    assert sorted(t for t in fd["tags"] if not t.startswith("dm-")) == sorted(
        {*zd["tags"], *extra})
    wanted = _fd_custom(zd["custom_fields"])
    got = dict(fd["custom_fields"])
    if "Affected platforms" in got:  # a multi-select's order is not kept
        got["Affected platforms"] = ", ".join(sorted(got["Affected platforms"].split(", ")))
        wanted["Affected platforms"] = ", ".join(sorted(wanted["Affected platforms"]
                                                        .split(", ")))
    assert got == wanted
    assert fd["requester"] == zd["requester"]
    assert fd["assignee"] == person(zd["assignee"])
    assert (fd["company"], fd["group"]) == (zd["company"], zd["group"])
    assert len(fd["comments"]) == len(zd["comments"])
    for index, (before, after) in enumerate(zip(zd["comments"], fd["comments"],
                                                strict=True)):
        assert after["body"] == before["body"]
        assert after["attachments"] == before["attachments"]
        assert after["public"] == (True if index == 0 else before["public"])
        who, when = after["origin"]
        assert when == _minute(before["created_at"])
        # every author is named, seat or not (an agent without one through its source
        # name and email)
        assert before["author"] in who
        author = zd["requester"] if index == 0 else (
            person(before["author"]) or owner)
        assert after["author"] == author


def freshdesk_in_zendesk(fd: dict[str, Any], zd: dict[str, Any]) -> None:
    """Assert that Zendesk ticket ``zd`` is what Freshdesk ticket ``fd`` must become."""
    assert zd["subject"] == fd["subject"]
    assert zd["status"] == FD_TO_ZD_STATUS[fd["status"]]
    assert zd["priority"] == FD_TO_ZD_PRIORITY[fd["priority"]]
    extra = {t for t, on in (("spam", fd["spam"]), ("deleted", fd["deleted"])) if on}
    fd_type = (fd["type"] or "").lower()
    if fd_type in FD_TYPES:
        assert zd["type"] == fd_type
    elif fd_type:
        extra.add("type-" + "-".join(fd_type.split()))
    assert zd["tags"] == sorted({*fd["tags"], *extra})
    assert zd["custom_fields"] == fd["custom_fields"]
    assert (zd["requester"], zd["assignee"]) == (fd["requester"], fd["assignee"])
    assert (zd["company"], zd["group"]) == (fd["company"], fd["group"])
    assert zd["created_at"] == fd["created_at"]
    assert len(zd["comments"]) == len(fd["comments"])
    for before, after in zip(fd["comments"], zd["comments"], strict=True):
        assert (after["body"], after["author"], after["public"], after["created_at"]) == (
            before["body"], before["author"], before["public"], before["created_at"])
        assert after["attachments"] == before["attachments"] and after["inline"] == 0

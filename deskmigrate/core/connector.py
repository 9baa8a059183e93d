"""The contract between the engine and a platform plugin: Platform, Source, Target.

A plugin registers one :class:`Platform` through the ``register_platforms`` hook. The engine
asks it for a :class:`Source` or :class:`Target` bound to a :class:`Connection` (URL,
credentials and the host-owned :class:`~deskmigrate.core.http.HttpClient`).
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .errors import ApiError, NoSandbox
from .http import HttpOptions
from .records import Record, Ticket

if TYPE_CHECKING:
    from ..sandbox.app import SandboxApp
    from .http import HttpClient


@dataclass(frozen=True)
class ConfigField:
    """One key of a platform's ``[source]`` / ``[target]`` config table."""

    name: str
    description: str
    secret: bool = False


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do: shown by ``deskmigrate platforms`` and read by options
    (an option names the flags it needs, never platforms)."""

    source_kinds: tuple[str, ...] = ()
    target_kinds: tuple[str, ...] = ()
    keeps_timestamps: bool = False  # the target can set created_at on tickets and comments
    keeps_authors: bool = False  # the target can set each comment's author
    embeds_inline_images: bool = False  # the source keeps pasted images only in HTML bodies
    kb_translations: bool = False  # KB articles/folders/categories have language versions
    side_conversations: bool = False  # native side conversations (read, and written back)
    call_recordings: bool = False  # the source has voice-call recordings on comments
    max_attachment_bytes: int | None = None
    default_rate_per_minute: int = 200
    # Kinds a delta brings up to date through Target.update; records of other kinds that an
    # earlier run wrote are not selected by a delta (new ones are created). None: every kind.
    update_kinds: tuple[str, ...] | None = None
    # What `deskmigrate verify` lists as expected differences, not errors: the canonical
    # ticket statuses the target keeps apart (empty: all of them), and the canonical fields
    # it cannot keep as the source had them ("subject", "custom_fields", "comment.public").
    ticket_statuses: tuple[str, ...] = ()
    lossy: tuple[str, ...] = ()
    own_tags: tuple[str, ...] = ()  # fnmatch patterns of the tags the target adds itself
    # Removed fields, accepted and ignored so plugins written before their removal load:
    bulk_ticket_batch: InitVar[int | None] = None  # Target.batch_size() says it now
    notes: InitVar[tuple[str, ...] | None] = None  # the plugin's docs say it now

    def __post_init__(self, bulk_ticket_batch: int | None, notes: tuple[str, ...] | None
                      ) -> None:
        if bulk_ticket_batch is not None or notes is not None:
            warnings.warn("Capabilities(bulk_ticket_batch=, notes=) are no longer used; "
                          "drop them.", DeprecationWarning, stacklevel=3)


@dataclass
class Connection:
    """A configured account: platform name, base URL, credentials and its HTTP client."""

    platform: str
    url: str
    credentials: dict[str, str]
    http: HttpClient
    settings: dict[str, Any] = field(default_factory=dict)  # non-secret extra config keys


@dataclass
class Identity:
    """Who the credentials belong to, as reported by ``check``."""

    name: str
    id: str | None = None  # the user's id on the platform (the target's default agent)
    email: str | None = None
    role: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class Seats:
    """A target account's agent seats (paid licences), as far as its API tells: ``None``
    where it does not. ``basis`` names the endpoint the figures come from, or why a figure
    is unknown; never a guess."""

    total: int | None = None  # seats the account has paid for
    used: int | None = None  # seats its agents hold now
    free: int | None = None  # seats left to give new agents
    unlimited: bool = False
    basis: str = ""


@dataclass
class ChildResult:
    """A nested record written with its parent (a comment inside a ticket). ``owned``:
    None when it goes with its parent; True for one this write added to a parent it may
    not own (an agent's group membership), which rollback removes; False for one that was
    there before."""

    kind: str
    source_id: str
    target_id: str | None
    owned: bool | None = None


@dataclass
class WriteResult:
    """The outcome of writing one record. Exactly one of target_id / error / skipped is set."""

    source_id: str
    target_id: str | None = None
    error: str | None = None
    skipped: str | None = None
    matched: bool = False  # True: the record already existed in the target (never deleted)
    children: list[ChildResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """What :meth:`Target.find` found. ``owned`` is True only when the record carries this
    migration's stamp (:meth:`WriteContext.external_id`): an earlier attempt created it. A
    record that only matches by natural key (email, name, title) is never owned: it may have
    been there before, so rollback never deletes it."""

    target_id: str
    owned: bool
    children: tuple[ChildResult, ...] = ()  # what completing it added (its memberships)


class WriteContext(ABC):
    """What a target needs from the engine while writing: id resolution and run facts."""

    migration_id: int
    run_id: int

    @abstractmethod
    def target_id(self, kind: str, source_id: str | None) -> str | None:
        """The target id of an already-migrated record, or None."""

    @abstractmethod
    def known(self, kind: str, source_id: str) -> bool:
        """Whether an earlier run already migrated this record (a delta's comments)."""

    def uncertain(self, kind: str, source_id: str) -> bool:
        """Whether an earlier attempt to write this record may have been applied (a crash or
        an ambiguous answer): a target then checks before adding anything twice."""
        return False

    @abstractmethod
    def user(self, source_id: str | None, *, agent: bool = False) -> str | None:
        """Resolve a person (agent or contact). ``agent=True`` falls back to the default
        agent when the person is not in the target, and notes a warning in the report."""

    def person(self, source_id: str | None) -> Record | None:
        """The source's own record (agent or contact) of a person, for naming an author the
        target has no user for; None when the source has no such person."""
        return None

    @abstractmethod
    def external_id(self, kind: str, source_id: str) -> str:
        """A stable marker stored on the target record, used to find it after a crash."""

    @abstractmethod
    def warn(self, source_id: str, message: str) -> None:
        """Record a non-fatal remark about a record in the run report."""

    def creating(self, kind: str, source_id: str) -> None:
        """Say, just before sending the create request of a record that cannot carry a
        stamp (a group, a field, a contact matched by email), that nothing in the target
        matched it: if the write's outcome is then lost, what :meth:`Target.find` finds by
        natural key was created by this run and is owned by it."""

    def was_absent(self, kind: str, source_id: str) -> bool:
        """Whether an interrupted attempt announced :meth:`creating` for this record."""
        return False

    def created(self, kind: str, source_id: str, target_id: str) -> None:
        """Say, as soon as the target answers the first request of a record written in
        several (a ticket, then its notes), that it now exists as ``target_id``: if the
        rest of the write is lost and the record cannot be looked up, rollback still
        removes it."""


class Source(ABC):
    """Reads records from a platform. Override points are small on purpose."""

    kinds: tuple[str, ...] = ()

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    @abstractmethod
    def check(self) -> Identity:
        """Verify credentials and read permissions; raise AuthError if they fail."""

    @abstractmethod
    def count(self) -> dict[str, int]:
        """Count every record kind the source has."""

    @abstractmethod
    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        """Stream every record of ``kind`` (created or updated at/after ``since`` if given)."""

    @abstractmethod
    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        """Fetch the given records of ``kind`` in full (tickets with their comments).

        Ids that are not of ``kind`` are left out: ``get("contact", user_ids)`` yields only
        the end users among them."""

    def ids(self, kind: str) -> Iterator[str]:
        """Every id of ``kind``; override with a cheaper listing where the API has one."""
        for record in self.read(kind):
            yield record.source_id

    def ticket_agents(self) -> set[str]:
        """Source ids of the people assigned to at least one ticket: the agents who need a
        seat in the target. The default reads every ticket in full; override it with a
        listing that reads no conversation."""
        return {t.assignee_id for t in self.read("ticket")
                if isinstance(t, Ticket) and t.assignee_id}

    def close(self) -> None:
        """Release what the source holds (spool files)."""


class Target(ABC):
    """Writes records to a platform."""

    kinds: tuple[str, ...] = ()

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    @abstractmethod
    def check(self) -> Identity:
        """Verify credentials and write permissions; raise AuthError if they fail."""

    def batch_size(self, kind: str) -> int:
        """How many records of ``kind`` one :meth:`write` call takes (bulk endpoints)."""
        return 1

    @abstractmethod
    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        """Create records; one result per record, in order. Never raise for one bad record."""

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """Bring records written by an earlier run up to date (a delta): ``(record,
        target_id)`` pairs. Tickets get their changed fields and only the comments the id map
        does not know (``ctx.known("comment", id)`` is False for new ones). Must be
        idempotent: after a crash the same update may be sent again."""
        return [WriteResult(source_id=r.source_id,
                            skipped=f"the {self.connection.platform} target cannot update "
                                    f"{kind} records")
                for r, _ in records]

    @abstractmethod
    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        """``record`` in the target after an interrupted or ambiguous write: by its stamp
        (``Found(id, owned=True)``) or else by natural key (``owned=False``), or None.
        May raise :class:`~deskmigrate.core.errors.AmbiguousWrite` (one more uncertain
        attempt for this record)."""

    def find_agent(self, email: str) -> str | None:
        """The target id of the agent with this email, if there is one."""
        return None

    def seats(self) -> Seats:
        """The account's agent seats as far as its API tells (by default: nothing known)."""
        return Seats(basis=f"the {self.connection.platform} plugin cannot read seats")

    @abstractmethod
    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        """Delete records this tool created (rollback); return the ids confirmed gone
        (deleted now, or missing already). An id left out stays in the id map."""

    def close(self) -> None:
        """Release what the target holds."""


class Platform(ABC):
    """A platform plugin's entry: how to configure, read, write and emulate it."""

    name: str
    title: str
    config_fields: tuple[ConfigField, ...]
    capabilities: Capabilities
    demo_roles: tuple[str, ...] = ()  # "source" / "target": what it plays in the built-in demo

    @abstractmethod
    def source(self, connection: Connection) -> Source: ...

    @abstractmethod
    def target(self, connection: Connection) -> Target: ...

    @abstractmethod
    def auth(self, credentials: dict[str, str]) -> Any:
        """An ``httpx.Auth`` (or tuple) built from the config's credential keys."""

    def sandbox(self, db_path: str, *, rate_limit: int | None = None, fault_rate: float = 0.0,
                fault_seed: int = 0) -> SandboxApp:
        """A sandbox emulating this platform, its state in the SQLite file ``db_path``;
        ``fault_rate`` of its answers are a random 429, 500 or dropped connection.
        Optional: a platform without an emulator raises :class:`NoSandbox`."""
        raise NoSandbox(f"The {self.name} plugin has no sandbox.")

    def http_options(self, url: str) -> HttpOptions:
        """How the :class:`~deskmigrate.core.http.HttpClient` talks to this platform: its
        rate-limit headers, error messages, extra hosts, status verdicts, backoff hook."""
        return HttpOptions()

    def record_url(self, url: str, kind: str, target_id: str) -> str | None:
        """The agent-facing page of a record this platform holds (``url`` is the account's
        configured URL), for links in run reports; None for kinds without one."""
        return None

    def secret_values(self, credentials: dict[str, str]) -> list[str]:
        """Every string that must never be logged for these credentials."""
        secret_names = {f.name for f in self.config_fields if f.secret}
        return [v for k, v in credentials.items() if k in secret_names and v]


def page_url(url: str, pages: Mapping[str, str], kind: str, target_id: str) -> str | None:
    """``url`` joined with ``pages[kind]``, a path where ``{}`` stands for the record's id:
    the usual :meth:`Platform.record_url`. None for a kind ``pages`` does not name."""
    page = pages.get(kind)
    if page is None or not target_id:
        return None
    return f"{url.rstrip('/')}/{page.format(quote(target_id, safe=''))}"


def write_each(records: Iterable[Record], write_one: Callable[[Record], WriteResult]
               ) -> list[WriteResult]:
    """Write one record at a time with ``write_one``; an API refusal becomes that record's
    error, never the batch's."""
    results = []
    for record in records:
        try:
            results.append(write_one(record))
        except ApiError as exc:
            results.append(WriteResult(source_id=record.source_id, error=str(exc)))
    return results


def delete_each(target_ids: Iterable[str], send: Callable[[str], object]) -> list[str]:
    """Delete one id at a time with ``send`` (a 404 counts as gone); the ids confirmed
    gone. A refusal leaves that id out: it stays in the id map for a later rollback."""
    gone = []
    for target_id in target_ids:
        try:
            send(target_id)
        except ApiError:
            continue
        gone.append(target_id)
    return gone

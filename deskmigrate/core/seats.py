"""Agent seats: how many the target needs for a migration, against what it has.

Agents need paid seats on a help desk, customers are free. The target needs one seat for
each source agent assigned to a ticket the run migrates that is not an agent of the target
already; whether
it has them is what its API tells (:meth:`Target.seats`), or "unknown".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .connector import Seats, Source, Target
from .filters import TICKET, Filters
from .records import Agent, Ticket
from .selection import Selection


@dataclass(frozen=True)
class SeatNeeds:
    """What ``check`` and the demo report: ``needed`` source agents with tickets, of whom
    ``already`` are agents of the target, against the target's ``seats``."""

    needed: int
    already: int
    seats: Seats

    @property
    def new(self) -> int:
        """Seats the migration takes: agents with tickets the target does not have."""
        return self.needed - self.already

    @property
    def to_buy(self) -> int | None:
        """Seats missing before the full run; None when the target does not tell."""
        if self.seats.unlimited:
            return 0
        return None if self.seats.free is None else max(self.new - self.seats.free, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"needed": self.needed, "already_agents": self.already, "new": self.new,
                **asdict(self.seats), "to_buy": self.to_buy}


def measure(source: Source, target: Target, filters: Filters | None = None) -> SeatNeeds:
    """Count the source's agents with tickets among those the ``[select]`` filters keep,
    look each up in the target by email, and ask the target for its seats."""
    filters = filters or Filters()
    if not filters.keeps_kind(TICKET) or Agent.kind not in source.kinds:
        assigned: set[str] = set()  # no ticket kept, or a source with no agents to seat
    elif filters.filters_tickets():  # the kept tickets only: read as the run reads them
        assigned = {t.assignee_id for t in Selection(source, filters=filters).tickets()
                    if isinstance(t, Ticket) and t.assignee_id}
    else:
        assigned = source.ticket_agents()
    agents = {a.source_id: a for a in source.read(Agent.kind) if isinstance(a, Agent)} \
        if assigned else {}
    with_tickets = [agents[i] for i in sorted(assigned) if i in agents]
    already = sum(1 for a in with_tickets if a.email and target.find_agent(a.email))
    return SeatNeeds(len(with_tickets), already, target.seats())


def describe(seats: dict[str, Any]) -> str:
    """One sentence for an operator, from :meth:`SeatNeeds.as_dict`."""
    new = seats["new"]
    need = (f"Agent seats: the target needs {new} ({seats['needed']} source agents with "
            f"tickets, {seats['already_agents']} already agents there)")
    if seats["unlimited"]:
        return f"{need}; its seats are unlimited ({seats['basis']})."
    if seats["free"] is None:
        used = f", {seats['used']} in use" if seats["used"] is not None else ""
        return (f"{need}; its free seats are unknown ({seats['basis']}{used}): check its "
                "subscription before the full run.")
    of = f" of {seats['total']}" if seats["total"] is not None else ""
    have = f"it has {seats['free']} free{of} ({seats['basis']})"
    if seats["to_buy"]:
        return f"{need}; {have}: add {seats['to_buy']} before the full run."
    return f"{need}; {have}: enough."

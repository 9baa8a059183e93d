"""The open set of record kinds: each kind a plugin (or deskmigrate itself) registers through
the ``register_kinds`` hook, with its record type, the kinds it references, whether it is
billed, the kinds written with it and its place in the dependency order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from .errors import DeskmigrateError
from .records import Record

Demo = Literal["all", "sample", "linked", "few"]


@dataclass(frozen=True)
class KindSpec:
    """One record kind.

    ``order`` places it in the dependency order (lower first; a kind references only kinds
    of a lower order). ``references``: the kinds whose target ids writing one may need
    (``ctx.target_id`` / ``ctx.user``). ``children``: kinds written with each record and kept
    in its id map (a ticket's comments), never counted nor billed on their own. ``person``:
    its ids share the people namespace that ``ctx.user`` resolves. ``demo``: what a demo
    takes: ``"all"``, ``"sample"`` (the records drawn), ``"linked"`` (only those the drawn
    records link to) or ``"few"`` (the first few).
    """

    name: str
    record_type: type[Record]
    order: int
    references: tuple[str, ...] = ()
    billable: bool = True
    children: tuple[str, ...] = ()
    person: bool = False
    demo: Demo = "all"


class Kinds(Mapping[str, KindSpec]):
    """The registered kinds, checked: one spec per name, its record type of that kind, every
    reference to a kind registered before it."""

    def __init__(self, specs: Iterable[KindSpec]) -> None:
        self._specs: dict[str, KindSpec] = {}
        for spec in sorted(specs, key=lambda s: (s.order, s.name)):
            if spec.name in self._specs:
                raise DeskmigrateError(f"Two plugins register the record kind '{spec.name}'.")
            if spec.record_type.kind != spec.name:
                raise DeskmigrateError(
                    f"The record kind '{spec.name}' is registered with the record type "
                    f"{spec.record_type.__name__}, whose kind is '{spec.record_type.kind}'.")
            self._specs[spec.name] = spec
        if len(self.with_demo("sample")) > 1:
            raise DeskmigrateError(f"Only one record kind can be a demo's sample, not "
                                   f"{' and '.join(self.with_demo('sample'))}.")
        for spec in self._specs.values():
            later = [r for r in spec.references if r not in self._specs
                     or self._specs[r].order >= spec.order]
            if later:
                raise DeskmigrateError(
                    f"The record kind '{spec.name}' references '{later[0]}', which is not a "
                    f"kind registered before it (a lower order).")

    def __getitem__(self, name: str) -> KindSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    @property
    def order(self) -> tuple[str, ...]:
        """Every kind, in dependency order."""
        return tuple(self._specs)

    @property
    def billable(self) -> tuple[str, ...]:
        return tuple(n for n, s in self._specs.items() if s.billable)

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(n for n, s in self._specs.items() if s.person)

    def with_demo(self, demo: Demo) -> tuple[str, ...]:
        return tuple(n for n, s in self._specs.items() if s.demo == demo)

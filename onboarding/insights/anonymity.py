"""k-anonymous tables: a count from 1 to K-1 is never shown, and neither is a count that would
let a reader work one out by subtraction.

Counts are cells; relations say which cells add up: `total = parts (+ a rest nobody is shown)`.
A reader who knows all but one cell of a relation can compute that one. So whenever exactly one
cell of a relation is unknown to the reader and it is suppressed, or is a rest of people that is
small and must stay private (such as "not on this step", i.e. a status like temporary
protection), one more cell is suppressed: the smallest non-zero part, or else the total. This
repeats until it holds."""

from dataclasses import dataclass, field
from typing import Literal

K = 5

Rest = Literal["none", "open", "private"]


@dataclass
class Relation:
    total: str
    parts: tuple[str, ...]
    rest: Rest
    rest_value: int


@dataclass
class CountTable:
    values: dict[str, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    small: set[str] = field(default_factory=set)
    protecting: set[str] = field(default_factory=set)

    def add(self, name: str, value: int) -> str:
        self.values[name] = value
        return name

    def relate(self, total: str, parts: list[str], rest: Rest = "none") -> None:
        """`total` is the sum of `parts`, plus a rest that is not shown: "open" when knowing it
        harms nobody (people still on "to do"), "private" when it counts people by something
        about them (those a step does not apply to)."""
        value = self.values[total] - sum(self.values[part] for part in parts)
        self.relations.append(Relation(total, tuple(parts), rest, value))

    @property
    def hidden(self) -> set[str]:
        return self.small | self.protecting

    def suppress(self) -> None:
        """Suppress every small count, then whatever would reveal one."""
        self.small = {name for name, value in self.values.items() if 0 < value < K}
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                changed |= self._protect(relation)

    def _protect(self, relation: Relation) -> bool:
        cells = (relation.total, *relation.parts)
        unknown = [name for name in cells if name in self.hidden]
        if len(unknown) + (relation.rest != "none") != 1:
            return False  # nothing hidden, or two unknowns a reader cannot tell apart
        if not unknown and not (relation.rest == "private" and 0 < relation.rest_value < K):
            return False  # the one unknown is a rest that may be known
        shown = [p for p in relation.parts if p not in self.hidden and self.values[p] > 0]
        if shown:
            self.protecting.add(min(shown, key=lambda part: (self.values[part], part)))
        elif relation.total not in self.hidden and self.values[relation.total] > 0:
            self.protecting.add(relation.total)
        else:
            return False
        return True

    def get(self, name: str) -> int | None:
        """The count as shown: None when suppressed."""
        return None if name in self.hidden else self.values[name]

    def is_small(self, name: str) -> bool:
        """Suppressed because it is from 1 to K-1 (else, if hidden, to protect one that is)."""
        return name in self.small

    def hide_all(self) -> None:
        self.small = {name for name, value in self.values.items() if value}
        self.protecting = set(self.values) - self.small

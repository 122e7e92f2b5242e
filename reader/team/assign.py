"""Who annotates what: every document to one annotator, an overlap sample to several (for
agreement), decided by the documents' hashes and a seed, never by the order they were
found, so the same corpus gives the same plan on every machine.

Pure: rows in, plan out, no store. Earlier assignments are never moved: a new run only
places the documents not assigned yet, to whoever has the least work (counting every
assignment they hold), and keeps the share of overlap documents on target as it goes, so
adding documents and running again keeps the plan's shape. A cap that leaves no room
stops the run at that document: the ones after it (in hash order) wait, unassigned, for
more annotators or a higher cap."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class AssignOptions:
    """`reader assign`'s choices: who, the overlap share and how many annotators each
    overlap document gets, the seed, and the most documents one annotator may hold."""

    annotators: tuple[str, ...]
    overlap: float = 0.0
    per_doc: int = 2
    seed: int = 0
    cap: int | None = None

    def __post_init__(self) -> None:
        if not self.annotators or len(set(self.annotators)) != len(self.annotators):
            raise ValueError("annotators must be distinct names, at least one")
        if not 0.0 <= self.overlap <= 1.0:
            raise ValueError("overlap is a share of the documents, from 0 to 1")
        if self.overlap > 0 and not 2 <= self.per_doc <= len(self.annotators):
            raise ValueError("per_doc is from 2 to the number of annotators")
        if self.cap is not None and self.cap < 1:
            raise ValueError("cap is at least 1")


@dataclass(frozen=True)
class AssignPlan:
    """The selection's documents with their annotators (`assigned`: kept and new), which
    of them this run placed (`new`), and what the caps left out, in hash order."""

    assigned: dict[str, tuple[str, ...]]
    new: frozenset[str]
    unassigned: tuple[str, ...]

    @property
    def overlap_count(self) -> int:
        return sum(1 for names in self.assigned.values() if len(names) > 1)


def overlap_target(share: float, documents: int) -> int:
    """How many of `documents` the overlap sample should hold: the share, rounded half up
    (Python's round() would round 2.5 to 2 but 3.5 to 4)."""
    return math.floor(share * documents + 0.5)


def _rank(seed: int, *parts: str) -> bytes:
    """A stable pseudo-random order: the same on every machine and run (unlike hash())."""
    return hashlib.sha256("\x00".join((str(seed), *parts)).encode()).digest()


def plan_assignments(documents: Iterable[str], existing: Mapping[str, Sequence[str]],
                     options: AssignOptions) -> AssignPlan:
    """Assign the `documents` (by text hash) that `existing` (every assignment already
    made, hash -> annotators, the selection's and others') does not hold yet."""
    loads: Counter[str] = Counter(name for names in existing.values() for name in names)
    chosen = set(documents)
    assigned = {key: tuple(existing[key]) for key in chosen if key in existing}
    overlapping = sum(1 for names in assigned.values() if len(names) > 1)
    waiting = sorted(chosen - assigned.keys(), key=lambda key: _rank(options.seed, key))
    new: list[str] = []
    for index, key in enumerate(waiting):
        wide = (options.overlap > 0
                and overlap_target(options.overlap, len(assigned) + 1) > overlapping)
        needed = options.per_doc if wide else 1
        room = [name for name in options.annotators
                if options.cap is None or loads[name] < options.cap]
        if len(room) < needed:
            return AssignPlan(assigned, frozenset(new), tuple(waiting[index:]))
        room.sort(key=lambda name: (loads[name], _rank(options.seed, key, name)))
        picked = tuple(sorted(room[:needed], key=options.annotators.index))
        loads.update(picked)
        assigned[key] = picked
        overlapping += wide
        new.append(key)
    return AssignPlan(assigned, frozenset(new), ())

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

import bisect
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


class _Team:
    """The annotators with room, in buckets by how many documents they hold, each bucket in
    a fixed drawn order: the least loaded are found without sorting the team for every
    document (100,000 documents among 100 annotators in seconds, not minutes)."""

    def __init__(self, options: AssignOptions, loads: Counter[str]) -> None:
        self.cap = options.cap
        self.loads = loads
        self.order = {name: _rank(options.seed, "annotator", name)
                      for name in options.annotators}
        self.buckets: dict[int, list[str]] = {}
        for name in sorted(options.annotators, key=self.order.__getitem__):
            if self.cap is None or loads[name] < self.cap:
                self.buckets.setdefault(loads[name], []).append(name)
        self.room = sum(map(len, self.buckets.values()))

    def pick(self, needed: int, draw: int) -> list[str]:
        """The `needed` least loaded, ties broken by `draw`: a tied bucket is read from
        a drawn place onwards, round, so each of its annotators is as likely to come first."""
        picked: list[str] = []
        for load in sorted(self.buckets):
            bucket = self.buckets[load]
            wanted = needed - len(picked)
            if len(bucket) <= wanted:
                picked.extend(bucket)
            else:
                start = draw % len(bucket)
                picked.extend((bucket + bucket)[start:start + wanted])
            if len(picked) == needed:
                return picked
        raise ValueError("fewer annotators with room than needed")

    def add(self, name: str) -> None:
        """One more document for `name`: up a bucket, or out of the team at the cap."""
        load = self.loads[name]
        bucket = self.buckets[load]
        bucket.remove(name)
        if not bucket:
            del self.buckets[load]
        self.loads[name] = load + 1
        if self.cap is not None and load + 1 >= self.cap:
            self.room -= 1
            return
        above = self.buckets.setdefault(load + 1, [])
        bisect.insort(above, name, key=self.order.__getitem__)


def plan_assignments(documents: Iterable[str], existing: Mapping[str, Sequence[str]],
                     options: AssignOptions) -> AssignPlan:
    """Assign the `documents` (by text hash) that `existing` (every assignment already
    made, hash -> annotators, the selection's and others') does not hold yet."""
    team = _Team(options, Counter(name for names in existing.values() for name in names))
    chosen = set(documents)
    assigned = {key: tuple(existing[key]) for key in chosen if key in existing}
    overlapping = sum(1 for names in assigned.values() if len(names) > 1)
    # One draw per document: its first bytes order the documents, later ones break ties
    # between annotators (independent of the order for any practical purpose).
    draws = sorted((_rank(options.seed, key), key) for key in chosen - assigned.keys())
    waiting = [key for _draw, key in draws]
    place = {name: index for index, name in enumerate(options.annotators)}
    new: list[str] = []
    for index, (digest, key) in enumerate(draws):
        wide = (options.overlap > 0
                and overlap_target(options.overlap, len(assigned) + 1) > overlapping)
        needed = options.per_doc if wide else 1
        if team.room < needed:
            return AssignPlan(assigned, frozenset(new), tuple(waiting[index:]))
        picked = team.pick(needed, int.from_bytes(digest[16:24], "big"))
        for name in picked:
            team.add(name)
        assigned[key] = tuple(sorted(picked, key=place.__getitem__))
        overlapping += wide
        new.append(key)
    return AssignPlan(assigned, frozenset(new), ())

"""The learned source of `reader open --suggest`, kept up to date edit by edit.

Matching every span text of the corpus against the whole text again after each tag cost
about a second of CPU on a 3 MB article. A tag changes one span text's count, so that is
all that is redone here: the labels are counted per span text (the corpus's counts read
once, then moved by each saved edit: `changed`), and where a span text occurs in this
document is searched for once, the first time it is learned, and kept (`Learned.found`,
shared by every later state of the same text: deleting a span and tagging it again
searches nothing). What is suggested is then merged from the kept occurrences: leftmost,
then longest, none overlapping another, as `PhraseIndex` chooses, so the result is what
matching every span text at once would give. (The first run, on many span texts, cuts the
text into units once instead of searching for each: `reader.text.matching` finds the same
occurrences either way.)

A `Learned` is never changed, only replaced: a worker thread computes the next one while
the screen shows the last, and a result that a newer edit overtook is dropped
(`Learning`). No Textual, no SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from reader.suggest.record import LEARNED, Suggestion
from reader.text.matching import (
    FEW,
    PhraseIndex,
    find_occurrences,
    keep_leftmost_longest,
    windows,
)

Occurrences: TypeAlias = tuple[tuple[int, int], ...]
SpanTextCounts: TypeAlias = Mapping[tuple[str, str], int]
"""Live spans per (span text, label): what the corpus has, or how an edit moved it."""


def best_labels(counts: Iterable[tuple[str, str, int]]) -> dict[str, str]:
    """The label used most for each span text (stripped; the first label in name order on
    a tie), from (span text, label, spans) rows: what the learned source suggests it as."""
    totals: Counter[tuple[str, str]] = Counter()
    for text, label, count in counts:
        phrase = text.strip()
        if phrase:
            totals[phrase, label] += count
    best: dict[str, tuple[int, str]] = {}
    for (phrase, label), count in totals.items():
        held = best.get(phrase)
        if count > 0 and (held is None or (count, held[1]) > (held[0], label)):
            best[phrase] = (count, label)
    return {phrase: label for phrase, (_, label) in best.items()}


def occurrences_of(text: str, phrase: str) -> Occurrences:
    """Every whole-word occurrence of `phrase` in `text`, overlapping ones too (which one
    is suggested depends on the other phrases: `_state` decides)."""
    return tuple(find_occurrences(text, phrase, overlapping=True))


@dataclass(frozen=True)
class Learned:
    """What the learned source suggests in one text, and what it was worked out from."""

    text: str
    doc: int
    totals: Mapping[tuple[str, str], int]  # (stripped span text, label) -> live spans
    labels: Mapping[str, str]  # span text -> the label it is suggested with
    suggestions: tuple[Suggestion, ...]
    # Where each span text ever learned occurs in `text`: shared by the states of one
    # text, only ever added to (one whole value at a time, safe across threads).
    found: dict[str, Occurrences] = field(repr=False, compare=False)
    # The occurrences of the span texts in `labels` as (start, -end, span text), sorted:
    # the next state drops or adds a span text's without sorting them all again.
    ordered: tuple[tuple[int, int, str], ...] = field(repr=False, compare=False, default=())

    def changed(self, delta: SpanTextCounts) -> Learned:
        """The state after spans were added (+) or removed (-) per (span text, label):
        only the span texts in `delta` are looked at again, and only a span text never
        learned before is searched for."""
        totals = Counter(self.totals)
        touched = set()
        for (text, label), count in delta.items():
            phrase = text.strip()
            if phrase and count:
                totals[phrase, label] += count
                touched.add(phrase)
        if not touched:
            return self
        labels = dict(self.labels)
        for phrase in touched:
            labels.pop(phrase, None)
        now = best_labels((phrase, label, count) for (phrase, label), count in totals.items()
                          if phrase in touched)
        labels.update(now)
        return _state(self.text, self.doc, +totals, labels, self.found, self)


def learn(text: str, doc: int, counts: Iterable[tuple[str, str, int]],
          found: dict[str, Occurrences] | None = None,
          cancelled: Callable[[], bool] = lambda: False) -> Learned | None:
    """The learned source's state for `text` from the corpus's (span text, label, spans)
    rows: every span text searched for (unless `found` has it already); None if
    `cancelled` said so between two span texts."""
    totals: Counter[tuple[str, str]] = Counter()
    for span_text, label, count in counts:
        phrase = span_text.strip()
        if phrase:
            totals[phrase, label] += count
    labels = best_labels((phrase, label, count) for (phrase, label), count in totals.items())
    found = {} if found is None else found
    missing = [phrase for phrase in labels if phrase not in found]
    if len(missing) > FEW:  # cut the text into units once rather than search for each
        index = PhraseIndex((phrase, labels[phrase]) for phrase in missing)
        where: dict[str, list[tuple[int, int]]] = {phrase: [] for phrase in missing}
        for window in windows(text, index.longest):
            if cancelled():
                return None
            for start, end, phrase in index.in_window(window):
                where[phrase].append((start, end))
        found.update((phrase, tuple(occurrences)) for phrase, occurrences in where.items())
    for phrase in missing:
        if cancelled():
            return None
        if phrase not in found:
            found[phrase] = occurrences_of(text, phrase)
    return _state(text, doc, +totals, labels, found)


def _state(text: str, doc: int, totals: Mapping[tuple[str, str], int],
           labels: dict[str, str], found: dict[str, Occurrences],
           previous: Learned | None = None) -> Learned:
    """The state for `labels`: from `previous`, only the span texts it did not have are
    searched for and sorted in, and its suggestions that stay are kept as they are."""
    for phrase in labels:
        if phrase not in found:
            found[phrase] = occurrences_of(text, phrase)
    reuse: dict[tuple[int, int, str], Suggestion] = {}
    if previous is None:
        ordered = sorted((start, -end, phrase) for phrase in labels
                         for start, end in found[phrase])
    else:
        gone = {phrase for phrase in previous.labels if phrase not in labels}
        ordered = [item for item in previous.ordered if item[2] not in gone] if gone \
            else list(previous.ordered)
        new = [phrase for phrase in labels if phrase not in previous.labels]
        if new:
            ordered += [(start, -end, phrase) for phrase in new
                        for start, end in found[phrase]]
            ordered.sort()  # two sorted runs: merged in one pass
        reuse = {(s.start, s.end, s.label): s for s in previous.suggestions}
    suggestions = []
    for start, end, phrase in keep_leftmost_longest(ordered):
        label = labels[phrase]
        kept = reuse.get((start, end, label))
        suggestions.append(kept if kept is not None
                           else Suggestion(doc, start, end, label, LEARNED))
    return Learned(text, doc, totals, labels, tuple(suggestions), found, tuple(ordered))


class Learning:
    """The learned state one screen shows, and the edits not in it yet.

    On the UI thread: `note` each saved edit's counts, `job()` for a worker to run, and
    `take` its result, which is kept only if no edit came after the job was made (a newer
    job has that edit too, and its result will be taken instead). Until the first result,
    the state is worked out from the corpus's counts given to `restart`."""

    def __init__(self, text: str, doc: int) -> None:
        self.text, self.doc = text, doc
        self.shown: Learned | None = None
        self._rows: list[tuple[str, str, int]] = []
        self._pending: Counter[tuple[str, str]] = Counter()
        self._found: dict[str, Occurrences] = {}  # kept across restarts: the text stays
        self._run = 0
        self._started = -1  # the run a job was last made for

    def restart(self, counts: Iterable[tuple[str, str, int]]) -> None:
        """Start again from the corpus's (span text, label, spans) rows, read just now
        (after a reload: another process may have changed them)."""
        self.shown = None
        self._rows = list(counts)
        self._pending.clear()
        self._run += 1

    def note(self, delta: SpanTextCounts) -> None:
        """Spans saved since: a job made before this is stale."""
        delta = {key: count for key, count in delta.items() if count}
        if delta:
            self._pending.update(delta)
            self._run += 1

    def job(self) -> tuple[int, Callable[[Callable[[], bool]], Learned | None]] | None:
        """(run, work) where work(cancelled) computes the next state, safe in a worker
        thread (None when `cancelled` said so); None when there is nothing new to do."""
        if self._started == self._run:
            return None
        self._started = run = self._run
        base, rows, found = self.shown, self._rows, self._found
        delta, text, doc = Counter(self._pending), self.text, self.doc

        def work(cancelled: Callable[[], bool]) -> Learned | None:
            start = base if base is not None else learn(text, doc, rows, found, cancelled)
            return None if start is None else start.changed(delta)

        return run, work

    def take(self, run: int, state: Learned) -> bool:
        """Show `state`, the result of `run`, unless a later edit made it stale."""
        if run != self._run:
            return False
        self.shown = state
        self._pending.clear()
        return True

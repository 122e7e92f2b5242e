"""The selections tagging took away, so that undo gives them back.

Tagging a selection clears it (the new span shows in its colour); pressing `u` then removes
the span, and the reader expects to be where they were: the same text selected, in the same
mode, ready for another label. Textual-free: the screen hands it each edit's outcome."""

from __future__ import annotations

from typing import NamedTuple

from reader.annotate.session import Saved


class SelectionState(NamedTuple):
    """A selection as the view holds it: its fixed end, its moving end (the cursor), and
    whether it is `v` mode's (which plain moves extend)."""

    anchor: int
    cursor: int
    sticky: bool


class SelectionMemory:
    """Selections by the change they were cleared for: (span uid, whether the span was
    there after it), which an undo reverses."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, bool], SelectionState] = {}

    def tagged(self, saved: Saved, selection: SelectionState) -> None:
        """A label key (or the picker) on `selection` saved `saved`: a span tagged, or an
        equal one removed."""
        if _changes_presence(saved):
            self._taken[(saved.subject.uid, saved.after is not None)] = selection

    def edited(self, saved: Saved) -> None:
        """Any other edit: a span deleted or accepted no longer answers to an old selection
        (an undo of that deletion must not bring back a selection from before it)."""
        if _changes_presence(saved) and saved.verb not in ("undone", "redone"):
            self._taken.pop((saved.subject.uid, saved.after is not None), None)

    def undone(self, saved: Saved) -> SelectionState | None:
        """The selection to give back after the undo `saved`, if a tag cleared one."""
        if not _changes_presence(saved):
            return None
        return self._taken.get((saved.subject.uid, saved.before is not None))


def _changes_presence(saved: Saved) -> bool:
    """True when a span appeared or disappeared (not a note, not a relation)."""
    return saved.kind == "span" and (saved.before is None) != (saved.after is None)

"""What an export wrote and what it could not express, told in one line at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_EXAMPLES = 3
Kind = Literal["relations", "document labels"]


@dataclass
class Summary:
    """Counts of documents, spans, relations and document labels written, and of what a
    format left out or changed (by reason, with a few examples each), so nothing is dropped
    silently. The command tells it how many relations and document labels the rows held
    (`offered`): any a format neither wrote nor reported is counted as left out, so a
    format that knows nothing of them still says so."""

    documents: int = 0
    spans: int = 0
    notes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    written: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)

    def wrote(self, spans: int, relations: int = 0, doc_labels: int = 0) -> None:
        self.documents += 1
        self.spans += spans
        self.written.update({"relations": relations, "document labels": doc_labels})

    def offered(self, relations: int, doc_labels: int) -> None:
        """What one row held, counted by the command as rows go to the format."""
        self.held.update({"relations": relations, "document labels": doc_labels})

    def left_out(self, kind: Kind, count: int, reason: str, example: str) -> None:
        """`count` relations or document labels of one document the format could not
        write, for `reason`."""
        if count:
            self.dropped[kind] += count
            self.note(reason, example, count)

    def note(self, reason: str, example: str, count: int = 1) -> None:
        """Count one span (or note) a format left out or changed, for `reason`."""
        self.notes[reason] += count
        shown = self.examples.setdefault(reason, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(example)

    def line(self, target: str) -> str:
        text = (f"exported {self.documents} document{'s' * (self.documents != 1)}, "
                f"{self.spans} span{'s' * (self.spans != 1)}")
        for kind in ("relations", "document labels"):
            if self.written[kind]:
                text += f", {self.written[kind]} {kind[:-1] if self.written[kind] == 1 else kind}"
        text += f" to {target}"
        for reason, count in self.notes.items():
            text += f"; {reason}: {count} (e.g. {', '.join(self.examples[reason])})"
        for kind in ("relations", "document labels"):
            silent = self.held[kind] - self.written[kind] - self.dropped[kind]
            if silent > 0:
                text += f"; {kind} left out (this format has no place for them): {silent}"
        return text


def describe_span(doc_id: str | int, span: dict[str, object]) -> str:
    """A short, findable name for a span in summaries: document, offsets, label."""
    return f"{doc_id}[{span['start']}:{span['end']}] {span['label']}"


def overlapping(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans that overlap one kept before them, when spans are kept in order and an
    overlapping one is not: what doccano's import does in a project that does not allow
    overlapping spans."""
    kept: list[tuple[int, int]] = []
    found = []
    for span in spans:
        if any(start < span["end"] and span["start"] < end for start, end in kept):
            found.append(span)
        else:
            kept.append((span["start"], span["end"]))
    return found

"""What an export wrote and what it could not express, told in one line at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_EXAMPLES = 3


@dataclass
class Summary:
    """Counts of documents and spans written, and of spans a format left out or changed
    (by reason, with a few examples each), so nothing is dropped silently."""

    documents: int = 0
    spans: int = 0
    notes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def wrote(self, spans: int) -> None:
        self.documents += 1
        self.spans += spans

    def note(self, reason: str, example: str) -> None:
        """Count one span (or note) a format left out or changed, for `reason`."""
        self.notes[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(example)

    def line(self, target: str) -> str:
        text = (f"exported {self.documents} document{'s' * (self.documents != 1)}, "
                f"{self.spans} span{'s' * (self.spans != 1)} to {target}")
        for reason, count in self.notes.items():
            text += f"; {reason}: {count} (e.g. {', '.join(self.examples[reason])})"
        return text


def describe_span(doc_id: str, span: dict[str, object]) -> str:
    """A short, findable name for a span in summaries: document, offsets, label."""
    return f"{doc_id}[{span['start']}:{span['end']}] {span['label']}"

"""The one record every source of suggestions produces and the store keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEARNED = "learned"
"""The source name of suggestions learned from the corpus's own spans."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A span some source proposes, not an annotation: nobody has said yes to it yet.

    `doc` is the database id of the document (0 for a text not stored yet); offsets are
    code points into its text, end exclusive, as for annotations. `source` names where it
    came from (`patterns:actors.jsonl`, `gazetteer:names.tsv`, `learned`, `model:NAME`, or
    the name given to imported predictions): accepting it records that in the span's meta,
    and `reader stats` counts decisions per source. `(doc, start, end, label, source)` is
    its identity; `score` and `meta` ride along and take no part in equality."""

    doc: int
    start: int
    end: int
    label: str
    source: str
    score: float | None = field(default=None, compare=False)
    meta: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def key(self) -> tuple[int, int, str, str]:
        """What tells it apart within its document."""
        return self.start, self.end, self.label, self.source

    @property
    def span(self) -> tuple[int, int, str]:
        """Offsets and label: equal to an annotation's when it is already annotated."""
        return self.start, self.end, self.label

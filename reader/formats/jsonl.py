"""reader's own JSON Lines: one document per line, spans with exact code-point offsets.

The keys make each line a Prodigy spans task too, and the file loads as is with
pandas.read_json(lines=True) and datasets.load_dataset("json")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from reader.formats.records import ExportOptions, ExportRow
from reader.formats.summary import Summary

TARGET = "text"
JSON_HEAD = True  # the query builds each line's head, Python splices in the spans

DOCUMENT_KEYS = ("id", "text", "source", "sha256", "meta", "status", "spans")
SPAN_KEYS = ("id", "start", "end", "label", "text", "annotator", "note", "created_at",
             "updated_at")


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        out.write(row.json_head)
        out.write(row.spans_json)
        out.write("}\n")
        summary.wrote(row.span_count)

"""A toy format that only the tests register: the proof that a format is this one module plus
one registry line. A line per document, `{"words": TEXT, "marks": ["LABEL@START:END", ...]}`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_span,
    json_list,
    json_object,
    new_document,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        marks = [f"{span['label']}@{span['start']}:{span['end']}" for span in row.spans()]
        out.write(json.dumps({"words": row.text, "marks": marks}, ensure_ascii=False) + "\n")
        summary.wrote(len(marks))


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    fields = json_object(record)
    document = new_document(fields.get("words"), where)
    for mark in json_list(fields.get("marks"), "marks"):
        label, _, offsets = str(mark).rpartition("@")
        start, _, end = offsets.partition(":")
        if not (start.isdigit() and end.isdigit()):
            raise RecordError(f"mark {mark!r} is not LABEL@START:END")
        add_span(document, int(start), int(end), label, default_annotator=context.annotator)
    return document


FORMAT = Format(
    name="toy",
    description="a toy format for the registry's tests",
    suffix=".toy.jsonl",
    exporter=TextExport(export),
    importer=Import(parse),
)

"""doccano sequence labelling JSONL: `{"text", "label": [[start, end, "LABEL"], ...]}`.

doccano's browser front end counts offsets in UTF-16 code units, so that is the default
(`--offsets utf16`); `--offsets codepoints` gives Python str indices like every other format.
On import, keys other than doccano's own are its metadata columns: they go into meta."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_span,
    check_keys,
    json_list,
    json_object,
    new_document,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary
from reader.formats.utf16 import Utf16Offsets

OFFSET_UNITS = ("utf16", "codepoints")
DOCCANO_KEYS = frozenset({"id", "text", "label", "labels", "meta", "Comments", "comments"})


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        spans = row.spans()
        if options.offsets == "utf16" and spans:
            units = Utf16Offsets(row.text)
            labels = [[units.to_utf16(s["start"]), units.to_utf16(s["end"]), s["label"]]
                      for s in spans]
        else:
            labels = [[s["start"], s["end"], s["label"]] for s in spans]
        out.write(json.dumps({"text": row.text, "label": labels}, ensure_ascii=False))
        out.write("\n")
        summary.wrote(row.span_count)


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    fields = json_object(record)
    check_keys(fields, DOCCANO_KEYS, "record", context)
    meta = dict(fields.get("meta") or {}) if isinstance(fields.get("meta"), dict) else {}
    meta.update({key: value for key, value in fields.items() if key not in DOCCANO_KEYS})
    document = new_document(fields.get("text"), where, meta=meta, record_id=fields.get("id"))
    labels = fields.get("label", fields.get("labels"))
    units = Utf16Offsets(document.text) if context.offsets == "utf16" else None
    for number, item in enumerate(json_list(labels, "label"), 1):
        what = f"label {number}"
        if not isinstance(item, list) or len(item) != 3:
            raise RecordError(f"{what} must be [start, end, LABEL], not {item!r}")
        start, end, label = item
        if units is not None and isinstance(start, int) and isinstance(end, int):
            try:
                start, end = units.to_codepoints(start), units.to_codepoints(end)
            except ValueError as error:
                raise RecordError(f"{what}: {error} (an emoji cut in half)") from None
        add_span(document, start, end, label, default_annotator=context.annotator, what=what)
    return document


FORMAT = Format(
    name="doccano",
    description="doccano sequence labelling JSON Lines (UTF-16 offsets by default)",
    suffix=".jsonl",
    exporter=TextExport(export),
    importer=Import(parse),
)

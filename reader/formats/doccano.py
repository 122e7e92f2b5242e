"""doccano sequence labelling JSONL: `{"text", "label": [[start, end, "LABEL"], ...]}`.

doccano's browser front end counts offsets in UTF-16 code units, so that is the default
(`--offsets utf16`); `--offsets codepoints` gives Python str indices like every other format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from reader.formats.records import ExportOptions, ExportRow
from reader.formats.summary import Summary
from reader.formats.utf16 import Utf16Offsets

TARGET = "text"
JSON_HEAD = False
OFFSET_UNITS = ("utf16", "codepoints")


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

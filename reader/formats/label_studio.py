"""Label Studio tasks: a JSON array, one task per document, one annotation per annotator,
each span a `labels` result on the `text` object (code-point offsets, with the span text).

The matching labelling config is `<Labels name="label" toName="text">` over
`<Text name="text" value="$text"/>`. Label Studio keeps its own user ids in `completed_by`,
so the annotator's name goes in `reader_annotator`; notes become the region's meta text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from reader.formats.records import ExportOptions, ExportRow
from reader.formats.summary import Summary

TARGET = "text"
JSON_HEAD = False
FROM_NAME = "label"
TO_NAME = "text"


def task(row: ExportRow) -> dict[str, Any]:
    by_annotator: dict[str, list[dict[str, Any]]] = {}
    for span in row.spans():
        result: dict[str, Any] = {
            "id": span["id"], "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
            "value": {"start": span["start"], "end": span["end"], "text": span["text"],
                      "labels": [span["label"]]},
        }
        if span["note"]:
            result["meta"] = {"text": [span["note"]]}
        by_annotator.setdefault(span["annotator"], []).append(result)
    return {
        "data": {"text": row.text, "id": row.id, "source": row.source, "sha256": row.sha256,
                 "status": row.status, "meta": row.meta()},
        "annotations": [{"reader_annotator": annotator, "result": results}
                        for annotator, results in sorted(by_annotator.items())],
    }


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    """One task per line inside the array, so import errors can name a line."""
    out.write("[")
    first = True
    for row in rows:
        out.write("\n" if first else ",\n")
        first = False
        out.write(json.dumps(task(row), ensure_ascii=False))
        summary.wrote(row.span_count)
    out.write("\n]\n")

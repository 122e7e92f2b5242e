"""Label Studio tasks: a JSON array, one task per document, one annotation per annotator,
each span a `labels` result on the `text` object (code-point offsets, with the span text).

The matching labelling config is `<Labels name="label" toName="text">` over
`<Text name="text" value="$text"/>`. Label Studio keeps its own user ids in `completed_by`,
so the annotator's name goes in `reader_annotator`; notes become the region's meta text.
Importing takes annotations and predictions alike; only `labels` results are spans."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

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

FROM_NAME = "label"
TO_NAME = "text"
LS_KEYS = frozenset({"id", "data", "annotations", "predictions", "meta", "created_at",
                     "updated_at", "inner_id", "total_annotations", "cancelled_annotations",
                     "total_predictions", "comment_count", "unresolved_comment_count",
                     "last_comment_updated_at", "project", "updated_by", "file_upload",
                     "comment_authors", "annotators", "drafts"})
LS_DATA_KEYS = frozenset({"text", "id", "source", "sha256", "status", "meta"})


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


def _annotator(annotation: dict[str, Any], fallback: str) -> str:
    name = annotation.get("reader_annotator")
    if isinstance(name, str) and name:
        return name
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    if isinstance(who, str) and who:
        return who
    if isinstance(who, int) and not isinstance(who, bool):
        return f"label-studio-user-{who}"
    model = annotation.get("model_version")
    return model if isinstance(model, str) and model else fallback


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    fields = json_object(record, "task")
    check_keys(fields, LS_KEYS, "task", context)
    data = json_object(fields.get("data"), "data")
    check_keys(data, LS_DATA_KEYS, "data", context)
    meta = dict(data.get("meta") or {}) if isinstance(data.get("meta"), dict) else {}
    meta.update({key: value for key, value in data.items() if key not in LS_DATA_KEYS})
    document = new_document(data.get("text"), where, source=data.get("source"), meta=meta,
                            status=data.get("status"), sha256=data.get("sha256"),
                            record_id=data.get("id"))
    groups = [("annotation", a) for a in json_list(fields.get("annotations"), "annotations")]
    groups += [("prediction", p) for p in json_list(fields.get("predictions"), "predictions")]
    for number, (kind, found) in enumerate(groups, 1):
        annotation = json_object(found, kind)
        if annotation.get("was_cancelled"):
            continue
        annotator = _annotator(annotation, context.annotator)
        for result in json_list(annotation.get("result"), f"{kind} {number} result"):
            item = json_object(result, "result")
            if item.get("type") != "labels":
                if context.strict:
                    raise RecordError(f"result of type {item.get('type')!r}: only 'labels'"
                                      " results can be imported")
                continue
            value = json_object(item.get("value"), "result value")
            labels = json_list(value.get("labels"), "labels")
            note = value.get("meta", item.get("meta"))
            note_text = "\n".join(note.get("text", [])) if isinstance(note, dict) else None
            for label in labels:
                uid = item.get("id")
                if uid is not None and len(labels) > 1:
                    uid = f"{uid}-{label}"
                add_span(document, value.get("start"), value.get("end"), label,
                         text=value.get("text"), annotator=annotator, note=note_text, uid=uid,
                         default_annotator=context.annotator, what=f"result {item.get('id')}")
    return document


FORMAT = Format(
    name="label-studio",
    description="Label Studio tasks: one JSON array, a `labels` result per span",
    suffix=".json",
    exporter=TextExport(export),
    importer=Import(parse, layout="json-array"),
)

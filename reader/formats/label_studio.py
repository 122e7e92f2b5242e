"""Label Studio tasks: a JSON array, one task per document, one annotation per annotator,
each span a `labels` result on the `text` object (code-point offsets, with the span text),
each relation a `relation` result from the head span's result to the child's, and the
annotator's document labels one `choices` result.

The matching labelling config is `<Labels name="label" toName="text">` over
`<Text name="text" value="$text"/>`, with `<Relations>` for the relation labels and
`<Choices name="doc_label" toName="text" choice="multiple">` for the document labels.
Each task's top-level `id` is the document's id: Label Studio gives imported tasks ids of its
own, but its SDK's converter and other readers of the file key tasks by it. With `--as
predictions` each annotator's work is a prediction (machine pre-annotation for review) with
a `model_version` (`--model-version`, else the annotator's name) instead of an annotation.
Label Studio keeps its own user ids in `completed_by`, so the annotator's name goes in
`reader_annotator`; notes become the region's meta text, and a span's own meta (its
provenance: a suggestion's source, a gold span's curation) the region's other meta keys.
Importing takes annotations and predictions alike: `labels` results are spans, `relation`
results relations (a `left` one points the other way, a `bi` one is two relations),
document-wide `choices` results document labels; other results are skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_cats,
    add_relation,
    add_span,
    check_keys,
    json_list,
    json_object,
    new_document,
    shown,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary

FROM_NAME = "label"
TO_NAME = "text"
CHOICES_NAME = "doc_label"
LS_KEYS = frozenset({"id", "data", "annotations", "predictions", "meta", "created_at",
                     "updated_at", "inner_id", "total_annotations", "cancelled_annotations",
                     "total_predictions", "comment_count", "unresolved_comment_count",
                     "last_comment_updated_at", "project", "updated_by", "file_upload",
                     "comment_authors", "annotators", "drafts"})
LS_DATA_KEYS = frozenset({"text", "id", "source", "sha256", "status", "meta"})
NESTED_META = "reader_meta"
RESERVED_META = frozenset({"text", NESTED_META})


def task(row: ExportRow, options: ExportOptions) -> dict[str, Any]:
    by_annotator: dict[str, list[dict[str, Any]]] = {}
    for span in row.spans():
        result: dict[str, Any] = {
            "id": span["id"], "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
            "value": {"start": span["start"], "end": span["end"], "text": span["text"],
                      "labels": [span["label"]]},
        }
        meta = region_meta(span["note"], span.get("meta"))
        if meta:
            result["meta"] = meta
        by_annotator.setdefault(span["annotator"], []).append(result)
    if row.relation_count:
        for relation in row.relations():
            by_annotator.setdefault(relation["annotator"], []).append(
                {"id": relation["id"], "from_id": relation["head"],
                 "to_id": relation["child"], "type": "relation", "direction": "right",
                 "labels": [relation["label"]]})
    labels: dict[str, list[str]] = {}
    for label, annotators in row.cats_by().items():
        for annotator in annotators:
            labels.setdefault(annotator, []).append(label)
    for annotator, chosen in labels.items():
        by_annotator.setdefault(annotator, []).append(
            {"id": f"{CHOICES_NAME}-{row.id}", "from_name": CHOICES_NAME, "to_name": TO_NAME,
             "type": "choices", "value": {"choices": chosen}})
    found: dict[str, Any] = {
        "id": row.id,
        "data": {"text": row.text, "id": row.id, "source": row.source, "sha256": row.sha256,
                 "status": row.status, "meta": row.meta()},
    }
    if options.label_studio_as == "predictions":
        found["predictions"] = [
            {"model_version": options.model_version or annotator,
             "reader_annotator": annotator, "result": results}
            for annotator, results in sorted(by_annotator.items())]
    else:
        found["annotations"] = [{"reader_annotator": annotator, "result": results}
                                for annotator, results in sorted(by_annotator.items())]
    return found


def region_meta(note: str, meta: dict[str, Any] | None) -> dict[str, Any]:
    """A region's `meta`: the note as Label Studio keeps it (`text`, a list of lines'
    worth), beside the span's own meta keys (its provenance). A span meta that has a key
    of that name itself (`text`, or `reader_meta`) goes whole under `reader_meta`, so
    nothing collides and the import gets it back exactly."""
    found: dict[str, Any] = {"text": [note]} if note else {}
    if meta:
        if RESERVED_META & set(meta):
            found[NESTED_META] = meta
        else:
            found.update(meta)
    return found


def span_meta_of(region: dict[str, Any]) -> dict[str, Any] | None:
    """The span meta a region's `meta` holds (None: none), the inverse of `region_meta`."""
    nested = region.get(NESTED_META)
    if isinstance(nested, dict):
        return nested
    rest = {key: value for key, value in region.items() if key != "text"}
    return rest or None


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    """One task per line inside the array, so import errors can name a line."""
    out.write("[")
    first = True
    for row in rows:
        out.write("\n" if first else ",\n")
        first = False
        out.write(json.dumps(task(row, options), ensure_ascii=False))
        summary.wrote(row.span_count, row.relation_count, row.doc_label_count)
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
        _add_results(document, json_list(annotation.get("result"), f"{kind} {number} result"),
                     _annotator(annotation, context.annotator), context)
    return document


def _add_results(document: IncomingDocument, results: list[Any], annotator: str,
                 context: ImportContext) -> None:
    """One annotation's results: its regions first, then the relations between them (a
    relation may come before the regions it joins) and its document-wide choices."""
    regions: dict[str, list[int]] = {}  # result id -> the spans it made (one per label)
    relations: list[dict[str, Any]] = []
    for result in results:
        item = json_object(result, "result")
        kind = item.get("type")
        if kind == "relation":
            relations.append(item)
            continue
        if kind == "choices" and not _per_region(item):
            value = json_object(item.get("value"), "result value")
            chosen = json_list(value.get("choices"), "choices")
            if not all(isinstance(label, str) and label for label in chosen):
                raise RecordError(f"choices {shown(chosen)} must be labels (strings)")
            add_cats(document, chosen, annotator)
            continue
        if kind != "labels":
            if context.strict:
                raise RecordError(f"result of type {kind!r}: only 'labels', 'relation' and"
                                  " document-wide 'choices' results can be imported")
            continue
        value = json_object(item.get("value"), "result value")
        labels = json_list(value.get("labels"), "labels")
        note = value.get("meta", item.get("meta"))
        note_text = "\n".join(note.get("text", [])) if isinstance(note, dict) else None
        meta = span_meta_of(note) if isinstance(note, dict) else None
        made = regions.setdefault(str(item.get("id")), [])
        for label in labels:
            uid = item.get("id")
            if uid is not None and len(labels) > 1:
                uid = f"{uid}-{label}"
            made.append(len(document.spans))
            add_span(document, value.get("start"), value.get("end"), label,
                     text=value.get("text"), annotator=annotator, note=note_text, uid=uid,
                     meta=meta, default_annotator=annotator, what=f"result {item.get('id')}")
    for item in relations:
        _add_relation(document, item, regions)


def _per_region(item: dict[str, Any]) -> bool:
    """A `choices` result on one region (perRegion) rather than on the whole text."""
    value = item.get("value")
    return isinstance(value, dict) and "start" in value


def _add_relation(document: IncomingDocument, item: dict[str, Any],
                  regions: dict[str, list[int]]) -> None:
    what = f"relation {shown(item.get('from_id'))} -> {shown(item.get('to_id'))}"
    ends = []
    for key in ("from_id", "to_id"):
        found = regions.get(str(item.get(key)))
        if item.get(key) is None or not found:
            raise RecordError(f"{what}: {key} {shown(item.get(key))} is not a labelled region"
                              " of the same annotation")
        ends.append(found)
    labels = json_list(item.get("labels"), f"{what} labels")
    if not labels:
        raise RecordError(f"{what} has no label")
    direction = item.get("direction", "right")
    if direction not in ("right", "left", "bi"):
        raise RecordError(f"{what} direction must be right, left or bi, not {shown(direction)}")
    pairs = [(ends[0], ends[1])] if direction == "right" else [(ends[1], ends[0])]
    if direction == "bi":
        pairs.insert(0, (ends[0], ends[1]))
    uid = item.get("id")
    several = len(labels) * len(ends[0]) * len(ends[1]) * len(pairs) > 1
    for label in labels:
        for heads, children in pairs:
            for head in heads:
                for child in children:
                    add_relation(document, head, child, label,
                                 uid=None if uid is None or several else uid, what=what)


FORMAT = Format(
    name="label-studio",
    description="Label Studio tasks: one JSON array, a `labels` result per span",
    suffix=".json",
    exporter=TextExport(export),
    importer=Import(parse, layout="json-array"),
)

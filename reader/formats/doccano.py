"""doccano JSONL: sequence labelling (`{"text", "label": [[start, end, "LABEL"], ...]}`) or,
when the export holds relations, doccano's relation layout for every record
(`"entities": [{"id", "label", "start_offset", "end_offset"}]` and
`"relations": [{"id", "from_id", "to_id", "type"}]`, ids numbered through the file). When it
holds document labels, every record gets `"cats": [...]`, as doccano's intent-detection
(category and span) projects read them.

doccano's browser front end counts offsets in UTF-16 code units, so that is the default
(`--offsets utf16`); `--offsets codepoints` gives Python str indices like every other format.
Each record carries the document's `id` and `meta`, which doccano keeps as the example's
metadata and writes back on its export, so annotations coming back join the corpus. doccano's
default project drops overlapping spans on import: the summary counts them and names the
project setting that keeps them. On import, keys other than doccano's own are its metadata
columns: they go into meta; `label` may also hold a text classification project's labels
(strings), which become document labels."""

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
    chosen_labels,
    json_list,
    json_object,
    new_document,
    shown,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary, describe_span, overlapping
from reader.formats.utf16 import Utf16Offsets

OFFSET_UNITS = ("utf16", "codepoints")
OVERLAPS = ("overlapping spans (a doccano project drops them on import unless"
            " 'Allow overlapping spans' is ticked in its settings)")
DOCCANO_KEYS = frozenset({"id", "text", "label", "labels", "meta", "Comments", "comments",
                          "entities", "relations", "cats"})


class _Numbers:
    """doccano's entity and relation ids: integers, unique through the file."""

    def __init__(self) -> None:
        self.entities = 0
        self.relations = 0


def record(row: ExportRow, options: ExportOptions, numbers: _Numbers) -> dict[str, Any]:
    spans = row.spans()
    if options.offsets == "utf16" and spans:
        units = Utf16Offsets(row.text)
        offsets = [(units.to_utf16(s["start"]), units.to_utf16(s["end"])) for s in spans]
    else:
        offsets = [(s["start"], s["end"]) for s in spans]
    found: dict[str, Any] = {"id": row.id, "text": row.text}
    if not row.facts.relations:
        found["label"] = [[start, end, span["label"]]
                          for (start, end), span in zip(offsets, spans, strict=True)]
    else:
        ids = {}
        entities = []
        for (start, end), span in zip(offsets, spans, strict=True):
            numbers.entities += 1
            ids[span["id"]] = numbers.entities
            entities.append({"id": numbers.entities, "label": span["label"],
                             "start_offset": start, "end_offset": end})
        relations = []
        for relation in row.relations():
            numbers.relations += 1
            relations.append({"id": numbers.relations, "from_id": ids[relation["head"]],
                              "to_id": ids[relation["child"]], "type": relation["label"]})
        found["entities"] = entities
        found["relations"] = relations
    if row.facts.doc_labels:
        found["cats"] = list(row.cats())
    found["meta"] = row.meta()
    return found


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    numbers = _Numbers()
    for row in rows:
        for span in overlapping(row.spans()):
            summary.note(OVERLAPS, describe_span(row.id, span))
        out.write(json.dumps(record(row, options, numbers), ensure_ascii=False))
        out.write("\n")
        summary.wrote(row.span_count, row.relation_count, row.doc_label_count)


def _span(document: IncomingDocument, item: Any, what: str, units: Utf16Offsets | None,
          annotator: str) -> Any:
    """Add one `[start, end, LABEL]` or `{"start_offset", "end_offset", "label", "id"}`
    span; its id (None without one)."""
    uid = None
    if isinstance(item, dict):
        uid = item.get("id")
        start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
    elif isinstance(item, list) and len(item) == 3:
        start, end, label = item
    else:
        raise RecordError(f"{what} must be [start, end, LABEL], not {shown(item)}")
    if units is not None and isinstance(start, int) and isinstance(end, int):
        try:
            start, end = units.to_codepoints(start), units.to_codepoints(end)
        except ValueError as error:
            raise RecordError(f"{what}: {error} (an emoji cut in half)") from None
    add_span(document, start, end, label, default_annotator=annotator, what=what)
    return uid


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    fields = json_object(record)
    check_keys(fields, DOCCANO_KEYS, "record", context)
    meta = dict(fields.get("meta") or {}) if isinstance(fields.get("meta"), dict) else {}
    meta.update({key: value for key, value in fields.items() if key not in DOCCANO_KEYS})
    document = new_document(fields.get("text"), where, meta=meta, record_id=fields.get("id"))
    units = Utf16Offsets(document.text) if context.offsets == "utf16" else None
    annotator = context.annotator
    labels = fields.get("label", fields.get("labels"))
    cats: list[str] = []
    for number, item in enumerate(json_list(labels, "label"), 1):
        if isinstance(item, str) and item:  # a text classification project's label
            cats.append(item)
            continue
        _span(document, item, f"label {number}", units, annotator)
    entities: dict[str, int] = {}
    for number, item in enumerate(json_list(fields.get("entities"), "entities"), 1):
        uid = _span(document, item, f"entity {number}", units, annotator)
        if uid is not None:
            entities[json.dumps(uid)] = len(document.spans) - 1
    for number, item in enumerate(json_list(fields.get("relations"), "relations"), 1):
        what = f"relation {number}"
        relation = json_object(item, what)
        ends = []
        for key in ("from_id", "to_id"):
            position = entities.get(json.dumps(relation.get(key)))
            if position is None:
                raise RecordError(f"{what} {key} {shown(relation.get(key))} is not the id of"
                                  " an entity of this record")
            ends.append(position)
        add_relation(document, ends[0], ends[1], relation.get("type"), what=what)
    add_cats(document, cats + chosen_labels(fields.get("cats")), annotator)
    return document


FORMAT = Format(
    name="doccano",
    description="doccano JSON Lines: spans, relations, categories (UTF-16 offsets by default)",
    suffix=".jsonl",
    exporter=TextExport(export),
    importer=Import(parse),
)

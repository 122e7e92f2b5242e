"""reader's own JSON Lines: one document per line, spans with exact code-point offsets, the
relations between them (`head` and `child` are span ids) and the document labels as spaCy
writes them (`cats`, with who gave each in `cats_by`).

The keys make each line a Prodigy spans task too, and the file loads as is with
pandas.read_json(lines=True) and datasets.load_dataset("json"). Importing reads the same
keys back (and Prodigy's `_annotator_id` and `answer`, which `prodigy` shares)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    add_cats,
    add_relation_objects,
    add_span_objects,
    check_keys,
    chosen_labels,
    json_list,
    json_object,
    new_document,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary

DOCUMENT_KEYS = ("id", "text", "source", "sha256", "meta", "status", "spans", "relations",
                 "cats", "cats_by")
SPAN_KEYS = ("id", "start", "end", "label", "text", "annotator", "note", "created_at",
             "updated_at", "meta")
RELATION_KEYS = ("id", "head", "child", "label", "annotator", "created_at", "updated_at")
JSONL_KEYS = frozenset(DOCUMENT_KEYS)
JSONL_SPAN_KEYS = frozenset(SPAN_KEYS)
JSONL_RELATION_KEYS = frozenset(RELATION_KEYS)
REJECTED_ANSWERS = frozenset({"reject", "ignore"})


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        out.write(row.json_head)
        out.write(row.spans_json)
        out.write(row.json_tail())
        out.write("\n")
        summary.wrote(row.span_count, row.relation_count, row.doc_label_count)


def parse(record: object, where: str, context: ImportContext,
          keys: frozenset[str] = JSONL_KEYS,
          span_keys: frozenset[str] = JSONL_SPAN_KEYS,
          relation_keys: frozenset[str] = JSONL_RELATION_KEYS) -> IncomingDocument:
    fields = json_object(record)
    check_keys(fields, keys, "record", context)
    document = new_document(fields.get("text"), where, source=fields.get("source"),
                            meta=fields.get("meta"), status=fields.get("status"),
                            sha256=fields.get("sha256"), record_id=fields.get("id"))
    annotator = fields.get("_annotator_id") or context.annotator
    if fields.get("answer") in REJECTED_ANSWERS:
        return document  # a rejected Prodigy task: its spans are known to be wrong
    add_span_objects(document, json_list(fields.get("spans"), "spans"), annotator, context,
                     span_keys)
    add_relation_objects(document, json_list(fields.get("relations"), "relations"), context,
                         relation_keys)
    add_cats(document, chosen_labels(fields.get("cats")), annotator, fields.get("cats_by"))
    return document


FORMAT = Format(
    name="jsonl",
    description="reader's JSON Lines: a document per line, spans in code points",
    suffix=".jsonl",
    exporter=TextExport(export, json_head=True),  # the query builds each line's head
    importer=Import(parse),
)

"""Turn each supported input format's records into checked `IncomingDocument`s.

jsonl is reader's own export; prodigy adds Prodigy's keys (tokens, hashes, answer);
doccano has `label: [[start, end, LABEL]]` (UTF-16 offsets by default, like doccano);
label-studio has tasks with `annotations[].result[]` and `predictions[].result[]`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_span,
    add_span_objects,
    check_keys,
    new_document,
)
from reader.formats.jsonl import DOCUMENT_KEYS, SPAN_KEYS
from reader.formats.utf16 import Utf16Offsets

JSONL_KEYS = frozenset(DOCUMENT_KEYS)
JSONL_SPAN_KEYS = frozenset(SPAN_KEYS)
PRODIGY_KEYS = JSONL_KEYS | {"tokens", "_input_hash", "_task_hash", "_view_id", "answer",
                             "_timestamp", "_annotator_id", "_session_id", "_is_binary"}
PRODIGY_SPAN_KEYS = JSONL_SPAN_KEYS | {"token_start", "token_end", "source", "input_hash"}
DOCCANO_KEYS = frozenset({"id", "text", "label", "labels", "meta", "Comments", "comments"})
LS_KEYS = frozenset({"id", "data", "annotations", "predictions", "meta", "created_at",
                     "updated_at", "inner_id", "total_annotations", "cancelled_annotations",
                     "total_predictions", "comment_count", "unresolved_comment_count",
                     "last_comment_updated_at", "project", "updated_by", "file_upload",
                     "comment_authors", "annotators", "drafts"})
LS_DATA_KEYS = frozenset({"text", "id", "source", "sha256", "status", "meta"})
REJECTED_ANSWERS = frozenset({"reject", "ignore"})

Parser = Callable[[Any, str, ImportContext], IncomingDocument]


def _object(record: Any, what: str = "record") -> dict[str, Any]:
    if not isinstance(record, dict):
        raise RecordError(f"{what} must be a JSON object, not {type(record).__name__}")
    return record


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what} must be a list, not {type(value).__name__}")
    return value


def parse_jsonl(record: Any, where: str, context: ImportContext,
                keys: frozenset[str] = JSONL_KEYS,
                span_keys: frozenset[str] = JSONL_SPAN_KEYS) -> IncomingDocument:
    record = _object(record)
    check_keys(record, keys, "record", context)
    document = new_document(record.get("text"), where, source=record.get("source"),
                            meta=record.get("meta"), status=record.get("status"),
                            sha256=record.get("sha256"), record_id=record.get("id"))
    annotator = record.get("_annotator_id") or context.annotator
    if record.get("answer") in REJECTED_ANSWERS:
        return document  # a rejected Prodigy task: its spans are known to be wrong
    add_span_objects(document, _list(record.get("spans"), "spans"), annotator, context,
                     span_keys)
    return document


def parse_prodigy(record: Any, where: str, context: ImportContext) -> IncomingDocument:
    return parse_jsonl(record, where, context, PRODIGY_KEYS, PRODIGY_SPAN_KEYS)


def parse_doccano(record: Any, where: str, context: ImportContext) -> IncomingDocument:
    """Keys other than doccano's own are its metadata columns: they go into meta."""
    record = _object(record)
    check_keys(record, DOCCANO_KEYS, "record", context)
    meta = dict(record.get("meta") or {}) if isinstance(record.get("meta"), dict) else {}
    meta.update({key: value for key, value in record.items() if key not in DOCCANO_KEYS})
    document = new_document(record.get("text"), where, meta=meta, record_id=record.get("id"))
    labels = record.get("label", record.get("labels"))
    units = Utf16Offsets(document.text) if context.offsets == "utf16" else None
    for number, item in enumerate(_list(labels, "label"), 1):
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


def _ls_annotator(annotation: dict[str, Any], fallback: str) -> str:
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


def parse_label_studio(record: Any, where: str, context: ImportContext) -> IncomingDocument:
    record = _object(record, "task")
    check_keys(record, LS_KEYS, "task", context)
    data = _object(record.get("data"), "data")
    check_keys(data, LS_DATA_KEYS, "data", context)
    meta = dict(data.get("meta") or {}) if isinstance(data.get("meta"), dict) else {}
    meta.update({key: value for key, value in data.items() if key not in LS_DATA_KEYS})
    document = new_document(data.get("text"), where, source=data.get("source"), meta=meta,
                            status=data.get("status"), sha256=data.get("sha256"),
                            record_id=data.get("id"))
    groups = [("annotation", a) for a in _list(record.get("annotations"), "annotations")]
    groups += [("prediction", p) for p in _list(record.get("predictions"), "predictions")]
    for number, (kind, annotation) in enumerate(groups, 1):
        annotation = _object(annotation, kind)
        if annotation.get("was_cancelled"):
            continue
        annotator = _ls_annotator(annotation, context.annotator)
        for item in _list(annotation.get("result"), f"{kind} {number} result"):
            item = _object(item, "result")
            if item.get("type") != "labels":
                if context.strict:
                    raise RecordError(f"result of type {item.get('type')!r}: only 'labels'"
                                      " results can be imported")
                continue
            value = _object(item.get("value"), "result value")
            labels = _list(value.get("labels"), "labels")
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


PARSERS: dict[str, Parser] = {
    "jsonl": parse_jsonl,
    "prodigy": parse_prodigy,
    "doccano": parse_doccano,
    "label-studio": parse_label_studio,
}


def detect(record: Any) -> str:
    """Guess a JSON Lines file's format from its first record."""
    if not isinstance(record, dict):
        return "jsonl"
    if "data" in record:
        return "label-studio"
    if ("label" in record or "labels" in record) and "spans" not in record:
        return "doccano"
    if {"tokens", "_input_hash", "_task_hash", "answer"} & set(record):
        return "prodigy"
    return "jsonl"

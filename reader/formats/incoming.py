"""Records coming in from a file, checked before anything touches the database.

A bad record raises `RecordError` with the reason; the import command prefixes FILE:LINE.
Offsets must be code points, end exclusive, inside the text; a span that carries its text
must match `text[start:end]` exactly. A relation joins two spans of the same record (named
by their ids in the file, any string, or by their offsets and label) and of one annotator;
document labels are the record's `cats`."""

from __future__ import annotations

import json
import reprlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from reader.formats.records import STATUSES, document_id
from reader.text.loading import text_sha256


class RecordError(ValueError):
    """Why one record cannot be imported."""


class IncomingSpan(NamedTuple):
    """A checked span; a tuple, so the importer's hot loop can unpack it."""

    start: int
    end: int
    label: str
    text: str
    annotator: str
    note: str = ""
    uid: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    meta: str = "{}"  # the span's meta as a JSON object (provenance), as stored


class IncomingRelation(NamedTuple):
    """A checked relation between two spans of its document, named by their positions in
    `IncomingDocument.spans` (their ids in the file may be anything, or missing)."""

    head: int
    child: int
    label: str
    annotator: str
    uid: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(slots=True)
class IncomingDocument:
    text: str
    sha256: str
    source: str | None
    meta: dict[str, Any]
    status: str | None
    where: str  # FILE:LINE, for messages
    spans: list[IncomingSpan] = field(default_factory=list)
    relations: list[IncomingRelation] = field(default_factory=list)
    cats: list[tuple[str, str]] = field(default_factory=list)  # (label, annotator)


@dataclass(frozen=True)
class ImportContext:
    """What a format parser needs besides the record itself."""

    annotator: str
    strict: bool = False
    offsets: str = "codepoints"


def _str(value: Any, what: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise RecordError(f"{what} must be a string, not {type(value).__name__}")
    if not value and not allow_empty:
        raise RecordError(f"{what} is empty")
    return value


_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = _SHOWN.maxlong = 60
_SHOWN.maxlist = _SHOWN.maxdict = _SHOWN.maxtuple = 6
_SHOWN.maxlevel = 3


def shown(value: Any) -> str:
    """`repr(value)`, abbreviated: an error line names the bad value, but a 100 MB string, a
    huge list or a deep structure in a record must not become a 100 MB error line."""
    return _SHOWN.repr(value)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{what} must be an integer, not {shown(value)}")
    return value


def check_keys(record: dict[str, Any], known: frozenset[str], what: str,
               context: ImportContext) -> None:
    """In --strict mode any key the format does not define is an error."""
    if context.strict:
        unknown = sorted(set(record) - known)
        if unknown:
            raise RecordError(f"unknown {what} key{'s' * (len(unknown) > 1)}: "
                              f"{', '.join(unknown)}")


def new_document(record_text: Any, where: str, *, source: Any = None, meta: Any = None,
                 status: Any = None, sha256: Any = None, record_id: Any = None
                 ) -> IncomingDocument:
    """A checked document. An id that is not reader's own (the text hash prefix) is kept
    in meta as `import_id`, so the dataset's own ids are not lost."""
    if record_text is None:
        raise RecordError("no text (every record needs the document's text, a string)")
    text = _str(record_text, "text")
    if "\x00" in text:
        raise RecordError("text contains NUL characters")
    digest = text_sha256(text)
    if sha256 is not None and sha256 != digest:
        raise RecordError("sha256 does not match the text")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise RecordError(f"meta must be an object, not {type(meta).__name__}")
    if status is not None and status not in STATUSES:
        raise RecordError(f"status must be one of {', '.join(STATUSES)}, not {shown(status)}")
    if source is not None:
        source = _str(source, "source")
    if record_id is not None and record_id != "":
        if isinstance(record_id, bool) or not isinstance(record_id, str | int):
            raise RecordError(f"id must be a string or integer, not {shown(record_id)}")
        if record_id != document_id(digest) and "import_id" not in meta:
            meta = {**meta, "import_id": record_id}
    return IncomingDocument(text, digest, source, meta, status, where)


def span_meta(value: Any, what: str = "span") -> str:
    """A span's `meta` (an object; none is `{}`) as the JSON text the store keeps."""
    if value is None:
        return "{}"
    if not isinstance(value, dict):
        raise RecordError(f"{what} meta must be an object, not {type(value).__name__}")
    return json.dumps(value, ensure_ascii=False)


def add_span(document: IncomingDocument, start: Any, end: Any, label: Any, *,
             text: Any = None, annotator: Any = None, note: Any = None, uid: Any = None,
             created_at: Any = None, updated_at: Any = None, meta: Any = None,
             default_annotator: str, what: str = "span") -> None:
    """Check one span against its document and add it, or say exactly what is wrong."""
    start = _int(start, f"{what} start")
    end = _int(end, f"{what} end")
    length = len(document.text)
    if not 0 <= start < end <= length:
        raise RecordError(f"{what} [{start}:{end}] is outside the text (length {length})"
                          if end > length or start < 0 else
                          f"{what} [{start}:{end}] is empty or reversed")
    label = _str(label, f"{what} label")
    actual = document.text[start:end]
    if text is not None and text != actual:
        raise RecordError(f"{what} [{start}:{end}] text {shown(text)} does not match the"
                          f" document text there, {shown(actual)}")
    document.spans.append(IncomingSpan(
        start, end, label, actual,
        default_annotator if annotator is None else _str(annotator, f"{what} annotator"),
        "" if note is None else _str(note, f"{what} note", allow_empty=True),
        None if uid is None else _uid(uid, what),
        None if created_at is None else _str(created_at, f"{what} created_at"),
        None if updated_at is None else _str(updated_at, f"{what} updated_at"),
        span_meta(meta, what),
    ))


def add_span_objects(document: IncomingDocument, spans: list[Any], default_annotator: str,
                     context: ImportContext, known: frozenset[str]) -> None:
    """Add reader/Prodigy span objects. This is the import's hot loop: a well-formed span
    passes one combined test; anything else goes through `add_span` for the exact reason."""
    doc_text = document.text
    length = len(doc_text)
    append = document.spans.append
    for number, span in enumerate(spans, 1):
        if type(span) is not dict:
            raise RecordError(f"span {number} must be a JSON object, not {type(span).__name__}")
        if context.strict:
            check_keys(span, known, f"span {number}", context)
        get = span.get
        start, end, label, text = get("start"), get("end"), get("label"), get("text")
        annotator, note, uid = get("annotator"), get("note"), get("id")
        created_at, updated_at, meta = get("created_at"), get("updated_at"), get("meta")
        if (type(start) is int and type(end) is int and 0 <= start < end <= length
                and type(label) is str and label
                and (text is None or text == doc_text[start:end])
                and (annotator is None or (type(annotator) is str and annotator))
                and (note is None or type(note) is str)
                and (uid is None or (type(uid) is str and uid))
                and (created_at is None or (type(created_at) is str and created_at))
                and (updated_at is None or (type(updated_at) is str and updated_at))
                and (meta is None or type(meta) is dict)):
            append(IncomingSpan(start, end, label, doc_text[start:end],
                                annotator or default_annotator, note or "", uid, created_at,
                                updated_at, "{}" if meta is None else span_meta(meta)))
        else:
            add_span(document, start, end, label, text=text, annotator=annotator, note=note,
                     uid=uid, created_at=created_at, updated_at=updated_at, meta=meta,
                     default_annotator=default_annotator, what=f"span {number}")


def _uid(value: Any, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _str(value, f"{what} id")


def span_ids(document: IncomingDocument) -> dict[str, int]:
    """The file's span ids -> their positions in `document.spans`; an id two spans share
    maps to -1 (a relation cannot name it)."""
    found: dict[str, int] = {}
    for number, span in enumerate(document.spans):
        if span.uid is not None:
            found[span.uid] = -1 if span.uid in found else number
    return found


def add_relation(document: IncomingDocument, head: int, child: int, label: Any, *,
                 annotator: Any = None, uid: Any = None, created_at: Any = None,
                 updated_at: Any = None, what: str = "relation") -> None:
    """Check one relation between the spans at positions `head` and `child` and add it.
    Both spans are the relation's annotator's (by default the head span's): a relation
    joins two spans of one annotator, as in the reader."""
    label = _str(label, f"{what} label")
    first, second = document.spans[head], document.spans[child]
    who = first.annotator if annotator is None else _str(annotator, f"{what} annotator")
    if first.annotator != who or second.annotator != who:
        owners = sorted({first.annotator, second.annotator})
        raise RecordError(f"{what} is {shown(who)}'s but joins spans of"
                          f" {' and '.join(map(shown, owners))}: a relation joins two spans"
                          " of its own annotator")
    if first[:3] == second[:3]:
        raise RecordError(f"{what} joins the span [{first.start}:{first.end}] {shown(label)}"
                          " to itself")
    document.relations.append(IncomingRelation(
        head, child, label, who,
        None if uid is None else _uid(uid, what),
        None if created_at is None else _str(created_at, f"{what} created_at"),
        None if updated_at is None else _str(updated_at, f"{what} updated_at"),
    ))


def find_span(document: IncomingDocument, found: Any, annotator: str | None,
              what: str) -> int:
    """The position of the record's span that `found` describes (a span object: its `id`
    if it has one, else its start, end and label; `annotator`'s when several match)."""
    described = json_object(found, what)
    uid = described.get("id")
    if uid is not None:
        number = span_ids(document).get(_uid(uid, what), -2)
        if number >= 0:
            return number
        if number == -1:
            raise RecordError(f"{what} names span id {shown(uid)}, which two spans share")
    key = (described.get("start"), described.get("end"), described.get("label"))
    matches = [number for number, span in enumerate(document.spans) if span[:3] == key]
    if not matches:
        raise RecordError(f"{what} [{shown(key[0])}:{shown(key[1])}] {shown(key[2])} is not"
                          " a span of this record")
    mine = [number for number in matches if document.spans[number].annotator == annotator]
    return (mine or matches)[0]


def add_relation_objects(document: IncomingDocument, relations: list[Any],
                         context: ImportContext, known: frozenset[str]) -> None:
    """Add reader's relation objects (`head` and `child` are ids of spans in the record)
    or Prodigy's (`head_span` and `child_span` describe the spans; `head` and `child` are
    then token indices, not used)."""
    ids: dict[str, int] | None = None
    for number, found in enumerate(relations, 1):
        what = f"relation {number}"
        relation = json_object(found, what)
        check_keys(relation, known, what, context)
        annotator = relation.get("annotator")
        ends = []
        for end in ("head", "child"):
            if f"{end}_span" in relation:
                ends.append(find_span(document, relation[f"{end}_span"],
                                      annotator if isinstance(annotator, str) else None,
                                      f"{what} {end}_span"))
                continue
            if ids is None:
                ids = span_ids(document)
            given = relation.get(end)
            if given is None:
                raise RecordError(f"{what} has no {end}")
            position = ids.get(_uid(given, f"{what} {end}"), -2)
            if position == -1:
                raise RecordError(f"{what} {end} {shown(given)} is the id of two spans")
            if position < 0:
                raise RecordError(f"{what} {end} {shown(given)} is not the id of a span of"
                                  " this record")
            ends.append(position)
        add_relation(document, ends[0], ends[1], relation.get("label"), annotator=annotator,
                     uid=relation.get("id"), created_at=relation.get("created_at"),
                     updated_at=relation.get("updated_at"), what=what)


def chosen_labels(cats: Any, what: str = "cats") -> list[str]:
    """Document labels from `{label: score}` (spaCy's convention: a score of 0.5 or more
    is chosen) or a list of labels (doccano's)."""
    if cats is None:
        return []
    if isinstance(cats, list):
        return [_str(label, f"{what} label") for label in cats]
    if not isinstance(cats, dict):
        raise RecordError(f"{what} must be an object or a list, not {type(cats).__name__}")
    chosen = []
    for label, score in cats.items():
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
            raise RecordError(f"{what} {shown(label)} must be a number from 0 to 1, not"
                              f" {shown(score)}")
        if score >= 0.5:
            chosen.append(_str(label, f"{what} label"))
    return chosen


def add_cats(document: IncomingDocument, labels: list[str], annotator: str,
             by: Any = None) -> None:
    """Give the document `labels`, each from the annotators `by` names for it (reader's
    `cats_by`: `{label: [annotator, ...]}`), else from `annotator`."""
    if by is not None and not isinstance(by, dict):
        raise RecordError(f"cats_by must be an object, not {type(by).__name__}")
    if labels:
        annotator = _str(annotator, "annotator")
    for label in labels:
        givers = (by or {}).get(label)
        if givers is None:
            names = [annotator]
        elif isinstance(givers, list) and givers:
            names = [_str(name, f"cats_by {shown(label)} annotator") for name in givers]
        else:
            raise RecordError(f"cats_by {shown(label)} must be a list of annotators, not"
                              f" {shown(givers)}")
        document.cats.extend((label, name) for name in names)


def json_object(record: object, what: str = "record") -> dict[str, Any]:
    """`record` as a JSON object, or the RecordError a format parser raises."""
    if not isinstance(record, dict):
        raise RecordError(f"{what} must be a JSON object, not {type(record).__name__}")
    return record


def json_list(value: object, what: str) -> list[Any]:
    """`value` as a JSON list (a missing one is empty), or the RecordError."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{what} must be a list, not {type(value).__name__}")
    return value

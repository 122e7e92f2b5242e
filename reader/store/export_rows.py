"""Documents with their live spans, relations and document labels, read out of the store in
one streaming query, for export.

SQLite builds each document's span, relation and label JSON (and the JSON line head for the
default format), so Python only checks the offsets and writes; memory stays flat in the
corpus size."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from reader.errors import ReaderError
from reader.store.documents import STATUSES
from reader.store.sql import as_json, in_values

__all__ = ["ID_LENGTH", "STATUSES", "ExportFacts", "ExportRow", "Selection", "begin_snapshot",
           "count_documents", "document_id", "iter_export_rows", "public_id_sql", "public_ids"]

ID_LENGTH = 16
_SEP = "\x1e"  # never raw inside SQLite's JSON text, which escapes control characters

_SPAN_FIELDS = (
    "'id', a.uid, 'start', a.start, 'end', a.end, 'label', a.label, 'text', a.text,"
    " 'annotator', a.annotator, 'note', a.note, 'created_at', a.created_at,"
    " 'updated_at', a.updated_at"
)
# A span's `meta` (provenance: an accepted suggestion's source, a gold span's curation) is
# written only when it holds something, so spans without it look as they always did.
_SPAN_JSON = (
    f"CASE WHEN a.meta = '{{}}' THEN json_object({_SPAN_FIELDS})"
    f" ELSE json_object({_SPAN_FIELDS}, 'meta', json(a.meta)) END"
)
_RELATION_JSON = (
    "json_object('id', r.uid, 'head', r.head_uid, 'child', r.child_uid, 'label', r.label,"
    " 'annotator', r.annotator, 'created_at', r.created_at, 'updated_at', r.updated_at)"
)


def document_id(sha256: str) -> str:
    """A document's id when its dataset gave it none: the start of its text hash, so the
    same text has the same id in every database and an import -> export round trip keeps
    it."""
    return sha256[:ID_LENGTH]


# Import ids that more than one document holds (as text: 7 and "7" are one name): those
# documents go by their hash, so a public id always names one document.
_SHARED_IMPORT_IDS = (
    "SELECT CAST(json_extract(meta, '$.import_id') AS TEXT) FROM documents"
    " WHERE json_type(meta, '$.import_id') IN ('text', 'integer') GROUP BY 1 HAVING count(*) > 1"
)


def public_id_sql(table: str) -> str:
    """SQL for a document's public id, the one every export, `reader agree` and error
    message uses: the id its dataset gave it on import (`meta.import_id`, a string or an
    integer as it came) unless another document has the same one, else `document_id`."""
    given = f"json_extract({table}.meta, '$.import_id')"
    return (f"CASE WHEN json_type({table}.meta, '$.import_id') IN ('text', 'integer')"
            f" AND CAST({given} AS TEXT) != ''"
            f" AND CAST({given} AS TEXT) NOT IN ({_SHARED_IMPORT_IDS})"
            f" THEN {given} ELSE substr({table}.sha256, 1, {ID_LENGTH}) END")


def public_ids(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str | int]:
    """Row id -> public id, for the documents `ids`."""
    return dict(conn.execute(
        f"SELECT id, {public_id_sql('documents')} FROM documents WHERE {in_values('id')}",
        (as_json(ids),),
    ).fetchall())


@dataclass(frozen=True)
class Selection:
    """What to export: spans with these labels by these annotators (all when empty), in
    documents whose export status is `status` (any when None)."""

    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    status: str | None = None


@dataclass(frozen=True)
class ExportFacts:
    """What holds for the whole export, known before its first row: every document label
    the selection holds (Prodigy lists them as `options`) and whether it holds any
    relation (doccano then writes its relation layout for every record)."""

    doc_labels: tuple[str, ...] = ()
    relations: bool = False


_NO_FACTS = ExportFacts()
EMPTY_TAIL = ',"relations":[],"cats":{},"cats_by":{}}'


@dataclass
class ExportRow:
    """One document ready to write: `spans_json` is the JSON array of its selected spans,
    `relations_json` of the live relations between them (by the selected annotators, in the
    order they were made), `cats_json` its document labels given by any selected annotator
    (`{"label": 1.0}`, spaCy's convention) and `cats_by_json` who gave each."""

    db_id: int
    id: str | int  # the public id (see public_id_sql)
    text: str
    source: str
    sha256: str
    meta_json: str
    status: str
    spans_json: str
    span_count: int
    json_head: str = ""
    relations_json: str = "[]"
    cats_json: str = "{}"
    cats_by_json: str = "{}"
    facts: ExportFacts = _NO_FACTS
    relation_count: int = 0
    _spans: list[dict[str, Any]] | None = field(default=None, repr=False)
    _relations: list[dict[str, Any]] | None = field(default=None, repr=False)

    def spans(self) -> list[dict[str, Any]]:
        """The spans as dicts, in text order (start, end, label, annotator, id)."""
        if self._spans is None:
            self._spans = json.loads(self.spans_json)
        return self._spans

    def relations(self) -> list[dict[str, Any]]:
        """The relations as dicts; `head` and `child` are `id`s of spans in `spans()`."""
        if self._relations is None:
            self._relations = json.loads(self.relations_json)
        return self._relations

    def cats(self) -> dict[str, float]:
        """The document labels, `{label: 1.0}`, sorted by label."""
        cats: dict[str, float] = json.loads(self.cats_json)
        return cats

    def cats_by(self) -> dict[str, list[str]]:
        """Who gave each document label: `{label: [annotator, ...]}`, both sorted."""
        by: dict[str, list[str]] = json.loads(self.cats_by_json)
        return by

    @property
    def doc_label_count(self) -> int:
        return 0 if self.cats_json == "{}" else len(self.cats())

    def spans_by_id(self) -> dict[str, dict[str, Any]]:
        return {span["id"]: span for span in self.spans()}

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = json.loads(self.meta_json)
        return meta

    def json_tail(self) -> str:
        """What follows the spans in reader's JSONL line, up to its closing brace."""
        if self.relations_json == "[]" and self.cats_json == "{}":
            return EMPTY_TAIL
        return (f',"relations":{self.relations_json},"cats":{self.cats_json}'
                f',"cats_by":{self.cats_by_json}}}')

    def record(self) -> dict[str, Any]:
        """The document as reader's JSONL record."""
        return {"id": self.id, "text": self.text, "source": self.source, "sha256": self.sha256,
                "meta": self.meta(), "status": self.status, "spans": self.spans(),
                "relations": self.relations(), "cats": self.cats(), "cats_by": self.cats_by()}


def _in_list(column: str, values: tuple[str, ...], name: str, params: dict[str, Any]) -> str:
    if not values:
        return ""
    params[name] = as_json(values)
    return " AND " + in_values(column).replace("?", f":{name}")


def status_sql(selection: Selection, params: dict[str, Any], table: str = "documents",
               who: str | None = None) -> str:
    """The export status of a document, over the selected annotators (all when none), or
    over the one the SQL expression `who` names (an assignment's, row by row):
    'done' if any of them marked it done; 'in_progress' if any opened it, set it in progress
    or has a live annotation or document label in it; else 'new'."""
    who_p = _in_list("p.annotator", selection.annotators, "sa", params)
    who_a = _in_list("x.annotator", selection.annotators, "sa", params)
    if who is not None:
        who_p, who_a = f" AND p.annotator = {who}", f" AND x.annotator = {who}"
    return (
        "CASE"
        f" WHEN EXISTS (SELECT 1 FROM progress p WHERE p.document_id = {table}.id"
        f" AND p.status = 'done'{who_p}) THEN 'done'"
        f" WHEN EXISTS (SELECT 1 FROM progress p WHERE p.document_id = {table}.id"
        f" AND (p.status = 'in_progress' OR p.opened_at IS NOT NULL){who_p})"
        f" OR EXISTS (SELECT 1 FROM annotations x WHERE x.document_id = {table}.id"
        f" AND x.deleted_at IS NULL{who_a})"
        f" OR EXISTS (SELECT 1 FROM doc_labels x WHERE x.document_id = {table}.id"
        f" AND x.deleted_at IS NULL{who_a}) THEN 'in_progress'"
        " ELSE 'new' END"
    )


def _documents_sql(selection: Selection, params: dict[str, Any]) -> str:
    where = ""
    if selection.status is not None:
        params["status"] = selection.status
        where = " WHERE d.status = :status"
    return (f"(SELECT id, text, source, sha256, meta, {status_sql(selection, params)} AS status,"
            f" {public_id_sql('documents')} AS public_id FROM documents) d{where}")


def begin_snapshot(conn: sqlite3.Connection) -> None:
    """One read transaction, so the count and the rows an export writes agree even while
    others write (WAL readers see a fixed snapshot); closing the connection ends it."""
    conn.execute("BEGIN")


def count_documents(conn: sqlite3.Connection, selection: Selection) -> int:
    """How many documents the export will write (for the progress bar)."""
    params: dict[str, Any] = {}
    if selection.status is None:
        count: int = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        return count
    count = conn.execute(f"SELECT count(*) FROM {_documents_sql(selection, params)}",
                         params).fetchone()[0]
    return count


def _end_sql(uid: str, document: str, selection: Selection, params: dict[str, Any]) -> str:
    """A relation end that is a selected live span of the document: a relation is exported
    only with both its spans."""
    return (f"EXISTS (SELECT 1 FROM annotations e WHERE e.uid = {uid}"
            f" AND e.document_id = {document} AND e.deleted_at IS NULL"
            + _in_list("e.label", selection.labels, "l", params)
            + _in_list("e.annotator", selection.annotators, "sa", params) + ")")


def _live_end_sql(uid: str, document: str) -> str:
    return (f"EXISTS (SELECT 1 FROM annotations e WHERE e.uid = {uid}"
            f" AND e.document_id = {document} AND e.deleted_at IS NULL)")


def export_facts(conn: sqlite3.Connection, selection: Selection) -> ExportFacts:
    """The document labels and whether any relation is in the selection (two short queries
    in the export's snapshot, before its rows)."""
    params: dict[str, Any] = {}
    who = _in_list("annotator", selection.annotators, "sa", params)
    labels = tuple(label for (label,) in conn.execute(
        f"SELECT DISTINCT label FROM doc_labels WHERE deleted_at IS NULL{who} ORDER BY label",
        params))
    params = {}
    who_r = _in_list("r.annotator", selection.annotators, "sa", params)
    (relations,) = conn.execute(
        f"SELECT EXISTS (SELECT 1 FROM relations r WHERE r.deleted_at IS NULL{who_r}"
        f" AND {_end_sql('r.head_uid', 'r.document_id', selection, params)}"
        f" AND {_end_sql('r.child_uid', 'r.document_id', selection, params)})",
        params).fetchone()
    return ExportFacts(labels, bool(relations))


def _query(selection: Selection, json_head: bool) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    span_filter = (_in_list("a.label", selection.labels, "l", params)
                   + _in_list("a.annotator", selection.annotators, "sa", params))
    # The packed column: span JSON array, offsets "s,e,...", count of spans whose stored text
    # has the wrong length, then all span texts joined (last: it may contain anything).
    packed = (
        "(SELECT '[' || group_concat(j, ',') || ']' || char(30) || group_concat(o, ',')"
        " || char(30) || sum(length(t) != e - s) || char(30) || group_concat(t, '')"
        f" FROM (SELECT {_SPAN_JSON} AS j, a.start || ',' || a.end AS o, a.text AS t,"
        " a.start AS s, a.end AS e"
        " FROM annotations a WHERE a.document_id = d.id AND a.deleted_at IS NULL"
        f"{span_filter} ORDER BY a.start, a.end, a.label, a.annotator, a.uid))"
    )
    who_r = _in_list("r.annotator", selection.annotators, "sa", params)
    live_relation = f"r.document_id = d.id AND r.deleted_at IS NULL{who_r}"
    relations = (  # "count<RS>[...]", NULL when there is none
        "(SELECT count(*) || char(30) || '[' || group_concat(j, ',') || ']'"
        f" FROM (SELECT {_RELATION_JSON} AS j"
        f" FROM relations r WHERE {live_relation}"
        f" AND {_end_sql('r.head_uid', 'd.id', selection, params)}"
        f" AND {_end_sql('r.child_uid', 'd.id', selection, params)} ORDER BY r.id))"
    )
    # A live relation must join two live spans of its document (the store keeps it so);
    # the first one that does not stops the export, like a drifted span.
    dangling = (
        f"(SELECT r.uid FROM relations r WHERE {live_relation}"
        f" AND NOT ({_live_end_sql('r.head_uid', 'd.id')}"
        f" AND {_live_end_sql('r.child_uid', 'd.id')}) LIMIT 1)"
    )
    who_x = _in_list("x.annotator", selection.annotators, "sa", params)
    labels = (f"(SELECT DISTINCT x.label AS label FROM doc_labels x WHERE x.document_id = d.id"
              f" AND x.deleted_at IS NULL{who_x} ORDER BY x.label) l")
    cats = f"(SELECT json_group_object(l.label, 1.0) FROM {labels})"
    who_y = _in_list("y.annotator", selection.annotators, "sa", params)
    cats_by = (
        "(SELECT json_group_object(l.label, json((SELECT json_group_array(z.annotator)"
        " FROM (SELECT y.annotator FROM doc_labels y WHERE y.document_id = d.id"
        f" AND y.label = l.label AND y.deleted_at IS NULL{who_y} ORDER BY y.annotator) z)))"
        f" FROM {labels})"
    )
    head = (
        "'{\"id\":' || json_quote(d.public_id)"
        " || ',\"text\":' || json_quote(d.text) || ',\"source\":' || json_quote(d.source)"
        " || ',\"sha256\":' || json_quote(d.sha256) || ',\"meta\":' || json(d.meta)"
        " || ',\"status\":' || json_quote(d.status) || ',\"spans\":'"
        if json_head else "''"
    )
    documents = _documents_sql(selection, params)
    sql = (f"SELECT d.id, d.public_id, d.text, d.source, d.sha256, json(d.meta), d.status,"
           f" {packed}, {head},"
           f" {relations}, {dangling}, {cats}, {cats_by}"
           f" FROM {documents} ORDER BY d.id")
    return sql, params


def iter_export_rows(conn: sqlite3.Connection, selection: Selection,
                     json_head: bool = False) -> Iterator[ExportRow]:
    """Stream the selected documents in id order, checking every span's offsets.

    A span whose stored text is not `text[start:end]`, or a live relation whose ends are
    not live spans of its document, stops the export with an error naming it: a dataset
    with a drifted span or a dangling relation must never be written silently."""
    facts = export_facts(conn, selection)
    sql, params = _query(selection, json_head)
    for (db_id, public_id, text, source, sha256, meta_json, status, packed, head, relations,
         dangling, cats, cats_by) in conn.execute(sql, params):
        if packed is None:
            spans_json, count = "[]", 0
        else:
            spans_json, offsets, bad_lengths, joined = packed.split(_SEP, 3)
            numbers = list(map(int, offsets.split(",")))
            pairs = iter(numbers)
            if bad_lengths != "0" or "".join(
                [text[start:end] for start, end in zip(pairs, pairs, strict=True)]
            ) != joined:
                _raise_mismatch(public_id, text, json.loads(spans_json))
            count = len(numbers) // 2
        if dangling is not None:
            raise ReaderError(
                f"document {public_id}: relation {dangling} joins a span that is not"
                " live in this document; the database is inconsistent; export stopped")
        if relations is None:
            relations_json, relation_count = "[]", 0
        else:
            counted, relations_json = relations.split(_SEP, 1)
            relation_count = int(counted)
        yield ExportRow(db_id, public_id, text, source, sha256, meta_json, status,
                        spans_json, count, head, relations_json, cats, cats_by, facts,
                        relation_count)


def _raise_mismatch(doc_id: str | int, text: str, spans: list[dict[str, Any]]) -> None:
    for span in spans:
        actual = text[span["start"]:span["end"]]
        if actual != span["text"]:
            raise ReaderError(
                f"document {doc_id}: span {span['id']} [{span['start']}:{span['end']}] has text"
                f" {span['text']!r} but the document has {actual!r} there; the database is"
                " inconsistent; export stopped"
            )
    raise ReaderError(f"document {doc_id}: span offsets do not match the text")

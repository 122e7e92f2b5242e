"""Curation's reads and writes: the documents to curate, one document's layers (the
annotators', the gold layer's and the decisions already made), and a decision written into
the gold layer (spans, relations, document labels, with their provenance) or undone.

The gold layer is an annotator like any other, so it opens, exports and merges as one. Its
rows are written with an `import` event (history, not a keystroke: `u` in the reader does
not take a curation back); the decision rows say who decided what, and when."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from reader.store.agreement_rows import annotated_documents
from reader.store.annotations import ChangedElsewhere, new_uid
from reader.store.database import now_iso
from reader.store.export_rows import public_id_sql
from reader.store.relations import Relation, insert_relation, soft_delete, write_doc_labels
from reader.store.sql import as_json, in_values

__all__ = ["GoldWrite", "Kind", "Layers", "RelationKey", "SpanKey", "curation_documents",
           "is_decided", "item_json", "read_layers", "undo_decision", "write_decision"]

SpanKey = tuple[int, int, str]
"""(start, end, label): what two annotators must both have for a span to agree."""
RelationKey = tuple[SpanKey, SpanKey, str]
"""(head span, child span, relation label)."""
Kind = Literal["span", "relation", "doc_label"]


@lru_cache(maxsize=1 << 16)
def item_json(kind: Kind, key: Any) -> str:
    """The text a decision stores for an item: `[start, end, label]` for a span,
    `[[head], [child], label]` for a relation, the label for a document label."""
    return json.dumps(key if kind == "doc_label" else _lists(key), ensure_ascii=False)


def _lists(value: Any) -> Any:
    return [_lists(part) for part in value] if isinstance(value, tuple) else value


@dataclass
class Layers:
    """One document as curation sees it: the participants' live spans (key -> note),
    relations and document labels; the gold layer's live and deleted items; and the
    (kind, item, annotator) triples decisions already covered."""

    document_id: int
    text: str
    participants: tuple[str, ...]
    spans: dict[str, dict[SpanKey, str]] = field(default_factory=dict)
    relations: dict[str, set[RelationKey]] = field(default_factory=dict)
    doc_labels: dict[str, set[str]] = field(default_factory=dict)
    gold_spans: dict[SpanKey, str] = field(default_factory=dict)  # key -> uid
    gold_spans_removed: set[SpanKey] = field(default_factory=set)
    gold_relations: set[RelationKey] = field(default_factory=set)
    gold_relations_removed: set[RelationKey] = field(default_factory=set)
    gold_doc_labels: set[str] = field(default_factory=set)
    gold_doc_labels_removed: set[str] = field(default_factory=set)
    decided: set[tuple[str, str, str]] = field(default_factory=set)

    def holders(self, kind: Kind, key: Any) -> tuple[str, ...]:
        """The participants who have the item, in their order."""
        if kind == "span":
            return tuple(a for a in self.participants if key in self.spans.get(a, {}))
        if kind == "relation":
            return tuple(a for a in self.participants if key in self.relations.get(a, set()))
        return tuple(a for a in self.participants if key in self.doc_labels.get(a, set()))

    def in_gold(self, kind: Kind, key: Any) -> bool:
        """Gold has the item, or had it and the curator deleted it."""
        if kind == "span":
            return key in self.gold_spans or key in self.gold_spans_removed
        if kind == "relation":
            return key in self.gold_relations or key in self.gold_relations_removed
        return key in self.gold_doc_labels or key in self.gold_doc_labels_removed

    def settled(self, kind: Kind, key: Any, annotator: str) -> bool:
        return self.in_gold(kind, key) or (kind, item_json(kind, key), annotator) in self.decided

    def keys(self, kind: Kind) -> list[Any]:
        """Every item of that kind a participant has, in text (then label) order."""
        found: set[Any] = set()
        for annotator in self.participants:
            if kind == "span":
                found.update(self.spans.get(annotator, {}))
            elif kind == "relation":
                found.update(self.relations.get(annotator, set()))
            else:
                found.update(self.doc_labels.get(annotator, set()))
        return sorted(found)

    def note(self, key: SpanKey, holders: Iterable[str]) -> str:
        """The holders' note on the span when they all wrote the same one, else none."""
        notes = {self.spans[a][key] for a in holders}
        return notes.pop() if len(notes) == 1 else ""


def curation_documents(conn: sqlite3.Connection, annotators: Sequence[str],
                       ids: Collection[int] | None = None,
                       finished: bool = False) -> list[tuple[int, tuple[str, ...]]]:
    """(document id, participants) of the documents two or more of `annotators` annotated
    (a live span or document label, or marked done), in id order; participants in the
    order given. `ids` keeps only those documents (`documents_named` resolves names);
    `finished`, only documents every participant marked done."""
    annotated = annotated_documents(conn)
    wanted = None if ids is None else set(ids)
    done: dict[int, set[str]] = {}
    if finished:
        for document_id, annotator in conn.execute(
                f"SELECT document_id, annotator FROM progress WHERE status = 'done'"
                f" AND {in_values('annotator')}", (as_json(annotators),)):
            done.setdefault(document_id, set()).add(annotator)
    found = []
    for document_id in sorted(annotated):
        participants = tuple(a for a in annotators if a in annotated[document_id])
        if len(participants) < 2 or (wanted is not None and document_id not in wanted):
            continue
        if finished and not set(participants) <= done.get(document_id, set()):
            continue
        found.append((document_id, participants))
    return found


def document_titles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """Document id -> public id and title, as the curation screen names a document."""
    return {row_id: f"{public} · {title}" for row_id, public, title in conn.execute(
        f"SELECT id, {public_id_sql('documents')}, title FROM documents"
        f" WHERE {in_values('id')}", (as_json(ids),))}


def read_layers(conn: sqlite3.Connection, document_id: int, participants: tuple[str, ...],
                gold: str) -> Layers:
    """Everything curation needs to know about one document."""
    (text,) = conn.execute("SELECT text FROM documents WHERE id = ?",
                           (document_id,)).fetchone()
    layers = Layers(document_id, text, participants)
    who = as_json([*participants, gold])
    for annotator, start, end, label, note, uid, deleted in conn.execute(
            "SELECT annotator, start, end, label, note, uid, deleted_at IS NOT NULL"
            f" FROM annotations WHERE document_id = ? AND {in_values('annotator')}"
            " ORDER BY id", (document_id, who)):
        key = (start, end, label)
        if annotator == gold:
            if not deleted:
                layers.gold_spans[key] = uid
            else:
                layers.gold_spans_removed.add(key)
        elif not deleted:
            layers.spans.setdefault(annotator, {})[key] = note
    for annotator, head, child, label, deleted in conn.execute(
            "SELECT r.annotator, json_array(h.start, h.end, h.label),"
            " json_array(c.start, c.end, c.label), r.label, r.deleted_at IS NOT NULL"
            " FROM relations r JOIN annotations h ON h.uid = r.head_uid"
            " JOIN annotations c ON c.uid = r.child_uid"
            f" WHERE r.document_id = ? AND {in_values('r.annotator')} ORDER BY r.id",
            (document_id, who)):
        relation: RelationKey = (_span_key(head), _span_key(child), label)
        if annotator == gold:
            (layers.gold_relations_removed if deleted else layers.gold_relations).add(relation)
        elif not deleted:
            layers.relations.setdefault(annotator, set()).add(relation)
    for annotator, label, deleted in conn.execute(
            "SELECT annotator, label, deleted_at IS NOT NULL FROM doc_labels"
            f" WHERE document_id = ? AND {in_values('annotator')}", (document_id, who)):
        if annotator == gold:
            (layers.gold_doc_labels_removed if deleted else layers.gold_doc_labels).add(label)
        elif not deleted:
            layers.doc_labels.setdefault(annotator, set()).add(label)
    layers.gold_relations_removed -= layers.gold_relations
    layers.gold_doc_labels_removed -= layers.gold_doc_labels
    layers.gold_spans_removed -= set(layers.gold_spans)
    _forget_undone(conn, layers, gold)
    layers.decided = {(kind, item, annotator) for kind, item, annotator in conn.execute(
        "SELECT kind, item, annotator FROM curation_items WHERE gold = ? AND document_id = ?",
        (gold, document_id))}
    return layers


def _span_key(raw: str) -> SpanKey:
    start, end, label = json.loads(raw)
    return start, end, label


def _forget_undone(conn: sqlite3.Connection, layers: Layers, gold: str) -> None:
    """Gold items an undone decision had made and took back were not deleted by the
    curator: they may be offered again."""
    undone: dict[str, set[Any]] = {"spans": set(), "relations": set(), "doc_labels": set()}
    for (made,) in conn.execute(
            "SELECT made FROM curation_decisions WHERE gold = ? AND document_id = ?"
            " AND undone_at IS NOT NULL", (gold, layers.document_id)):
        for name, items in json.loads(made).items():
            undone.setdefault(name, set()).update(items)
    if not any(undone.values()):
        return
    for uid, start, end, label in conn.execute(
            f"SELECT uid, start, end, label FROM annotations WHERE {in_values('uid')}",
            (as_json(undone["spans"]),)):
        if uid in undone["spans"]:
            layers.gold_spans_removed.discard((start, end, label))
    for head, child, label in conn.execute(
            "SELECT json_array(h.start, h.end, h.label), json_array(c.start, c.end, c.label),"
            " r.label FROM relations r JOIN annotations h ON h.uid = r.head_uid"
            f" JOIN annotations c ON c.uid = r.child_uid WHERE {in_values('r.uid')}",
            (as_json(undone["relations"]),)):
        layers.gold_relations_removed.discard((_span_key(head), _span_key(child), label))
    layers.gold_doc_labels_removed -= undone["doc_labels"]


@dataclass
class GoldWrite:
    """What one decision writes into the gold layer: spans (key, note, meta), relations
    (key, meta: their ends are gold spans, found by key or written with the relation's
    meta when gold lacks them), document labels, and the items it settles."""

    spans: list[tuple[SpanKey, str, dict[str, Any]]] = field(default_factory=list)
    relations: list[tuple[RelationKey, dict[str, Any]]] = field(default_factory=list)
    doc_labels: list[str] = field(default_factory=list)
    replace_labels: bool = False  # single-choice labels: the chosen one replaces gold's
    covered: list[tuple[Kind, Any, str]] = field(default_factory=list)


def is_decided(conn: sqlite3.Connection, gold: str, document_id: int,
               covered: Iterable[tuple[Kind, Any, str]]) -> bool:
    """Whether a decision already settled any of these items (another curator, another
    window)."""
    for kind, key, annotator in covered:
        if conn.execute(
                "SELECT 1 FROM curation_items WHERE gold = ? AND document_id = ? AND kind = ?"
                " AND item = ? AND annotator = ?",
                (gold, document_id, kind, item_json(kind, key), annotator)).fetchone():
            return True
    return False


def write_decision(conn: sqlite3.Connection, gold: str, curator: str, rule: str,
                   document_id: int, text: str, write: GoldWrite) -> int:
    """Write one decision inside the caller's transaction: the gold rows (skipping what
    gold has live already), one `import` event listing them, the decision and the items it
    settles. Returns the decision's id."""
    stamp = now_iso()
    live = live_gold_spans(conn, document_id, gold)
    made: dict[str, list[str]] = {"spans": [], "relations": [], "doc_labels": []}
    rows = []

    def add_span(key: SpanKey, note: str, meta: dict[str, Any]) -> str:
        if key not in live:
            uid = new_uid()
            rows.append((uid, document_id, key[0], key[1], key[2], text[key[0]:key[1]], note,
                         gold, stamp, stamp, json.dumps(meta, ensure_ascii=False)))
            live[key] = uid
            made["spans"].append(uid)
        return live[key]

    for key, note, meta in write.spans:
        add_span(key, note, meta)
    relations: list[Relation] = []
    for (head, child, label), meta in write.relations:
        relation = Relation(new_uid(), document_id, add_span(head, "", meta),
                            add_span(child, "", meta), label, gold, stamp, stamp)
        relations.append(relation)
    conn.executemany(
        "INSERT INTO annotations (uid, document_id, start, end, label, text, note, annotator,"
        " created_at, updated_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for relation in relations:
        if not conn.execute(
                "SELECT 1 FROM relations WHERE head_uid = ? AND child_uid = ? AND label = ?"
                " AND annotator = ? AND deleted_at IS NULL",
                (relation.head_uid, relation.child_uid, relation.label, gold)).fetchone():
            insert_relation(conn, relation)
            made["relations"].append(relation.uid)
    if write.doc_labels:
        before = frozenset(label for (label,) in conn.execute(
            "SELECT label FROM doc_labels WHERE document_id = ? AND annotator = ?"
            " AND deleted_at IS NULL", (document_id, gold)))
        added = sorted(set(write.doc_labels) - before)
        after = frozenset(write.doc_labels) if write.replace_labels \
            else before | frozenset(added)
        write_doc_labels(conn, document_id, gold, before, after)
        made["doc_labels"] = added
        if before - after:
            made["doc_labels_replaced"] = sorted(before - after)
    if any(made.values()):
        event = {"source": f"reader curate ({rule}, by {curator})", "uids": made["spans"]}
        event.update({name: made[name] for name in ("relations", "doc_labels") if made[name]})
        conn.execute(
            "INSERT INTO events (document_id, annotator, kind, annotation_uid, ref, before,"
            " after, at) VALUES (?, ?, 'import', NULL, NULL, NULL, ?, ?)",
            (document_id, gold, json.dumps(event, ensure_ascii=False), stamp))
    cursor = conn.execute(
        "INSERT INTO curation_decisions (gold, document_id, rule, curator, made, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (gold, document_id, rule, curator, json.dumps(made, ensure_ascii=False), stamp))
    decision = cursor.lastrowid
    assert decision is not None
    conn.executemany(
        "INSERT INTO curation_items (decision_id, gold, document_id, kind, item, annotator)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(decision, gold, document_id, kind, item_json(kind, key), annotator)
         for kind, key, annotator in write.covered])
    return decision


def live_gold_spans(conn: sqlite3.Connection, document_id: int,
                    gold: str) -> dict[SpanKey, str]:
    """The gold layer's live spans in the document: key -> uid."""
    return {(start, end, label): uid for start, end, label, uid in conn.execute(
        "SELECT start, end, label, uid FROM annotations WHERE document_id = ?"
        " AND annotator = ? AND deleted_at IS NULL ORDER BY id", (document_id, gold))}


def undo_decision(conn: sqlite3.Connection, decision: int) -> None:
    """Take a decision back inside the caller's transaction: its gold rows deleted (and
    the labels a single-choice label replaced given back), its items unsettled, the
    decision marked undone. ChangedElsewhere, and nothing written,
    when a gold row it made was changed or deleted since (or it was undone already)."""
    row = conn.execute(
        "SELECT gold, document_id, made, undone_at FROM curation_decisions WHERE id = ?",
        (decision,)).fetchone()
    if row is None or row[3] is not None:
        raise ChangedElsewhere("that decision was undone in another window or process")
    gold, document_id, made_json, _ = row
    made = json.loads(made_json)
    spans, relations = made.get("spans", []), made.get("relations", [])
    live_spans = {uid for (uid,) in conn.execute(
        f"SELECT uid FROM annotations WHERE deleted_at IS NULL AND {in_values('uid')}",
        (as_json(spans),))}
    live_relations = {uid for (uid,) in conn.execute(
        f"SELECT uid FROM relations WHERE deleted_at IS NULL AND {in_values('uid')}",
        (as_json(relations),))}
    labels = frozenset(label for (label,) in conn.execute(
        "SELECT label FROM doc_labels WHERE document_id = ? AND annotator = ?"
        " AND deleted_at IS NULL", (document_id, gold)))
    if live_spans != set(spans) or live_relations != set(relations) \
            or not set(made.get("doc_labels", [])) <= labels:
        raise ChangedElsewhere("the gold layer was changed since that decision")
    soft_delete(conn, relations)
    stamp = now_iso()
    conn.executemany("UPDATE annotations SET deleted_at = ?, updated_at = ? WHERE uid = ?",
                     [(stamp, stamp, uid) for uid in spans])
    write_doc_labels(conn, document_id, gold, labels,
                     labels - frozenset(made.get("doc_labels", []))
                     | frozenset(made.get("doc_labels_replaced", [])))
    conn.execute("DELETE FROM curation_items WHERE decision_id = ?", (decision,))
    conn.execute("UPDATE curation_decisions SET undone_at = ? WHERE id = ?", (stamp, decision))

"""Curation into a gold layer, as pure functions of one document's layers: what the annotators
agree on (all of them, or a majority), and the disagreements a curator decides one by one.

An item an annotator made (a span, a relation, a document label) is *settled* for a gold
layer when gold has it, had it and lost it (the curator deleted it: it is never brought
back), or a curation decision covered it (accepted, chosen against, rejected). Only
unsettled items are accepted or offered, so curating twice adds nothing and a decision is
never asked for again; an annotator who changes a span makes a new, unsettled one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from reader.store.annotations import ChangedElsewhere
from reader.store.curation import (
    GoldWrite,
    Kind,
    Layers,
    RelationKey,
    SpanKey,
    document_titles,
    is_decided,
    item_json,
    live_gold_spans,
    read_layers,
    undo_decision,
    write_decision,
)
from reader.store.database import transaction
from reader.store.relations import doc_labels_of

__all__ = ["Accept", "Agreed", "AutoReport", "CurationSession", "Item", "Kind", "Layers",
           "RelationKey", "Rule", "Shown", "SpanKey", "accept_agreed", "agreed",
           "disagreements", "item_json", "needed", "provenance"]

Rule = Literal["all", "majority"]
RULES: tuple[Rule, ...] = ("all", "majority")

def needed(participants: int, rule: Rule) -> int:
    """How many annotators must have an item for it to be agreed."""
    return participants if rule == "all" else participants // 2 + 1


@dataclass(frozen=True, slots=True)
class Accept:
    """An item going into gold, with the annotators it comes from."""

    kind: Kind
    key: Any
    holders: tuple[str, ...]
    note: str = ""


@dataclass
class Agreed:
    """What the rule accepts in one document, and the agreed relations that wait for an
    end span gold does not have."""

    accepted: list[Accept] = field(default_factory=list)
    waiting: int = 0

    def count(self, kind: Kind) -> int:
        return sum(1 for item in self.accepted if item.kind == kind)


def agreed(layers: Layers, rule: Rule) -> Agreed:
    """The unsettled items at least `needed` participants have (none with fewer than two
    participants): spans, then relations whose two ends gold has or gets, then labels."""
    found = Agreed()
    if len(layers.participants) < 2:
        return found
    need = needed(len(layers.participants), rule)
    golden = set(layers.gold_spans)
    for kind in ("span", "relation", "doc_label"):
        for key in layers.keys(kind):
            holders = layers.holders(kind, key)
            if len(holders) < need or any(layers.settled(kind, key, a)
                                          for a in holders):
                continue
            if kind == "relation" and not (key[0] in golden and key[1] in golden):
                found.waiting += 1
                continue
            note = layers.note(key, holders) if kind == "span" else ""
            found.accepted.append(Accept(kind, key, holders, note))
            if kind == "span":
                golden.add(key)
    return found


@dataclass(frozen=True, slots=True)
class Item:
    """One disagreement: each participant's version of a stretch of text (their unsettled
    spans overlapping it), of the relations between two spans, or of the document's labels;
    a version may be empty (they had nothing there)."""

    document_id: int
    kind: Kind
    start: int
    end: int
    versions: tuple[tuple[str, tuple[Any, ...]], ...]  # (annotator, keys), participants' order

    def version(self, annotator: str) -> tuple[Any, ...]:
        return dict(self.versions)[annotator]

    def holders(self, key: Any) -> tuple[str, ...]:
        """Who has `key` in this item: a gold span's provenance."""
        return tuple(annotator for annotator, keys in self.versions if key in keys)

    def covered(self) -> list[tuple[Kind, Any, str]]:
        """(kind, key, annotator) of every version's items: what a decision settles."""
        return [(self.kind, key, annotator) for annotator, keys in self.versions
                for key in keys]


def disagreements(layers: Layers) -> list[Item]:
    """The unsettled items, grouped for the curator: overlapping spans together (one item
    per stretch of text), relations by their two ends, document labels per document. With
    fewer than two participants there is nothing to curate against."""
    if len(layers.participants) < 2:
        return []
    items = _span_items(layers)
    by_ends: dict[tuple[SpanKey, SpanKey], list[tuple[str, RelationKey]]] = {}
    for key in layers.keys("relation"):
        for annotator in layers.holders("relation", key):
            if not layers.settled("relation", key, annotator):
                by_ends.setdefault((key[0], key[1]), []).append((annotator, key))
    for (head, child), found in sorted(by_ends.items()):
        items.append(_item(layers, "relation", min(head[0], child[0]),
                           max(head[1], child[1]), found))
    labels = [(a, label) for label in layers.keys("doc_label")
              for a in layers.holders("doc_label", label)
              if not layers.settled("doc_label", label, a)]
    if labels:
        items.append(_item(layers, "doc_label", 0, 0, labels))
    return items


def _span_items(layers: Layers) -> list[Item]:
    unsettled = sorted((key, annotator) for key in layers.keys("span")
                       for annotator in layers.holders("span", key)
                       if not layers.settled("span", key, annotator))
    items: list[Item] = []
    group: list[tuple[str, SpanKey]] = []
    start = end = 0
    for key, annotator in unsettled:
        if group and key[0] >= end:
            items.append(_item(layers, "span", start, end, group))
            group = []
        if not group:
            start, end = key[0], key[1]
        end = max(end, key[1])
        group.append((annotator, key))
    if group:
        items.append(_item(layers, "span", start, end, group))
    return items


def _item(layers: Layers, kind: Kind, start: int, end: int,
          found: list[tuple[str, Any]]) -> Item:
    versions = tuple((annotator, tuple(sorted(key for who, key in found if who == annotator)))
                     for annotator in layers.participants)
    return Item(layers.document_id, kind, start, end, versions)


def provenance(holders: Iterable[str], rule: str, curator: str | None = None,
               edited_from: SpanKey | None = None) -> dict[str, Any]:
    """A gold item's meta: who it came from, by which rule (all, majority, chosen, edited),
    who decided, and what an edit changed."""
    meta: dict[str, Any] = {"curated_from": list(holders), "rule": rule}
    if curator is not None:
        meta["curator"] = curator
    if edited_from is not None:
        meta["edited_from"] = {"start": edited_from[0], "end": edited_from[1],
                               "label": edited_from[2]}
    return meta


def agreed_write(found: Agreed, rule: Rule) -> GoldWrite:
    """What the agreed items of one document write into gold, each with who agreed."""
    write = GoldWrite()
    for item in found.accepted:
        meta = provenance(item.holders, rule)
        if item.kind == "span":
            write.spans.append((item.key, item.note, meta))
        elif item.kind == "relation":
            write.relations.append((item.key, meta))
        else:
            write.doc_labels.append(item.key)
        write.covered.extend((item.kind, item.key, annotator) for annotator in item.holders)
    return write


@dataclass
class AutoReport:
    """What `reader curate --auto` did: documents curated (two or more of the annotators
    annotated them), items accepted into gold, agreed relations still waiting for an end
    span, and the disagreements left for the curation screen."""

    documents: int = 0
    spans: int = 0
    relations: int = 0
    doc_labels: int = 0
    waiting: int = 0
    disagreements: int = 0


def accept_agreed(conn: sqlite3.Connection, documents: list[tuple[int, tuple[str, ...]]],
                  gold: str, rule: Rule, curator: str) -> AutoReport:
    """Accept every unsettled agreed item of `documents` into gold, in one transaction
    (read under the write lock, so nothing another process writes meanwhile is missed or
    doubled), one decision per document; then count what is left to decide."""
    report = AutoReport(documents=len(documents))
    with transaction(conn):
        for document_id, participants in documents:
            layers = read_layers(conn, document_id, participants, gold)
            found = agreed(layers, rule)
            report.waiting += found.waiting
            if found.accepted:
                write_decision(conn, gold, curator, rule, document_id, layers.text,
                               agreed_write(found, rule))
                report.spans += found.count("span")
                report.relations += found.count("relation")
                report.doc_labels += found.count("doc_label")
                _settle(layers, found)
            report.disagreements += len(disagreements(layers))
    return report


def _settle(layers: Layers, found: Agreed) -> None:
    """`layers` as the decision just written left them (gold has what was accepted), so
    the disagreements left are counted without reading the document again."""
    for item in found.accepted:
        if item.kind == "span":
            layers.gold_spans[item.key] = ""
        elif item.kind == "relation":
            layers.gold_relations.add(item.key)
        else:
            layers.gold_doc_labels.add(item.key)


@dataclass(frozen=True, slots=True)
class Shown:
    """A disagreement as the curation screen shows it: the item, its document's text and
    title, and its place in the list."""

    item: Item
    text: str
    title: str


class CurationSession:
    """The curation screen's work, Textual-free: the disagreements of the documents in
    order, and each decision (choose, edit, reject) written into gold in one transaction,
    with the last ones undoable. `states` says what was decided on each, by index."""

    def __init__(self, conn: sqlite3.Connection, gold: str, curator: str,
                 documents: list[tuple[int, tuple[str, ...]]], *,
                 single_choice: bool = False) -> None:
        """`single_choice`: a document has one label (the config's default), so a label
        chosen into gold replaces the one gold gave it."""
        self.conn = conn
        self.gold = gold
        self.curator = curator
        self.single_choice = single_choice
        self.shown: list[Shown] = []
        titles = document_titles(conn, [document_id for document_id, _ in documents])
        self._notes: dict[tuple[int, str, Any], str] = {}
        self._gold: dict[int, list[SpanKey]] = {}  # each document's gold spans, kept current
        self._gold_labels: dict[int, list[str]] = {}  # and its document labels
        for document_id, participants in documents:
            layers = read_layers(conn, document_id, participants, gold)
            self._gold[document_id] = sorted(layers.gold_spans)
            self._gold_labels[document_id] = sorted(layers.gold_doc_labels)
            self.shown.extend(Shown(item, layers.text, titles.get(document_id, ""))
                              for item in disagreements(layers))
            self._notes.update(((document_id, annotator, key), note)
                               for annotator, spans in layers.spans.items()
                               for key, note in spans.items() if note)
        self.states: dict[int, str] = {}
        self._done: list[tuple[int, int]] = []  # (index, decision id), latest last

    def __len__(self) -> int:
        return len(self.shown)

    @property
    def decided(self) -> int:
        return len(self.states)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    def note(self, document_id: int, annotator: str, key: Any) -> str:
        """The annotator's note on a span of theirs (empty when none)."""
        return self._notes.get((document_id, annotator, key), "")

    def gold_near(self, index: int) -> list[SpanKey]:
        """The gold spans overlapping the disagreement's stretch of text (what gold has
        there already: agreed, or decided a moment ago)."""
        item = self.shown[index].item
        return [key for key in self._gold.get(item.document_id, [])
                if key[0] < item.end and item.start < key[1]]

    def gold_labels(self, index: int) -> list[str]:
        """The document labels gold gives the disagreement's document."""
        return self._gold_labels.get(self.shown[index].item.document_id, [])

    def _regold(self, document_id: int) -> None:
        self._gold[document_id] = sorted(live_gold_spans(self.conn, document_id, self.gold))
        self._gold_labels[document_id] = sorted(doc_labels_of(self.conn, document_id,
                                                              self.gold))

    def choose(self, index: int, annotator: str) -> None:
        """`annotator`'s version goes into gold; the others' are settled with it."""
        item = self.shown[index].item
        write = GoldWrite(covered=item.covered(), replace_labels=self.single_choice)
        for key in item.version(annotator):
            meta = provenance(item.holders(key), "chosen", self.curator)
            if item.kind == "span":
                write.spans.append((key, "", meta))
            elif item.kind == "relation":
                write.relations.append((key, meta))
            else:
                write.doc_labels.append(key)
        self._decide(index, "chosen", write)

    def edit(self, index: int, annotator: str, key: Any) -> None:
        """`annotator`'s version (one span, or one relation) changed to `key` goes into
        gold, its meta saying what it was."""
        item = self.shown[index].item
        (original,) = item.version(annotator)
        if key == original:
            self.choose(index, annotator)
            return
        write = GoldWrite(covered=item.covered())
        if item.kind == "span":
            write.spans.append((key, "", provenance(item.holders(original), "edited",
                                                     self.curator, edited_from=original)))
        else:
            write.relations.append((key, provenance(item.holders(original), "edited",
                                                    self.curator)))
        self._decide(index, "edited", write)

    def reject(self, index: int) -> None:
        """Nothing of this disagreement goes into gold, and it is not shown again."""
        self._decide(index, "rejected", GoldWrite(covered=self.shown[index].item.covered()))

    def _decide(self, index: int, rule: str, write: GoldWrite) -> None:
        if index in self.states:
            raise ValueError("that disagreement is decided already; undo it first")
        shown = self.shown[index]
        document_id = shown.item.document_id
        with transaction(self.conn):
            if is_decided(self.conn, self.gold, document_id, write.covered):
                raise ChangedElsewhere("it was decided in another window or process")
            decision = write_decision(self.conn, self.gold, self.curator, rule, document_id,
                                      shown.text, write)
        self.states[index] = rule
        self._done.append((index, decision))
        self._regold(document_id)

    def undo(self) -> int | None:
        """Take the latest decision back (its gold items deleted, the disagreement open
        again); its index, or None when there is nothing to undo. ChangedElsewhere when
        gold was changed since (the decision stays)."""
        if not self._done:
            return None
        index, decision = self._done[-1]
        with transaction(self.conn):
            undo_decision(self.conn, decision)
        self._done.pop()
        del self.states[index]
        self._regold(self.shown[index].item.document_id)
        return index

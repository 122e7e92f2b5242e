"""AnnotationSession with relations and document labels (issue 10): typed outcomes, the
relation constraints of the config, the in-memory relations and labels kept in step with the
database, and every failure a NotDone instead of an exception."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.annotate.labels import RelationType
from reader.annotate.relation_index import RelationIndex
from reader.annotate.session import AnnotationSession, NotDone, Saved, Why
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.store.relations import Relation
from reader.text.loading import LoadedText

TEXT = "Mayor Ana promised new trucks for Lyon."
ANA, PROMISED, LYON = TEXT.index("Ana"), TEXT.index("promised"), TEXT.index("Lyon")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    add_document(connect(path), LoadedText.from_text(TEXT, "/a.txt"))
    return path


def session(db: Path, annotator: str = "me", compare: bool = False,
            **kwargs: tuple[RelationType, ...]) -> AnnotationSession:
    opened = AnnotationSession(AnnotationStore(connect(db), 1, annotator), TEXT,
                               compare=compare, **kwargs)
    assert opened.reload() is None
    return opened


def tag(s: AnnotationSession, label: str, at: int) -> str:
    outcome = s.tag(label, None, at)
    assert isinstance(outcome, Saved)
    return outcome.subject.uid


def spans_of(s: AnnotationSession) -> tuple[str, str, str]:
    """Ana (actor), promised (commitment), Lyon (topic)."""
    return tag(s, "actor", ANA), tag(s, "commitment", PROMISED), tag(s, "topic", LYON)


def test_relate_then_unrelate(db: Path) -> None:
    s = session(db)
    ana, promised, lyon = spans_of(s)
    related = s.relate(promised, ana, "by")
    assert isinstance(related, Saved) and related.verb == "related"
    assert related.kind == "relation" and related.before is None and related.after is None
    by = related.relation
    assert (by.head_uid, by.child_uid, by.label, by.annotator) == (promised, ana, "by", "me")
    assert list(s.relations) == [by] and s.relations.of_span(ana) == [by]
    assert s.relations.has_span(promised) and not s.relations.has_span(lyon)
    about = s.relate(promised, lyon, "about")
    assert isinstance(about, Saved)
    assert s.relations.of_span(promised) == [by, about.relation]

    unrelated = s.unrelate(by.uid)
    assert isinstance(unrelated, Saved) and unrelated.verb == "unrelated"
    assert unrelated.relation == by and unrelated.relations_removed == (by,)
    assert list(s.relations) == [about.relation] and not s.relations.has_span(ana)
    assert s.unrelate(by.uid) == NotDone(Why.NOTHING, "no such relation here")
    assert list(session(db).relations) == list(s.relations), "what is shown is what is saved"


def test_the_constraints_of_the_relation_types(db: Path) -> None:
    s = session(db)
    ana, promised, lyon = spans_of(s)
    assert s.relate(ana, promised, "by") == NotDone(
        Why.NOTHING, "by joins commitment → actor, not actor → commitment")
    assert s.relate(promised, lyon, "by") == NotDone(
        Why.NOTHING, "by joins commitment → actor, not commitment → topic")
    assert s.relate(promised, ana, "owns") == NotDone(Why.NOTHING, "no relation label 'owns'")
    assert s.relate(ana, ana, "by") == NotDone(Why.NOTHING,
                                               "a relation joins two different spans")
    assert s.relate(promised, "gone", "by") == NotDone(
        Why.NOTHING, "that span is not here any more; R reloads")
    assert isinstance(s.relate(promised, ana, "by"), Saved)
    assert s.relate(promised, ana, "by") == NotDone(Why.NOTHING,
                                                    "that by relation is already there")
    assert len(s.relations) == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM relations").fetchone()[0] == 1

    free = session(db, relation_types=(RelationType("near", "1", "#ffffff"),
                                       RelationType("cites", "2", "#ffffff", "",
                                                     ("topic", "actor"), ())))
    assert isinstance(free.relate(ana, lyon, "near"), Saved)
    assert isinstance(free.relate(lyon, promised, "cites"), Saved)
    assert free.relate(promised, lyon, "cites") == NotDone(
        Why.NOTHING, "cites joins topic or actor → any span, not commitment → topic")


def test_deleting_a_span_takes_its_relations_and_undo_brings_both_back(db: Path) -> None:
    s = session(db)
    ana, promised, lyon = spans_of(s)
    by, about = (s.relate(promised, ana, "by"), s.relate(promised, lyon, "about"))
    assert isinstance(by, Saved) and isinstance(about, Saved)

    deleted = s.delete(promised)
    assert isinstance(deleted, Saved) and deleted.kind == "span"
    assert deleted.subject.uid == promised
    assert deleted.relations_removed == (by.relation, about.relation)
    assert len(s.relations) == 0 and s.span(promised) is None

    undone = s.undo()
    assert isinstance(undone, Saved) and undone.verb == "undone" and undone.kind == "span"
    assert undone.subject.uid == promised and undone.after is not None
    assert [r.uid for r in undone.relations_added] == [by.relation.uid, about.relation.uid]
    assert [r.uid for r in s.relations.of_span(promised)] == [by.relation.uid,
                                                              about.relation.uid]
    assert s.span(promised) is not None
    redone = s.redo()
    assert isinstance(redone, Saved) and len(redone.relations_removed) == 2
    assert len(s.relations) == 0

    # the same key on the same span (removal by `tag`) takes them too
    s.undo()
    removed = s.tag("actor", None, ANA)
    assert isinstance(removed, Saved) and removed.verb == "removed"
    assert [r.uid for r in removed.relations_removed] == [by.relation.uid]
    assert [r.label for r in s.relations] == ["about"]
    assert list(session(db).relations) == list(s.relations)


def test_undo_and_redo_of_relations_and_labels(db: Path) -> None:
    s = session(db)
    ana, promised, _ = spans_of(s)
    related = s.relate(promised, ana, "by")
    assert isinstance(related, Saved)
    labelled = s.toggle_doc_label("relevant", multi=False)
    assert isinstance(labelled, Saved) and labelled.kind == "doc_labels"

    undone = s.undo()
    assert isinstance(undone, Saved) and undone.kind == "doc_labels"
    assert undone.doc_labels_after == frozenset() and s.doc_labels == frozenset()
    undone = s.undo()
    assert isinstance(undone, Saved) and undone.kind == "relation"
    assert undone.relation == related.relation and len(s.relations) == 0
    redone = s.redo()
    assert isinstance(redone, Saved) and redone.kind == "relation"
    assert [r.uid for r in s.relations] == [related.relation.uid]
    redone = s.redo()
    assert isinstance(redone, Saved) and s.doc_labels == {"relevant"}
    assert s.redo() == NotDone(Why.NOTHING, "nothing to redo")


def test_document_labels_single_and_multi_choice(db: Path) -> None:
    s = session(db)
    first = s.toggle_doc_label("relevant", multi=False)
    assert isinstance(first, Saved) and first.verb == "labelled"
    assert (first.doc_labels_before, first.doc_labels_after) == (frozenset(),
                                                                 frozenset({"relevant"}))
    replaced = s.toggle_doc_label("irrelevant", multi=False)
    assert isinstance(replaced, Saved) and replaced.verb == "labelled"
    assert replaced.doc_labels_before == frozenset({"relevant"}) and s.doc_labels == {"irrelevant"}
    off = s.toggle_doc_label("irrelevant", multi=False)
    assert isinstance(off, Saved) and off.verb == "unlabelled" and s.doc_labels == frozenset()
    s.toggle_doc_label("sports", multi=True)
    s.toggle_doc_label("politics", multi=True)
    assert s.doc_labels == {"sports", "politics"}
    assert session(db).doc_labels == s.doc_labels
    assert session(db, "bob").doc_labels == frozenset(), "labels are per annotator"
    assert s.toggle_doc_label(" ", multi=True) == NotDone(Why.NOTHING,
                                                          "a document label needs a name")


def test_changes_from_another_process_are_not_done_not_raised(db: Path) -> None:
    mine, other = session(db), session(db)
    ana, promised, lyon = spans_of(mine)
    mayor = tag(mine, "actor", 0)
    by = mine.relate(promised, ana, "by")
    assert isinstance(by, Saved)
    assert other.reload() is None and len(other.relations) == 1
    assert isinstance(other.delete(ana), Saved)
    assert isinstance(other.delete(mayor), Saved)
    assert isinstance(other.unrelate(by.relation.uid), NotDone), "gone with the span"
    for outcome in (mine.relate(promised, mayor, "by"), mine.unrelate(by.relation.uid),
                    mine.undo()):
        assert isinstance(outcome, NotDone) and outcome.why is Why.ELSEWHERE, outcome
        assert "R reloads" in outcome.message
    assert [r.uid for r in mine.relations] == [by.relation.uid], "as last saved until R"
    assert mine.reload() is None and len(mine.relations) == 0
    assert mine.span(ana) is None and mine.span(lyon) is not None

    other.toggle_doc_label("relevant", multi=False)
    assert mine.doc_labels == frozenset() and mine.reload() is None
    assert mine.doc_labels == {"relevant"}


def test_a_database_error_is_not_done(db: Path) -> None:
    s = session(db)
    ana, promised, _ = spans_of(s)
    s.store.conn.close()
    for outcome in (s.relate(promised, ana, "by"),
                    s.toggle_doc_label("relevant", multi=False)):
        assert isinstance(outcome, NotDone) and outcome.why is Why.DATABASE
    assert len(s.relations) == 0 and s.doc_labels == frozenset()


def test_compare_shows_their_relations_and_relates_only_ones_own(db: Path) -> None:
    theirs = session(db, "bo")
    their_ana, their_promised, _ = spans_of(theirs)
    their_by = theirs.relate(their_promised, their_ana, "by")
    assert isinstance(their_by, Saved)
    mine = session(db, "me", compare=True)
    my_ana = tag(mine, "actor", ANA)
    assert [r.uid for r in mine.relations] == [their_by.relation.uid]
    assert mine.relate(their_promised, my_ana, "by") == NotDone(
        Why.NOTHING, "a relation joins two of your own spans")
    assert mine.unrelate(their_by.relation.uid) == NotDone(Why.NOTHING,
                                                           "that relation is not yours")
    assert mine.set_compare(False) is None and len(mine.relations) == 0


def relation(number: int, head: str, child: str) -> Relation:
    return Relation(f"r{number}", 1, head, child, "by", "me", "t", "t")


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 7), st.sampled_from("abcd"),
                          st.sampled_from("abcd")), max_size=30))
def test_the_relation_index_answers_as_a_plain_list_does(
        steps: list[tuple[bool, int, str, str]]) -> None:
    """Whatever is added and removed, `of_span`, `has_span`, `get` and `find` agree with a
    list searched in full, and an index `changed` came from is left as it was."""
    index, model = RelationIndex(), list[Relation]()
    for add, number, head, child in steps:
        if head == child:
            continue
        old, old_list = index, list(index)
        if add and all(r.uid != f"r{number}" for r in model):
            model.append(relation(number, head, child))
            index = index.changed(added=[relation(number, head, child)])
        elif not add:
            model = [r for r in model if r.uid != f"r{number}"]
            index = index.changed(removed=[relation(number, "x", "y")])  # by uid
        assert list(old) == old_list
        assert list(index) == model and len(index) == len(model)
        for end in "abcd":
            assert index.of_span(end) == [r for r in model if r.joins(end)]
            assert index.has_span(end) == any(r.joins(end) for r in model)
            for other in "abcd":
                found = [r for r in model if (r.head_uid, r.child_uid) == (end, other)]
                assert index.find(end, other, "by", "me") == (found[0] if found else None)
        assert all(index.get(r.uid) == r and r.uid in index for r in model)
    assert list(RelationIndex(model)) == model


def test_relations_read_later_in_a_thread_keep_the_changes_made_meanwhile(db: Path) -> None:
    """`reload(relations=False)` keeps the first paint free of the relations; a worker reads
    them and `use_relations` shows them with what was changed in between on top."""
    import threading

    first = session(db)
    ana, promised, lyon = spans_of(first)
    mayor = tag(first, "actor", 0)
    for head, child, label in ((promised, ana, "by"), (promised, lyon, "about"),
                               (promised, mayor, "by")):
        assert isinstance(first.relate(head, child, label), Saved)

    s = AnnotationSession(AnnotationStore(connect(db), 1, "me"), TEXT)
    assert s.reload(relations=False) is None
    assert not s.relations_loaded and len(s.relations) == 0 and len(s.spans) == 4
    deleted = s.delete(mayor)  # takes a relation the session has not read yet
    assert isinstance(deleted, Saved) and len(deleted.relations_removed) == 1
    lyon_by = s.relate(promised, lyon, "about")  # already there: the store says so
    assert isinstance(lyon_by, Saved)
    results = []
    worker = threading.Thread(target=lambda: results.append(s.read_relations()))
    worker.start()
    worker.join()
    (loaded,) = results
    assert not isinstance(loaded, NotDone)
    s.unrelate(lyon_by.relation.uid)  # after the read: replayed over it
    assert s.use_relations(loaded) and s.relations_loaded
    assert [(r.head_uid, r.child_uid) for r in s.relations] == [(promised, ana)]
    assert [r.uid for r in s.relations] == [r.uid for r in session(db).relations]
    assert not s.use_relations(loaded), "once only"


def test_relations_read_before_a_reload_are_not_shown(db: Path, tmp_path: Path) -> None:
    first = session(db)
    ana, promised, _ = spans_of(first)
    first.relate(promised, ana, "by")
    s = AnnotationSession(AnnotationStore(connect(db), 1, "me"), TEXT)
    s.reload(relations=False)
    stale = s.read_relations()
    assert not isinstance(stale, NotDone) and len(stale.index) == 1
    s.reload(relations=False)
    assert not s.use_relations(stale) and not s.relations_loaded
    s.reload()
    assert s.relations_loaded and len(s.relations) == 1
    assert not s.use_relations(stale)

    s.reload(relations=False)
    db.rename(tmp_path / "moved.db")
    failed = s.read_relations()
    assert isinstance(failed, NotDone) and failed.why is Why.DATABASE

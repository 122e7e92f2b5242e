"""`reader stats`: counts straight from SQL, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from golden.corpus import build

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText


def test_counts_of_the_golden_corpus(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    build(db).close()
    result = CliRunner().invoke(cli, ["stats", "--db", str(db), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "documents": {"total": 3, "annotated": 2, "done": 1},
        "spans": {"total": 9,  # the deleted span is not counted
                  "by_label": {"MISC": 3, "LOC": 2, "EVENT": 1, "ORG": 1, "PER": 1, "VERB": 1},
                  "by_annotator": {"alice": 5, "bob": 4}},
        # the golden corpus's relations (one went with the deleted span) and document labels
        "relations": {"total": 3, "by_label": {"about": 1, "by": 1, "took place": 1}},
        "doc_labels": {"total": 4, "documents": 2,
                       "by_label": {"mountains": 1, "news": 1, "relevant": 2}},
        "suggestions": {},  # none: they are counted per source (tests/test_suggest_cli.py)
        "assignments": {},  # none: tests/test_assign_cli.py
    }
    text = CliRunner().invoke(cli, ["stats", "--db", str(db)]).stdout
    assert text.splitlines()[:3] == ["documents: 3 total, 2 annotated, 1 done", "spans: 9",
                                     "by label:"]
    assert "  alice         5" in text


def test_empty_database(tmp_path: Path) -> None:
    connect(tmp_path / "new.db").close()
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "new.db")])
    assert result.stdout == ("documents: 0 total, 0 annotated, 0 done\nspans: 0\n"
                             "by label: none\nby annotator: none\n"
                             "relations: 0\nrelations by label: none\n"
                             "document labels: 0 on 0 documents\n"
                             "document labels by label: none\n"
                             "suggestions: none\nassignments: none\n")


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    for command in ("stats", "export"):
        result = CliRunner().invoke(cli, [command, "--db", str(tmp_path / "absent.db")])
        assert isinstance(result.exception, ReaderError)
        assert "does not exist" in str(result.exception)
    assert list(tmp_path.iterdir()) == []


def test_relations_and_document_labels_are_counted_live(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    conn = connect(db)
    text = "Ana promised trucks; Bo promised trams."
    for number in (1, 2, 3):
        add_document(conn, LoadedText.from_text(f"{text} {number}", f"/{number}.txt"))
    me, bo = AnnotationStore(conn, 1, "me"), AnnotationStore(conn, 1, "bo")
    ana, promised = me.create(0, 3, "actor", "Ana"), me.create(4, 12, "commitment", "promised")
    trucks = me.create(13, 19, "topic", "trucks")
    me.relate(promised.uid, ana.uid, "by")
    me.relate(promised.uid, trucks.uid, "about")
    gone = me.relate(ana.uid, trucks.uid, "\x1b[31mnear")
    me.unrelate(gone.uid)
    bo_ana, bo_promised = bo.create(0, 3, "actor", "Ana"), bo.create(4, 12, "commitment", "p")
    bo.relate(bo_promised.uid, bo_ana.uid, "by")
    me.toggle_doc_label("relevant", multi=False)
    bo.toggle_doc_label("relevant", multi=False)
    other = AnnotationStore(conn, 2, "me")
    other.toggle_doc_label("relevant", multi=False)
    other.toggle_doc_label("irrelevant", multi=False)  # replaces relevant
    AnnotationStore(conn, 3, "me").toggle_doc_label("\x1b[2Jodd", multi=True)
    conn.close()

    result = CliRunner().invoke(cli, ["stats", "--db", str(db), "--json"])
    counts = json.loads(result.stdout)
    assert counts["relations"] == {"total": 3, "by_label": {"by": 2, "about": 1}}
    assert counts["doc_labels"] == {"total": 4, "documents": 3, "by_label": {
        "relevant": 2, "\x1b[2Jodd": 1, "irrelevant": 1}}
    text_out = CliRunner().invoke(cli, ["stats", "--db", str(db)]).stdout
    assert "\x1b" not in text_out
    lines = text_out.splitlines()
    at = lines.index("relations: 3")
    assert lines[at + 1:at + 4] == ["relations by label:", "  by            2",
                                    "  about         1"]
    assert "document labels: 4 on 3 documents" in lines

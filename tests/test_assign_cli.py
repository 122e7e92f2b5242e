"""`reader assign`: the plan stored, kept when documents are added, printed as a table, JSON
and CSV, shown in `reader stats`; every bad option one line with the database untouched;
--split writes each annotator a database of their own that `reader merge` brings back."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_cli import run_main

from reader.cli import cli
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document, set_status
from reader.text.loading import LoadedText

TEAM = "alice,bob,carol"


def add_texts(db: Path, first: int, last: int) -> None:
    conn = connect(db)
    for number in range(first, last):
        add_document(conn, LoadedText.from_text(f"Article {number}: Lavrov met Mirzoyan.",
                                                f"/corpus/{number}.txt"))
    conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    add_texts(path, 0, 20)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def stored(db: Path) -> dict[int, list[str]]:
    conn = sqlite3.connect(db)
    try:
        found: dict[int, list[str]] = {}
        for document, annotator in conn.execute(
                "SELECT document_id, annotator FROM assignments ORDER BY document_id, rowid"):
            found.setdefault(document, []).append(annotator)
        return found
    finally:
        conn.close()


def test_assign_stores_a_plan_and_a_second_run_keeps_it(db: Path) -> None:
    result = run("assign", "--db", str(db), "--annotators", TEAM, "--overlap", "0.2",
                 "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["documents"]
    assert len(plan) == 20
    assert sum(len(names) > 1 for names in plan.values()) == 4
    first = stored(db)
    assert sorted(map(len, first.values())) == [1] * 16 + [2] * 4
    assert "20 documents assigned, 4 of them to several annotators (20%" in result.stderr

    add_texts(db, 20, 30)
    again = run("assign", "--db", str(db), "--annotators", TEAM, "--overlap", "0.2",
                "--json")
    assert again.exit_code == 0, again.output
    later = stored(db)
    assert {doc: later[doc] for doc in first} == first  # nothing moved
    assert len(later) == 30
    assert sum(len(names) > 1 for names in later.values()) == 6
    loads = sorted(sum(name in names for names in later.values()) for name in TEAM.split(","))
    assert loads[-1] - loads[0] <= 1
    assert "10 new in this run" in again.stderr


def test_the_plan_names_documents_by_their_public_id(db: Path, tmp_path: Path) -> None:
    """An imported id is the id, as in every export; others go by the start of their hash."""
    corpus = tmp_path / "more.jsonl"
    corpus.write_text(json.dumps({"text": "Imported one.", "id": "news-7"}) + "\n",
                      encoding="utf-8")
    assert run("import", "--db", str(db), str(corpus)).exit_code == 0
    exported = run("export", "--db", str(db)).stdout.splitlines()
    ids = {json.loads(line)["id"] for line in exported}
    result = run("assign", "--db", str(db), "--annotators", "alice", "--json")
    assert set(json.loads(result.stdout)["documents"]) == ids
    assert "news-7" in ids
    only = run("assign", "--db", str(db), "--annotators", "bob", "--document", "news-7",
               "--dry-run", "--json")
    assert json.loads(only.stdout)["documents"] == {"news-7": ["alice"]}
    record = json.loads(exported[0])
    by_hash = run("assign", "--db", str(db), "--annotators", "bob", "--document",
                  record["sha256"][:8], "--dry-run", "--json")
    assert json.loads(by_hash.stdout)["documents"] == {record["id"]: ["alice"]}
    too_short = run("assign", "--db", str(db), "--annotators", "bob", "--document",
                    record["sha256"][:7], "--dry-run")
    assert too_short.exit_code == 1 and "no document" in str(too_short.exception)


def test_table_csv_and_dry_run(db: Path) -> None:
    dry = run("assign", "--db", str(db), "--annotators", TEAM, "--overlap", "0.5",
              "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert stored(db) == {}
    assert "Assignment plan" in dry.stdout and "By annotator" in dry.stdout
    assert "20 documents assigned, 10 of them to several annotators (50%" in dry.stdout
    assert "dry run: nothing was stored" in dry.stderr
    table = run("assign", "--db", str(db), "--annotators", TEAM, "--overlap", "0.5", "--csv")
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(rows) == 30 and {row["new"] for row in rows} == {"yes"}
    assert {row["annotator"] for row in rows} == set(TEAM.split(","))
    assert sum(len(names) for names in stored(db).values()) == 30


def test_caps_leave_a_stated_remainder_and_a_later_run_places_it(db: Path) -> None:
    result = run("assign", "--db", str(db), "--annotators", "alice,bob", "--cap", "6",
                 "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len(body["documents"]) == 12 and len(body["unassigned"]) == 8
    assert "8 documents left unassigned: every annotator with room holds --cap 6" in \
        result.stderr
    more = run("assign", "--db", str(db), "--annotators", "alice,bob,carol", "--cap", "8",
               "--json")
    body = json.loads(more.stdout)
    assert len(body["documents"]) == 20 and body["unassigned"] == []
    assert sorted(len(names) for names in stored(db).values()) == [1] * 20


def test_stats_show_each_annotators_progress(db: Path) -> None:
    assert run("assign", "--db", str(db), "--annotators", "alice,bob").exit_code == 0
    conn = connect(db)
    alices = [doc for doc, names in stored(db).items() if "alice" in names]
    set_status(conn, alices[0], "alice", "done")
    AnnotationStore(conn, alices[1], "alice").create(0, 7, "actor", "Article")
    AnnotationStore(conn, alices[2], "bob").create(0, 7, "actor", "Article")  # not hers
    conn.close()
    counts = json.loads(run("stats", "--db", str(db), "--json").stdout)["assignments"]
    assert counts == {"alice": {"assigned": 10, "done": 1, "in_progress": 1},
                      "bob": {"assigned": 10, "done": 0, "in_progress": 0}}
    text = run("stats", "--db", str(db)).stdout
    assert "assignments: 2 annotators  (assigned / done / in progress)" in text
    assert "  alice        10        1        1" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--annotators", ""], "--annotators needs at least one name"),
    (["--annotators", ","], "--annotators needs at least one name"),
    (["--annotators", "alice,,bob"], "an empty name"),
    (["--annotators", "alice,bob,alice"], "'alice' is named twice"),
    (["--annotators", "al\x1b[31mice"], "holds control characters"),
    (["--annotators", TEAM, "--overlap", "1.5"], "1.5 is not in the range 0<=x<=1"),
    (["--annotators", TEAM, "--overlap", "-0.1"], "is not in the range 0<=x<=1"),
    (["--annotators", TEAM, "--overlap", "0.2", "--per-doc", "4"],
     "--per-doc 4 needs at least 4 annotators; --annotators names 3"),
    (["--annotators", TEAM, "--per-doc", "1"], "1 is not in the range x>=2"),
    (["--annotators", TEAM, "--cap", "0"], "0 is not in the range x>=1"),
    (["--annotators", TEAM, "--json", "--csv"], "--json and --csv: choose one"),
    (["--annotators", TEAM, "--document", "nothing-like-it"], "no document 'nothing-like-it'"),
    (["--annotators", TEAM, "--status", "done"], "no documents to assign"),
    (["--annotators", TEAM, "--split", "out", "--dry-run"], "--dry-run writes nothing"),
    (["--annotators", TEAM, "--force"], "--force goes with --split"),
    (["--annotators", "alice,a/b", "--split", "out"], "'a/b' makes no safe file name"),
    (["--annotators", "alice,Alice", "--split", "out"], "differ only in case"),
])
def test_bad_input_is_one_line_and_changes_nothing(
        db: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(db.parent)
    before = db.read_bytes()
    code, out, err = run_main(monkeypatch, capsys, "assign", "--db", str(db), *args)
    assert code in (1, 2) and out == ""
    assert err.startswith("reader: error: ") and err.count("\n") == 1, err
    assert message in err
    assert "\x1b" not in err
    assert db.read_bytes() == before
    assert not (db.parent / "out").exists()


def test_a_missing_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(monkeypatch, capsys, "assign", "--db",
                               str(tmp_path / "none.db"), "--annotators", TEAM)
    assert code == 1 and "does not exist" in err and err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()


def test_a_long_plan_shows_the_new_documents_first_and_says_how_many_more(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.team.assign_report as report

    assert run("assign", "--db", str(db), "--annotators", TEAM).exit_code == 0
    add_texts(db, 20, 23)
    monkeypatch.setattr(report, "TABLE_ROWS", 5)
    result = run("assign", "--db", str(db), "--annotators", TEAM)
    lines = result.stdout.splitlines()
    rows = [line for line in lines if line.startswith("│") and "Article" in line]
    assert len(rows) == 5
    assert [row.rstrip(" │").endswith("new") for row in rows] == [True] * 3 + [False] * 2
    assert "… and 18 more documents (--csv or --json lists them all)" in result.stdout

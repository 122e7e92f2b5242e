"""`reader stats`: counts straight from SQL, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from golden.corpus import build

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.database import connect


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
    }
    text = CliRunner().invoke(cli, ["stats", "--db", str(db)]).stdout
    assert text.splitlines()[:3] == ["documents: 3 total, 2 annotated, 1 done", "spans: 9",
                                     "by label:"]
    assert "  alice         5" in text


def test_empty_database(tmp_path: Path) -> None:
    connect(tmp_path / "new.db").close()
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "new.db")])
    assert result.stdout == ("documents: 0 total, 0 annotated, 0 done\nspans: 0\n"
                             "by label: none\nby annotator: none\n")


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    for command in ("stats", "export"):
        result = CliRunner().invoke(cli, [command, "--db", str(tmp_path / "absent.db")])
        assert isinstance(result.exception, ReaderError)
        assert "does not exist" in str(result.exception)
    assert list(tmp_path.iterdir()) == []

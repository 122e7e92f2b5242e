"""`reader open --suggest` and its files: a bad file is one line before the database is
touched; the files need --suggest; good files become the live sources the app gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run_reader

from reader.annotate.labels import Config
from reader.errors import ReaderError
from reader.ui.launch import SuggestOptions, live_sources


def test_a_bad_patterns_file_is_one_line_and_no_database(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Lavrov met Mirzoyan.\n", encoding="utf-8")
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "actor", "pattern": "Lavrov"}\n{"label": "nope", '
                        '"pattern": "x"}\n', encoding="utf-8")
    db = tmp_path / "a.db"
    result = run_reader("open", str(article), "--db", str(db), "--suggest",
                        "--patterns", str(patterns))
    assert_one_line_error(result, f"{patterns}:2")
    assert not db.exists()


def test_files_without_suggest_are_refused(tmp_path: Path) -> None:
    gazetteer = tmp_path / "g.tsv"
    gazetteer.write_text("Lavrov\tactor\n", encoding="utf-8")
    result = run_reader("open", "--db", str(tmp_path / "a.db"), "--gazetteer", str(gazetteer))
    assert_one_line_error(result, "go with --suggest")


def test_the_files_become_live_sources(tmp_path: Path) -> None:
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "actor", "pattern": "Sergey Lavrov"}\n', encoding="utf-8")
    gazetteer = tmp_path / "g.tsv"
    gazetteer.write_text("CSTO\tactor\n", encoding="utf-8")
    live = live_sources(SuggestOptions([patterns], [gazetteer]), Config())
    assert live.learn
    assert [source.name for source in live.sources] == ["patterns:p.jsonl", "gazetteer:g.tsv"]
    found = [(s.start, s.end, s.source) for source in live.sources
             for s in source.suggest("Sergey Lavrov and the CSTO")]
    assert found == [(0, 13, "patterns:p.jsonl"), (22, 26, "gazetteer:g.tsv")]
    with pytest.raises(ReaderError):
        live_sources(SuggestOptions(gazetteers=[tmp_path / "missing.tsv"]), Config())

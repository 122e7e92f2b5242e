"""What a newcomer meets on the command line: a text file given to `import` points to
`reader open`, a record without text says so, every command words a missing database the
same way, the spaCy hint installs from this source, `export --help` names a file that is
there, and `agree` piped to a file keeps its ids and headers whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from golden.corpus import build

from reader.cli import cli
from reader.locations import datasets_doc


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_importing_a_text_file_points_to_reader_open(tmp_path: Path) -> None:
    text = tmp_path / "hello.txt"
    text.write_text("hello world\n", encoding="utf-8")
    result = run("import", str(text), "--db", str(tmp_path / "db.sqlite"))
    assert result.exit_code == 1
    assert str(result.exception) == (
        f"{text}: not a dataset file (JSON Lines or a JSON array); to read and annotate a"
        f" text file: reader open {text}")
    assert not (tmp_path / "db.sqlite").exists()


def test_a_record_without_text_says_it_has_none(tmp_path: Path) -> None:
    records = tmp_path / "no-text.jsonl"
    records.write_text('{"id": 1, "spans": []}\n', encoding="utf-8")
    result = run("import", str(records), "--db", str(tmp_path / "db.sqlite"))
    assert result.exit_code == 1
    assert str(result.exception) == (f"{records}:1: no text (every record needs the document's"
                                     " text, a string); nothing imported")


@pytest.mark.parametrize("command", ["agree", "stats", "export"])
def test_every_command_words_a_missing_database_alike(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nope.db"
    result = run(command, "--db", str(missing))
    assert result.exit_code == 1
    assert str(result.exception) == (
        f"database {missing}: does not exist (nothing imported or annotated yet)")


def test_export_help_names_the_datasets_doc_that_is_there() -> None:
    assert datasets_doc().is_file()
    assert datasets_doc().name == "datasets.md"
    where = run("where").stdout
    assert f"datasets: {datasets_doc()}" in where
    assert "datasets.md" in run("export", "--help").stdout


def test_agree_piped_keeps_ids_and_headers_whole(tmp_path: Path) -> None:
    db = tmp_path / "golden.db"
    build(db).close()
    result = run("agree", "--db", str(db))  # CliRunner's output is no terminal, as a pipe
    assert result.exit_code == 0, result.output
    assert "492f754ab745e683" in result.stdout  # not cut to 492f754ab7…
    assert "┃ relations alice ┃" in result.stdout  # a header on one line
    assert "…" not in result.stdout

"""`reader export` through the CLI: filters, standard output, atomic writes, refusals."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from golden.corpus import GOLDEN, build
from installed import reader_command

import reader.formats.records as records
from reader.cli import cli
from reader.errors import ReaderError
from reader.store.database import connect, transaction
from reader.text.loading import text_sha256


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.db"
    build(path).close()
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["export", *args])


def spans_of(output: str) -> list[list[tuple[str, str]]]:
    return [[(s["label"], s["annotator"]) for s in json.loads(line)["spans"]]
            for line in output.split("\n")[:-1]]


def test_standard_output_is_the_default(db: Path) -> None:
    result = invoke("--db", str(db))
    assert result.exit_code == 0
    assert result.stdout_bytes == (GOLDEN / "export.jsonl").read_bytes()
    assert result.stderr.strip() == ("reader: exported 3 documents, 9 spans, 3 relations,"
                                     " 3 document labels to standard output")
    assert invoke("--db", str(db), "-o", "-").stdout_bytes == result.stdout_bytes


def test_label_filter_keeps_every_document(db: Path) -> None:
    result = invoke("--db", str(db), "--label", "LOC", "--label", "PER")
    assert spans_of(result.stdout) == [[("PER", "alice"), ("LOC", "bob")], [("LOC", "alice")], []]


def test_annotator_filter_decides_spans_and_status(db: Path) -> None:
    result = invoke("--db", str(db), "--annotator", "bob")
    lines = [json.loads(line) for line in result.stdout.split("\n")[:-1]]
    assert [r["status"] for r in lines] == ["in_progress", "in_progress", "new"]
    assert all(s["annotator"] == "bob" for r in lines for s in r["spans"])
    carol = invoke("--db", str(db), "--annotator", "carol").stdout.split("\n")[:-1]
    assert [json.loads(line)["status"] for line in carol] == ["new", "in_progress", "new"]


def test_status_filter(db: Path) -> None:
    for status, count in (("done", 1), ("in_progress", 1), ("new", 1)):
        result = invoke("--db", str(db), "--status", status)
        lines = result.stdout.split("\n")[:-1]
        assert len(lines) == count and json.loads(lines[0])["status"] == status
    assert invoke("--db", str(db), "--status", "bogus").exit_code == 2


def _failing_rows(*args: Any, **kwargs: Any) -> Iterator[records.ExportRow]:
    rows = iter(records.iter_export_rows(*args, **kwargs))
    yield next(rows)
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "spacy"])
def test_failure_mid_stream_keeps_the_previous_file(db: Path, tmp_path: Path, fmt: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if fmt == "spacy":
        pytest.importorskip("spacy")
    out = tmp_path / "out.data"
    out.write_bytes(b"previous export\n")
    monkeypatch.setattr(records, "iter_export_rows", _failing_rows)
    result = invoke("--db", str(db), "-o", str(out), "--format", fmt)
    assert isinstance(result.exception, RuntimeError)
    assert out.read_bytes() == b"previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_brat_failure_keeps_the_previous_folder(db: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "brat"
    assert invoke("--db", str(db), "-o", str(out), "--format", "brat").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(records, "iter_export_rows", _failing_rows)
    invoke("--db", str(db), "-o", str(out), "--format", "brat")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brat")] == []


def test_brat_replaces_a_previous_export_but_not_other_folders(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    assert invoke("--db", str(db), "-o", str(out), "--format", "brat").exit_code == 0
    assert len(list(out.glob("*.txt"))) == 3
    only_done = invoke("--db", str(db), "-o", str(out), "--format", "brat", "--status", "done")
    assert only_done.exit_code == 0 and len(list(out.glob("*.txt"))) == 1  # stale ones gone
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    result = invoke("--db", str(db), "-o", str(mine), "--format", "brat")
    assert isinstance(result.exception, ReaderError)
    assert "not a previous export" in str(result.exception)
    assert (mine / "thesis.tex").read_text() == "precious"


def test_brat_needs_a_folder(db: Path) -> None:
    result = invoke("--db", str(db), "--format", "brat")
    assert "writes a folder" in str(result.exception)


def test_spacy_missing_is_one_clear_error(db: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    out = tmp_path / "x.spacy"
    result = invoke("--db", str(db), "-o", str(out), "--format", "spacy")
    assert isinstance(result.exception, ReaderError)
    assert "pip install '.[spacy]'" in str(result.exception)
    assert not out.exists()


def test_a_drifted_span_stops_the_export(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    conn = connect(db)
    conn.execute("UPDATE annotations SET text = 'Ararad' WHERE uid = 's-per'")
    conn.close()
    result = invoke("--db", str(db), "-o", str(out))
    assert isinstance(result.exception, ReaderError)
    assert "span s-per [0:6] has text 'Ararad'" in str(result.exception)
    assert out.read_text() == "previous\n"


def test_missing_output_folder(db: Path, tmp_path: Path) -> None:
    result = invoke("--db", str(db), "-o", str(tmp_path / "nowhere" / "out.jsonl"))
    assert "does not exist" in str(result.exception)


def test_installed_reader_exports_and_refuses_in_one_line(db: Path) -> None:
    ok = subprocess.run([*reader_command(), "export", "--db", str(db)], capture_output=True,
                        timeout=60, check=False)
    assert ok.returncode == 0
    assert ok.stdout == (GOLDEN / "export.jsonl").read_bytes()
    bad = subprocess.run([*reader_command(), "export", "--db", str(db), "--format", "brat"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "reader: error: the brat format writes a folder: give it with -o FOLDER"]


def _big_database(path: Path, documents: int = 4000, spans: int = 25) -> None:
    conn = connect(path)
    stamp = "2024-01-01T00:00:00.000Z"
    word = "Ararat 👩‍👩‍👧 東京\r\n"
    with transaction(conn):
        for number in range(documents):
            text = f"{number} " + word * 200
            conn.execute(
                "INSERT INTO documents (id, sha256, source, title, text, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number + 1, text_sha256(text), f"big/{number}", "big", text, stamp, stamp))
            base = len(f"{number} ")
            conn.executemany(
                "INSERT INTO annotations (uid, document_id, start, end, label, text, annotator,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'PER', 'Ararat', 'a', ?, ?)",
                [(f"{number}-{k}", number + 1, base + k * len(word), base + k * len(word) + 6,
                  stamp, stamp) for k in range(spans)])
    conn.close()


@pytest.mark.slow
def test_killed_export_leaves_the_previous_file(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    _big_database(db)
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")
    process = subprocess.Popen([*reader_command(), "export", "--db", str(db), "-o", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    partial: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None:
        partial = [p for p in tmp_path.glob(".out.jsonl.*.tmp") if p.stat().st_size > 0]
        if partial:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait()
    assert partial, "the export finished before it could be killed half way"
    assert process.returncode == -signal.SIGKILL
    assert out.read_text() == "previous export\n"
    with sqlite3.connect(db) as conn:  # and the database is untouched and readable
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 4000 * 25


def test_exported_files_get_ordinary_permissions(db: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "out.jsonl"
        invoke("--db", str(db), "-o", str(out))
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o600)  # a replaced file keeps its own
        invoke("--db", str(db), "-o", str(out))
        assert out.stat().st_mode & 0o777 == 0o600
        invoke("--db", str(db), "-o", str(tmp_path / "brat"), "--format", "brat")
        assert (tmp_path / "brat").stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(old)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.commands.export import progress_bar

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(3) as advance:
        for _ in range(3):
            advance()
    assert "exporting" in terminal.getvalue() and "3/3" in terminal.getvalue()
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    with progress_bar(3) as advance:
        advance()
    assert plain.getvalue() == ""

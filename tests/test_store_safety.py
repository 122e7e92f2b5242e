"""The database is never harmed by looking at it: another program's SQLite file is refused
untouched, read-only commands write nothing (and work on a read-only file or mount), a
damaged database is said to be damaged in one line before anything builds on it, and two
windows of one annotator do not make the same span twice."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import cli
from reader.errors import ReaderError
from reader.store.annotations import AnnotationStore, live_annotations
from reader.store.database import connect, connect_readonly, database_error
from reader.store.documents import add_document
from reader.text.loading import LoadedText

READ_ONLY_COMMANDS = (["stats"], ["stats", "--json"], ["export"], ["agree"])


def state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in `folder`: its content hash and modification time."""
    return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(folder.iterdir())}


def reader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point (main), as a user runs it."""
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("reader: error: ")
    return lines[0]


def annotated_db(path: Path) -> Path:
    """A small reader database, closed (so no -wal file is left), with two annotators."""
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text("Alice met Bob in Paris.", "/a.txt"))
    for who in ("ann", "bob"):
        store = AnnotationStore(conn, document.id, who)
        store.create(0, 5, "PER", "Alice")
        store.create(17, 22, "LOC", "Paris")
    conn.close()
    return path


# --- another program's database ---------------------------------------------------------


@pytest.fixture(params=["delete", "wal"])
def foreign(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Another program's SQLite database, in its own journal mode."""
    folder = tmp_path / "other"
    folder.mkdir()
    path = folder / "other-program.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {request.param}")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", [*READ_ONLY_COMMANDS, ["import", "{data}"],
                                     ["merge", "{other}"]])
def test_another_programs_database_is_refused_untouched(
    foreign: Path, tmp_path: Path, command: list[str]
) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"text": "hello world"}) + "\n")
    other = annotated_db(tmp_path / "reader.db")
    args = [arg.format(data=data, other=other) for arg in command]
    header = foreign.read_bytes()[:20]
    before = state(foreign.parent)
    result = CliRunner().invoke(cli, [*args, "--db", str(foreign)])
    assert isinstance(result.exception, ReaderError), result.output
    assert "not a reader database" in str(result.exception)
    assert state(foreign.parent) == before  # the same bytes, no -wal/-shm, no new tables
    assert foreign.read_bytes()[:20] == header  # nor its journal mode


def test_opening_another_programs_database_for_annotating_is_refused(foreign: Path) -> None:
    before = state(foreign.parent)
    with pytest.raises(ReaderError, match="not a reader database"):
        connect(foreign)
    assert state(foreign.parent) == before


# --- read-only commands ------------------------------------------------------------------


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_read_only_commands_change_nothing_and_work_where_nothing_may_be_written(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No byte changes and no -wal/-shm file is left, in a writable folder and in a
    read-only one with a read-only file (simulated: root may write anywhere, so the
    permission check says no, as it would for anyone else)."""
    db = annotated_db(tmp_path / "db" / "annotations.db")
    before = state(db.parent)
    result = CliRunner().invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert state(db.parent) == before

    db.chmod(0o444)
    db.parent.chmod(0o555)
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve().is_relative_to(db.parent.resolve()):
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    try:
        before = state(db.parent)
        result = CliRunner().invoke(cli, [*command, "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert state(db.parent) == before
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system holding a reader database (root only)."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr!r}")
    try:
        annotated_db(mount / "annotations.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "annotations.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_commands_on_a_read_only_mount(read_only_mount: Path) -> None:
    before = state(read_only_mount.parent)
    counts = reader("stats", "--json", "--db", str(read_only_mount))
    assert counts.returncode == 0, counts.stderr
    assert json.loads(counts.stdout)["spans"]["total"] == 4
    exported = reader("export", "--db", str(read_only_mount))
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == 1
    agreed = reader("agree", "--json", "--db", str(read_only_mount))
    assert agreed.returncode == 0, agreed.stderr
    assert state(read_only_mount.parent) == before


def test_a_read_only_connection_reads_an_open_session_and_cannot_write(
    tmp_path: Path
) -> None:
    """With another connection open (its -wal file present), a read-only connection reads
    through it, including what is not in the main file yet, and leaves it be."""
    db = annotated_db(tmp_path / "annotations.db")
    conn = connect_readonly(db)
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
            conn.execute("DELETE FROM annotations")
    finally:
        conn.close()
    writer = connect(db)
    try:
        document, _ = add_document(writer, LoadedText.from_text("Carol in Rome.", "/c.txt"))
        AnnotationStore(writer, document.id, "ann").create(0, 5, "PER", "Carol")
        assert Path(f"{db}-wal").stat().st_size > 0
        reading = connect_readonly(db)
        try:
            assert reading.execute("SELECT count(*) FROM annotations").fetchone() == (5,)
            with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
                reading.execute("DELETE FROM annotations")
        finally:
            reading.close()
        AnnotationStore(writer, document.id, "bob").create(9, 13, "LOC", "Rome")
    finally:
        writer.close()


def test_an_empty_file_is_not_turned_into_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for command in READ_ONLY_COMMANDS:
        result = CliRunner().invoke(cli, [*command, "--db", str(empty)])
        assert isinstance(result.exception, ReaderError)
        assert "is empty" in str(result.exception)
    assert [path.name for path in tmp_path.iterdir()] == ["empty.db"]
    assert empty.read_bytes() == b""


def test_an_older_schema_is_not_upgraded_by_a_read_only_command(tmp_path: Path) -> None:
    db = annotated_db(tmp_path / "annotations.db")
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 0")
    raw.close()
    before = state(tmp_path)
    result = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert isinstance(result.exception, ReaderError)
    assert "run `reader open` once to upgrade" in str(result.exception)
    assert state(tmp_path) == before


# --- a damaged database ---------------------------------------------------------------


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(damaged database, a good one, a small dataset): 4 KB in the middle of a database of
    a few MB inverted, as a bad disk sector or a torn copy would leave it."""
    folder = tmp_path_factory.mktemp("damaged")
    data = folder / "data.jsonl"
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
             "kappa"]
    with data.open("w", encoding="utf-8") as out:
        for number in range(300):
            text = " ".join(words[(number * 7 + i * 3) % 10] for i in range(150))
            text += f" doc{number}"
            spans, position = [], 0
            for index, word in enumerate(text.split()[:-1]):
                if index % 3 == 0:
                    spans.append({"start": position, "end": position + len(word),
                                  "label": "ABC"[index % 3 + number % 2]})
                position += len(word) + 1
            out.write(json.dumps({"text": text, "spans": spans}) + "\n")
    bad, good = folder / "bad.db", folder / "good.db"
    for path in (bad, good):
        assert reader("import", str(data), "--db", str(path)).returncode == 0
    size = bad.stat().st_size
    assert size > 2_000_000 and not Path(f"{bad}-wal").exists()
    offset = size // 2 // 4096 * 4096
    with bad.open("r+b") as handle:
        handle.seek(offset)
        page = handle.read(4096)
        handle.seek(offset)
        handle.write(bytes(byte ^ 0xFF for byte in page))
    small = folder / "small.jsonl"
    small.write_text(json.dumps({"text": "hello world", "spans": []}) + "\n")
    return bad, good, small


@pytest.mark.parametrize("command", [["stats"], ["export"], ["agree"], ["import", "{small}"],
                                     ["merge", "{good}"], ["merge-into-good"]])
def test_a_damaged_database_is_one_line_and_left_as_it_was(
    damaged: tuple[Path, Path, Path], command: list[str]
) -> None:
    bad, good, small = damaged
    before = (state(bad.parent), bad.read_bytes())
    if command == ["merge-into-good"]:
        args = ["merge", str(bad), "--db", str(good)]
    else:
        args = [*(arg.format(small=small, good=good) for arg in command), "--db", str(bad)]
    line = one_line_error(reader(*args))
    assert f"database {bad} is damaged (" in line
    assert line.endswith(f"keep a copy of it and recover it with: sqlite3 {bad} .recover"
                         " | sqlite3 fixed.db")
    assert (state(bad.parent), bad.read_bytes()) == before


def test_sqlite_failures_a_user_can_act_on_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    busy = database_error(sqlite3.OperationalError("database is locked"), path)
    assert str(busy) == f"database {path} is busy (another reader is writing); try again"
    full = database_error(sqlite3.OperationalError("database or disk is full"), path)
    assert str(full) == f"database {path}: disk full: nothing was written"
    spaced = database_error(sqlite3.DatabaseError("file is not a database"), "my db.sqlite")
    assert "sqlite3 'my db.sqlite' .recover" in str(spaced)
    assert database_error(sqlite3.IntegrityError("UNIQUE constraint failed: x"), path) is None


# --- two windows of one annotator ----------------------------------------------------


def test_the_same_span_tagged_in_two_windows_is_stored_once(tmp_path: Path) -> None:
    db = tmp_path / "annotations.db"
    first, second = connect(db), connect(db)
    try:
        document, _ = add_document(first, LoadedText.from_text("Alice met Bob.", "/a.txt"))
        left = AnnotationStore(first, document.id, "ann")
        right = AnnotationStore(second, document.id, "ann")
        made = left.create(0, 5, "PER", "Alice")
        again = right.create(0, 5, "PER", "Alice")
        assert again == made  # the window shows the span that is there
        other_label = right.create(0, 5, "ORG", "Alice")
        other_person = AnnotationStore(second, document.id, "bob").create(0, 5, "PER", "Alice")
        spans = live_annotations(first, document.id)
        assert sorted((s.annotator, s.label) for s in spans) == [
            ("ann", "ORG"), ("ann", "PER"), ("bob", "PER")]
        assert {s.uid for s in spans} == {made.uid, other_label.uid, other_person.uid}
        left.delete(made.uid)  # once deleted, tagging it again makes it anew
        assert right.create(0, 5, "PER", "Alice").uid != made.uid
    finally:
        first.close()
        second.close()

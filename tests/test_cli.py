"""`reader` as users run it: bad input is one line on stderr, exit 1, nothing touched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.store.database import SCHEMA_VERSION


def run_reader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def assert_one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("reader: error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def make_bad_article(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.txt"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "undecodable":
        path.write_bytes(b"caf\xe9 \xff\xfe")
    elif kind == "oversized":
        with path.open("wb") as handle:
            handle.seek(100 * 1024 * 1024 + 1)
            handle.write(b"x")
    return path


@pytest.mark.parametrize(
    ("kind", "needle"),
    [("empty", "file is empty"), ("undecodable", "not valid utf-8 at byte 3"),
     ("oversized", "over the 100 MB limit")],
)
def test_bad_articles_are_refused_before_the_database_exists(tmp_path: Path, kind: str,
                                                             needle: str) -> None:
    article = make_bad_article(tmp_path, kind)
    before = digest(article)
    db = tmp_path / "db" / "annotations.db"
    result = run_reader("open", str(article), "--db", str(db))
    assert_one_line_error(result, needle)
    assert digest(article) == before
    assert not db.exists()


def test_database_that_is_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("my shopping list\n" * 50)
    before = digest(db)
    result = run_reader("open", "sample_articles/mirzoyan-lavrov-moscow-meeting.txt",
                        "--db", str(db))
    assert_one_line_error(result, "not a SQLite database")
    assert digest(db) == before


def test_database_from_a_newer_reader(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE documents (id INTEGER)")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    raw.close()
    before = digest(db)
    result = run_reader("open", "sample_articles/mirzoyan-lavrov-moscow-meeting.txt",
                        env={"READER_DB": str(db)})
    assert_one_line_error(result, "newer than this reader")
    assert digest(db) == before


def test_unwritable_database_location(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_reader("open", "sample_articles/mirzoyan-lavrov-moscow-meeting.txt",
                        "--db", str(blocker / "annotations.db"))
    assert_one_line_error(result, "cannot create folder")


def test_bad_config_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "reader.toml"
    config.write_text("[[labels]]\nname = 'x'\ncolor = 'not-a-colour'\n")
    result = run_reader("open", "sample_articles/mirzoyan-lavrov-moscow-meeting.txt",
                        env={"READER_CONFIG": str(config)})
    assert_one_line_error(result, f"{config}:3: bad colour")


def test_version_help_and_where(tmp_path: Path) -> None:
    from reader import __version__

    assert run_reader("--version").stdout.strip() == f"reader, version {__version__}"
    help_text = run_reader("--help").stdout
    for command in ("open", "where", "export", "import", "stats", "agree", "merge"):
        assert command in help_text
    where = run_reader("where", env={"READER_DB": str(tmp_path / "x.db")}).stdout
    assert f"database: {tmp_path / 'x.db'}" in where


def test_cli_module_stays_light() -> None:
    """`reader --help` and the first paint must not pay for sqlite-utils or Textual."""
    code = ("import sys, reader.cli; "
            "print(sorted(m for m in ('sqlite_utils', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> tuple[int | str | None, str, str]:
    """`reader ARGS` in this process, as the console script runs it: (exit code, out, err)."""
    from reader.cli import main

    monkeypatch.setattr(sys, "argv", ["reader", *args])
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("target", ["reader.commands.renamed_away:stats",
                                    "reader.commands.stats:renamed_away"])
@pytest.mark.parametrize("args", [("--help",), ("stats", "--help"), ("stats",)])
def test_a_lazy_command_that_does_not_load_fails_loudly(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        target: str, args: tuple[str, ...]) -> None:
    """A renamed module or attribute is an internal error naming the entry, in the help and
    in the command; it never silently drops the command from `reader --help`."""
    from reader.cli import LAZY_COMMANDS

    monkeypatch.setitem(LAZY_COMMANDS, "stats", target)
    code, out, err = run_main(monkeypatch, capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"reader: internal error: LazyCommandError: subcommand 'stats'"
                          f" cannot be loaded from {target}: ")
    assert len(err.strip().splitlines()) == 1


def test_every_lazy_command_loads_and_is_listed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import click

    from reader.cli import LAZY_COMMANDS, cli, load_lazy_command

    for name in LAZY_COMMANDS:
        command = load_lazy_command(name)
        assert isinstance(command, click.Command)
        assert command.name == name
    with click.Context(cli) as ctx:
        assert set(LAZY_COMMANDS) <= set(cli.list_commands(ctx))
    code, out, err = run_main(monkeypatch, capsys, "--help")
    assert (code, err) == (0, "")
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert set(LAZY_COMMANDS) <= listed

"""`reader open PATH...` starts without click (reader.cli's fast path) and does exactly what
click's `reader open -- PATH...` does: the same call to `launch`, the same errors, the same
exit codes. Anything that is not a plain list of paths goes through click."""

from __future__ import annotations

import errno
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.cli import plain_open


def test_a_plain_open_imports_no_click(tmp_path: Path) -> None:
    """The point of the fast path: click (and reader's click commands) stay unloaded until
    the app runs. launch is stubbed: what it is called with is checked below."""
    article = tmp_path / "a.txt"
    article.write_text("Ana met Bo.\n", encoding="utf-8")
    code = ("import sys, json, reader.ui.launch as ui\n"
            "ui.launch = lambda **kw: print(json.dumps(sorted(m for m in sys.modules"
            " if m == 'click' or m.startswith(('click.', 'reader.commands')))))\n"
            "from reader.cli import main\n"
            f"sys.argv = ['reader', 'open', {str(article)!r}]\n"
            "main()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == []


@pytest.mark.parametrize("args", [["open", "a.txt"], ["open", "a.txt", "folder", "c.jsonl"],
                                  ["open"], [], ["open", "dir/-x.txt"]])
def test_plain_command_lines(args: list[str]) -> None:
    assert plain_open(args) == [Path(arg) for arg in args[1:]]


@pytest.mark.parametrize("args", [
    ["open", "--help"], ["open", "-h"], ["--help"], ["-V"], ["open", "a.txt", "--db", "x.db"],
    ["open", "--compare", "a.txt"], ["open", "--", "a.txt"], ["open", "-"], ["open", ""],
    ["--db", "x.db", "open", "a.txt"], ["where"], ["export", "a.jsonl"], ["opne", "a.txt"],
    ["a.txt"],
])
def test_everything_else_goes_to_click(args: list[str]) -> None:
    assert plain_open(args) is None


def test_shell_completion_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_READER_COMPLETE", "bash_complete")
    assert plain_open(["open", "a.txt"]) is None


Outcome = tuple[int | str | None, str, str, bool]


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             args: list[str]) -> Outcome:
    """`reader ARGS` in this process: (exit code, stdout, stderr, fast path taken)."""
    import reader.cli

    taken: list[bool] = []
    original = reader.cli.open_plain

    def spy(paths: list[Path]) -> None:
        taken.append(True)
        original(paths)

    monkeypatch.setattr(reader.cli, "open_plain", spy)
    monkeypatch.setattr(sys, "argv", ["reader", *args])
    # click silences a broken pipe by wrapping stdout and stderr: put them back afterwards.
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    code: int | str | None = 0
    try:
        reader.cli.main()
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err, bool(taken)


def both_paths(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
               paths: list[str]) -> tuple[Outcome, Outcome]:
    """The fast path's outcome and click's (`open -- PATHS`), each run from the same state."""
    fast = run_main(monkeypatch, capsys, ["open", *paths])
    slow = run_main(monkeypatch, capsys, ["open", "--", *paths])
    assert (fast[3], slow[3]) == (True, False)
    return fast, slow


def recording_launch(monkeypatch: pytest.MonkeyPatch,
                     effect: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """launch replaced: each call's arguments, every default filled in, then `effect`."""
    import reader.ui.launch

    calls: list[dict[str, Any]] = []
    signature = inspect.signature(reader.ui.launch.launch)

    def fake(**kwargs: Any) -> None:
        bound = signature.bind(**kwargs)
        bound.apply_defaults()
        calls.append(dict(bound.arguments))
        effect()

    monkeypatch.setattr(reader.ui.launch, "launch", fake)
    return calls


@pytest.mark.parametrize("paths", [["a.txt"], ["a.txt", "b.txt"], []])
def test_launch_gets_what_click_gives_it(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         paths: list[str]) -> None:
    """Every option's default and the database: an option added to `reader open` with a
    default the fast path does not pass shows up here."""
    calls = recording_launch(monkeypatch)
    fast, slow = both_paths(monkeypatch, capsys, paths)
    assert fast[:3] == slow[:3] == (0, "", "")
    assert len(calls) == 2 and calls[0] == calls[1]
    assert calls[0]["paths"] == [Path(p) for p in paths]
    assert calls[0]["db_path"] == Path(os.environ["READER_DB"])
    if not paths:  # `reader` alone is the library too, and also plain
        assert run_main(monkeypatch, capsys, [])[3]
        assert calls[2] == calls[0]


@pytest.mark.parametrize("error", [KeyboardInterrupt(), EOFError(),
                                   BrokenPipeError(errno.EPIPE, "Broken pipe"),
                                   RuntimeError("a bug"), SystemExit(3)])
def test_an_interruption_or_crash_ends_as_it_does_through_click(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        error: BaseException) -> None:
    def fail() -> None:
        raise error

    monkeypatch.delenv("READER_DEBUG", raising=False)
    recording_launch(monkeypatch, fail)
    fast, slow = both_paths(monkeypatch, capsys, ["a.txt"])
    assert fast[:3] == slow[:3]
    assert fast[0] != 0


def bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> list[str]:
    """The paths to open for each kind of bad input (set up in tmp_path)."""
    article = tmp_path / "a.txt"
    article.write_text("Ana met Bo.\n", encoding="utf-8")
    if kind == "missing":
        return [str(tmp_path / "nowhere.txt")]
    if kind == "empty":
        article.write_bytes(b"")
    elif kind == "undecodable":
        article.write_bytes(b"caf\xe9")
    elif kind == "bad config":
        monkeypatch.setenv("READER_CONFIG", str(tmp_path / "no-such.toml"))
    elif kind == "damaged database":
        damaged = tmp_path / "damaged.db"
        damaged.write_bytes(b"not a database at all, just bytes " * 200)
        monkeypatch.setenv("READER_DB", str(damaged))
    elif kind == "empty folder":
        (tmp_path / "folder").mkdir()
        return [str(tmp_path / "folder")]
    return [str(article)]


@pytest.mark.parametrize("kind", ["missing", "empty", "undecodable", "bad config",
                                  "damaged database", "empty folder"])
def test_bad_input_is_the_same_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str], kind: str) -> None:
    paths = bad_input(tmp_path, monkeypatch, kind)
    fast, slow = both_paths(monkeypatch, capsys, paths)
    assert fast[:3] == slow[:3]
    code, out, err, _ = fast
    assert (code, out) == (1, "")
    assert err.startswith("reader: error: ") and len(err.splitlines()) == 1

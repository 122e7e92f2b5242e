"""A crash inside the TUI (issue 8, item 12): `reader open` exits non-zero with one line on
stderr, as the CLI does for any internal error, and READER_DEBUG=1 gives the traceback.

The app runs headless through the real entry point (`reader.cli.main`); a key handler is
made to raise, as a bug would."""

from __future__ import annotations

import traceback
from functools import partialmethod
from pathlib import Path

import pytest
from textual.app import App

from reader.cli import main
from reader.ui.app import ReaderApp
from reader.ui.screens.article import ArticleScreen


class Boom(RuntimeError):
    pass


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """`reader open article.txt` whose first paint is followed by a crash in a handler."""

    def explode(self: ArticleScreen) -> None:
        raise Boom("a bug in a handler")

    async def press_v(pilot: object) -> None:
        await pilot.press("v")  # type: ignore[attr-defined]

    monkeypatch.setattr(ArticleScreen, "action_toggle_selection", explode)
    monkeypatch.setattr(ReaderApp, "run", partialmethod(App.run, headless=True,
                                                        auto_pilot=press_v))
    monkeypatch.delenv("READER_DEBUG", raising=False)
    article = tmp_path / "article.txt"
    article.write_text("Some text to read.\n", encoding="utf-8")
    return ["reader", "open", str(article), "--db", str(tmp_path / "annotations.db")]


def test_a_crash_exits_non_zero_with_one_line(crashing: list[str], monkeypatch,
                                             capsys) -> None:
    monkeypatch.setattr("sys.argv", crashing)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code != 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines == ["reader: internal error: Boom: a bug in a handler "
                     "(set READER_DEBUG=1 for details)"], captured.err


def test_reader_debug_gives_the_traceback(crashing: list[str], monkeypatch) -> None:
    monkeypatch.setattr("sys.argv", crashing)
    monkeypatch.setenv("READER_DEBUG", "1")
    with pytest.raises(Boom) as raised:
        main()
    frames = traceback.extract_tb(raised.value.__traceback__)
    assert any(frame.name == "explode" for frame in frames)  # where the bug is

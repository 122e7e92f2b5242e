"""The status line (issue 12, item 5): what just happened comes first, then what is under
the cursor, then the position; nothing is cut inside a word; a note's text is shown; and
`}` steps through two disagreements under the cursor, counting both."""

from __future__ import annotations

import re

import pytest
from pilot_helpers import SEED_PATH, read_text, screen_of, status_text

from reader.store.annotations import AnnotationStore
from reader.store.database import connect

TEXT = read_text(SEED_PATH)
SENTENCE = "Minister Mirzoyan expressed his condolences regarding the explosion"
ACTOR = "Minister Mirzoyan"
NOTE = "check whether condolences count as a commitment here"


def open_with_two_spans_here(reader):  # type: ignore[no-untyped-def]
    """Compare mode on the seed article: my commitment (with a note) and bob's actor start
    at the same place, and both disagree with the other side."""
    app = reader.open(TEXT, compare=True)
    conn = connect(reader.db_path)
    start = TEXT.index(SENTENCE)
    mine = AnnotationStore(conn, reader.document.id, "tester")
    commitment = mine.create(start, start + len(SENTENCE), "commitment", SENTENCE)
    mine.set_note(commitment.uid, NOTE)
    AnnotationStore(conn, reader.document.id, "bob").create(
        start, start + len(ACTOR), "actor", ACTOR)
    return app


def cut_words(status: str) -> list[str]:
    """The words the status line shortened (those before an ellipsis), without quotes."""
    return [word.strip("“”[]") for word in re.findall(r"(\S*)…", status)]


def whole_words(*texts: str) -> set[str]:
    return {word.strip("“”[],.") for text in texts for word in text.split()}


@pytest.mark.parametrize("width", [120, 60])
async def test_two_disagreements_under_the_cursor_are_both_counted(reader, width) -> None:
    app = open_with_two_spans_here(reader)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        assert "disagreement 1/2" in status_text(app)
        await pilot.press("right_curly_bracket")  # the other one, at the same place
        await pilot.pause()
        assert "disagreement 2/2" in status_text(app)
        await pilot.press("left_curly_bracket")
        await pilot.pause()
        assert "disagreement 1/2" in status_text(app)


@pytest.mark.parametrize("width", [120, 60])
async def test_the_status_line_cuts_only_after_whole_words(reader, width) -> None:
    app = open_with_two_spans_here(reader)
    async with app.run_test(size=(width, 24)) as pilot:
        screen_of(app).view.move_cursor(TEXT.index(SENTENCE) + len(ACTOR) + 3)
        await pilot.pause()  # the commitment alone: its quote, how it disagrees, its note
        shown = [status_text(app)]
        screen_of(app).view.move_cursor(0)
        await pilot.press("right_curly_bracket")  # two spans, and a message
        await pilot.pause()
        shown.append(status_text(app))
    known = whole_words(SENTENCE, NOTE, "actor · bob commitment ≠ ✎ missing: only you")
    cut = [word for status in shown for word in cut_words(status)]
    assert cut, f"something had to give way at this width: {shown}"
    assert all(not word or word in known for word in cut), shown


async def test_a_message_and_what_is_under_the_cursor_come_before_the_position(
        reader) -> None:
    app = open_with_two_spans_here(reader)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        status = status_text(app)
    assert "disagreement 1/2" in status, status
    assert f"[actor · bob] “{ACTOR}”" in status, status
    assert "17%" not in status, "the position gives way first"


async def test_the_note_under_the_cursor_is_shown_as_text(reader) -> None:
    app = open_with_two_spans_here(reader)
    async with app.run_test(size=(160, 24)) as pilot:
        screen_of(app).view.move_cursor(TEXT.index(SENTENCE) + len(ACTOR) + 3)
        await pilot.pause()
        status = status_text(app)
    assert f"✎ {NOTE}" in status, status


async def test_a_message_goes_once_the_cursor_moves_on_and_saved_stays(reader) -> None:
    """"tagged …" is about where it was said: it stays while the cursor stays, goes when
    the cursor moves on (it was never cleared before), and "saved ✓" stays with it."""
    app = reader.open(TEXT)
    async with app.run_test(size=(120, 24)) as pilot:
        view = screen_of(app).view
        start = TEXT.index(ACTOR)
        view.set_selection(start, start + len(ACTOR))
        await pilot.press("1")
        await pilot.pause()
        assert f"“{ACTOR}”" in status_text(app) and "saved ✓" in status_text(app)
        await pilot.press("escape")  # the cursor stays: so does the message
        await pilot.pause()
        assert "saved ✓" in status_text(app)
        said = status_text(app)
        await pilot.press("w", "w", "w")  # past the span: nothing is under the cursor
        await pilot.pause()
        moved = status_text(app)
    assert "saved ✓" in moved, moved
    assert f"“{ACTOR}”" not in moved and moved != said, moved

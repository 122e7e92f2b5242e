"""Random sequences of tag / delete / note / undo / redo / restart on a running app keep the
database, the sidebar list and the spans drawn on screen equal to a small model.

The model is deliberately naive: a dict of spans plus two stacks of (uid, before, after)
changes. One headless app runs per example on its own event loop; rules press keys through
the Pilot."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pilot_helpers import (
    AppDriver,
    ReaderFactory,
    assert_exact,
    burst,
    screen_of,
    view_of,
)
from textual.pilot import Pilot
from textual.widgets import Input

from reader.text.tokens import tokenize
from reader.ui.screens.dialogs import ChooseScreen, NoteScreen
from reader.ui.widgets.annotation_list import AnnotationList
from reader.ui.widgets.status import StatusLine

TEXT = ("Ararat Mirzoyan met 👨🏻\u200d🚒 in 東京 today.\r\nRene\u0301e said: مرحبا\tand שלום.\r\n"
        "\r\nThe CSTO session — 中文字 ❤️ ends; Lavrov left.\n")
TOKENS = [(token.start, token.end) for token in tokenize(TEXT)]
LABEL_KEYS = {"actor": "1", "topic": "2", "commitment": "3"}
NOTES = ["", "x", " x ", "see 東京 ✍️", "checked"]


@dataclass(frozen=True)
class ModelSpan:
    start: int
    end: int
    label: str
    note: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label


Change = tuple[str, ModelSpan | None, ModelSpan | None]  # (uid, before, after)


def trimmed(start: int, end: int) -> tuple[int, int]:
    while TEXT[start].isspace():
        start += 1
    while TEXT[end - 1].isspace():
        end -= 1
    return start, end


async def back_from_dialog(pilot: Pilot[Any], dialog: object) -> None:
    """Wait for the dialog to close and its answer to be acted on. A pause alone waits for
    the dialog's own messages; the answer reaches the article screen after, and on a
    loaded machine (`wait_for_idle` gives up after a second) the invariants could read
    the database before the edit was made."""
    for _ in range(3000):
        if pilot.app.screen is not dialog:
            break
        await asyncio.sleep(0.01)
    await pilot.pause()


class AnnotationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="reader-sm-"))
        self.reader = ReaderFactory(self.folder / "annotations.db")
        self.loop = asyncio.new_event_loop()
        self.spans: dict[str, ModelSpan] = {}
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self.restarted = False
        self._start_app()

    # --- driving the app -----------------------------------------------------------------

    def _start_app(self) -> None:
        app = self.reader.open(TEXT, source="state-machine.txt")
        self.drive = AppDriver(self.loop, app)

        async def open_sidebar(pilot: Pilot[Any]) -> None:
            await pilot.press("tab")  # the sidebar stays open: its list is checked too
            view_of(pilot.app).focus()  # type: ignore[arg-type]
            await pilot.pause()

        self.drive(open_sidebar)

    def _stop_app(self) -> None:
        self.drive.close()
        self.reader.close()

    def teardown(self) -> None:
        try:
            self._stop_app()
        finally:
            self.loop.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def _uids_on_disk(self) -> set[str]:
        return {row.uid for row in self.reader.rows()}

    def _record(self, change: Change) -> None:
        uid, _before, after = change
        if after is None:
            self.spans.pop(uid)
        else:
            self.spans[uid] = after
        self.undo_stack.append(change)
        self.redo_stack.clear()

    def _same_range(self, target: tuple[int, int], label: str) -> str | None:
        """The span a label key toggles off on this exact range (the first by uid if undo
        and redo made two alike), or None."""
        same = sorted(u for u, s in self.spans.items() if s.key == (*target, label))
        return same[0] if same else None

    async def _pick_span(self, pilot: Pilot[Any], uid: str) -> None:
        """With the cursor on the span's start, answer the chooser if one opened."""
        screen = pilot.app.screen
        if isinstance(screen, ChooseScreen):
            values = [choice.value for choice in screen.choices]
            covering = {u for u, s in self.spans.items()
                        if s.start <= self.spans[uid].start < s.end}
            assert set(values) == covering, "the chooser offers exactly the spans there"
            await burst(pilot, *["down"] * values.index(uid), "enter")
            await back_from_dialog(pilot, screen)

    # --- rules ---------------------------------------------------------------------------

    @rule(data=st.data(), label=st.sampled_from(sorted(LABEL_KEYS)))
    def tag(self, data: st.DataObject, label: str) -> None:
        first = data.draw(st.integers(0, len(TOKENS) - 1), label="first token")
        selected = data.draw(st.booleans(), label="select")
        if selected:
            last = data.draw(st.integers(first, min(first + 3, len(TOKENS) - 1)), label="last")
            start, end = TOKENS[first][0], TOKENS[last][1]
            pad_start = start - 1 if start and TEXT[start - 1].isspace() else start
            pad_end = end + 1 if end < len(TEXT) and TEXT[end].isspace() else end
            target = trimmed(pad_start, pad_end)

            removed = self._same_range(target, label)

            def place(pilot: Pilot[Any]) -> None:
                view_of(pilot.app).set_selection(pad_start, pad_end)  # type: ignore[arg-type]
        else:
            start, end = TOKENS[first]
            cursor = data.draw(st.integers(start, end - 1), label="cursor")
            target = (start, end)
            # The same label on a span the cursor is in removes it (the innermost), else
            # the word under the cursor is toggled.
            inside = sorted((s.end - s.start, s.start, s.label, u) for u, s in self.spans.items()
                            if s.start <= cursor < s.end and s.label == label)
            removed = inside[0][3] if inside else self._same_range(target, label)

            def place(pilot: Pilot[Any]) -> None:
                view_of(pilot.app).move_cursor(cursor)  # type: ignore[arg-type]

        # Removing a span longer than the word under the cursor takes the key twice (the
        # first press only asks), as a user confirms it.
        confirm = (removed is not None and not selected
                   and self.spans[removed].end - self.spans[removed].start > end - start)

        async def press(pilot: Pilot[Any]) -> None:
            place(pilot)
            await burst(pilot, *[LABEL_KEYS[label]] * (2 if confirm else 1))

        before = self._uids_on_disk()
        self.drive(press)
        if removed is not None:
            self._record((removed, self.spans[removed], None))
        else:
            (uid,) = self._uids_on_disk() - before
            self._record((uid, None, ModelSpan(*target, label)))

    @precondition(lambda self: self.spans)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        uid = data.draw(st.sampled_from(sorted(self.spans)), label="span")

        async def press(pilot: Pilot[Any]) -> None:
            view_of(pilot.app).move_cursor(self.spans[uid].start)  # type: ignore[arg-type]
            await pilot.press("x")
            await self._pick_span(pilot, uid)

        self.drive(press)
        self._record((uid, self.spans[uid], None))

    @precondition(lambda self: self.spans)
    @rule(data=st.data(), note=st.sampled_from(NOTES))
    def note(self, data: st.DataObject, note: str) -> None:
        uid = data.draw(st.sampled_from(sorted(self.spans)), label="span")
        span = self.spans[uid]

        async def press(pilot: Pilot[Any]) -> None:
            view_of(pilot.app).move_cursor(span.start)  # type: ignore[arg-type]
            await pilot.press("a")
            await self._pick_span(pilot, uid)
            editor = pilot.app.screen
            assert isinstance(editor, NoteScreen)
            field = editor.query_one(Input)
            assert field.value == span.note
            field.value = note
            await burst(pilot, "enter")
            await back_from_dialog(pilot, editor)

        self.drive(press)
        if note.strip() != span.note:
            self._record((uid, span, replace(span, note=note.strip())))

    @rule()
    def undo(self) -> None:
        self.drive(lambda pilot: burst(pilot, "u"))
        if self.undo_stack:
            uid, before, _after = change = self.undo_stack.pop()
            self._apply(uid, before)
            self.redo_stack.append(change)

    @rule()
    def redo(self) -> None:
        self.drive(lambda pilot: burst(pilot, "ctrl+r"))
        if self.redo_stack:
            uid, _before, after = change = self.redo_stack.pop()
            self._apply(uid, after)
            self.undo_stack.append(change)

    @precondition(lambda self: not self.restarted)
    @rule()
    def restart(self) -> None:
        """Quit and open again: the spans and the undo history come back from the disk.
        (Once per example: starting an app costs as much as ten other steps.)"""
        self.restarted = True
        self.drive(lambda pilot: pilot.press("q"))
        self._stop_app()
        self._start_app()

    def _apply(self, uid: str, state: ModelSpan | None) -> None:
        if state is None:
            self.spans.pop(uid, None)
        else:
            self.spans[uid] = state

    # --- the three views of the truth ----------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        rows = self.reader.rows()
        assert_exact(rows, TEXT)
        assert {row.uid: ModelSpan(row.start, row.end, row.label, row.note)
                for row in rows} == self.spans

    @invariant()
    def screen_matches_the_model(self) -> None:
        def look(pilot: Pilot[Any]) -> tuple[list[Any], list[Any], str]:
            app = pilot.app
            view = view_of(app)  # type: ignore[arg-type]
            drawn = [(s.start, s.end, s.label, s.note, s.uid, s.own) for s in view.spans]
            sidebar = screen_of(app).query_one(AnnotationList)  # type: ignore[arg-type]
            listed = [(s.start, s.end, s.label, s.note, s.uid, s.own) for s in sidebar.spans]
            # The count the status line holds: the line itself may drop the position's
            # last parts to make room for a long message (status priorities).
            where = screen_of(app).query_one(StatusLine).where  # type: ignore[arg-type]
            return drawn, listed, where

        drawn, listed, status = self.drive(look)
        expected = sorted((s.start, s.end, s.label, s.note, u, True)
                          for u, s in self.spans.items())
        assert sorted(drawn) == expected
        assert sorted(listed) == expected
        assert [s[:2] for s in listed] == sorted(s[:2] for s in listed), "in text order"
        assert f"spans {len(self.spans)}" in status


TestAnnotationMachine = AnnotationMachine.TestCase
# Few long runs rather than many short ones: an app start (with the sidebar) costs as much
# as ten steps and some runs take no step at all, so 5 runs of up to 20 steps do as many
# steps as 10 of 10 on half the starts, and build up more spans for the steps to act on.
TestAnnotationMachine.settings = settings(
    max_examples=5, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestAnnotationMachine = pytest.mark.slow(TestAnnotationMachine)

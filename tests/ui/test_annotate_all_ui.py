"""`*` through the Pilot: every other occurrence of the span under the cursor tagged with its
label, in a worker; one `u` undoes them all and one Ctrl+R brings them back; more than 20
are confirmed first; the corpus variant from the command palette tags other documents."""

from __future__ import annotations

import sqlite3

from pilot_helpers import SIZE, assert_exact, move_to, screen_of, search, status_text, type_text

from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText
from reader.ui.screens.article import annotate_all
from reader.ui.screens.dialogs import ConfirmScreen


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the worker finish and its answer land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def lavrovs(reader) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return [(r.start, r.end, r.label) for r in reader.rows() if r.text == "Lavrov"]


async def test_star_tags_every_occurrence_and_one_undo_takes_them_back(reader,
                                                                       seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lavrov")
        await pilot.press("1")  # the cursor is left just after the new span
        await pilot.pause()
        assert len(lavrovs(reader)) == 1
        await pilot.press("asterisk")
        await settle(pilot)
        assert len(lavrovs(reader)) == seed_text.count("Lavrov") == 5
        assert_exact(reader.rows(), reader.text)
        assert "actor “Lavrov”: 4 more tagged" in status_text(app), status_text(app)
        assert [kind for kind, _ in reader.events()] == ["create", "create_spans"]
        await pilot.press("u")
        await pilot.pause()
        assert len(lavrovs(reader)) == 1  # one step: the batch, not the first tag
        assert "undone: 4 × actor “Lavrov” gone" in status_text(app), status_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(lavrovs(reader)) == 5
        await pilot.press("asterisk")  # nothing left to tag
        await settle(pilot)
        assert "no other untagged occurrence" in status_text(app)
        assert len(reader.rows()) == 5


async def test_keys_typed_while_it_looks_act_afterwards(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "CSTO")
        await pilot.press("1")
        await pilot.press("asterisk", "u")  # u undoes the batch, not the first tag
        await settle(pilot)
        assert [r.text for r in reader.rows()] == ["CSTO"]


async def test_more_than_twenty_asks_first(reader, monkeypatch) -> None:
    """(Written in a thread, as thousands would be: the threshold lowered for the test.)"""
    monkeypatch.setattr(annotate_all, "WRITE_IN_THREAD_ABOVE", 10)
    text = "Ana met Ana. " * 15  # 30 times "Ana"
    app = reader.open(text)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, 0)
        await pilot.press("1")
        await pilot.press("asterisk")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Tag 29 more occurrences of “Ana” as actor?" in str(
            app.screen.query_one("#question").render())
        await pilot.press("n")
        await pilot.pause()
        assert len(reader.rows()) == 1 and "nothing tagged" in status_text(app)
        await pilot.press("asterisk")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(reader.rows()) == 30
        assert_exact(reader.rows(), text)
        await pilot.press("u")
        await pilot.pause()
        assert len(reader.rows()) == 1


async def test_star_without_a_span_says_how(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("asterisk")
        await settle(pilot)
        assert "tag one, then * tags its other occurrences" in status_text(app)
        assert reader.rows() == []


async def test_the_corpus_variant_from_the_command_palette(reader, seed_text) -> None:
    conn = connect(reader.db_path)
    other, _ = add_document(conn, LoadedText.from_text("Lavrov, and Lavrov again.", "/b.txt"))
    conn.close()
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lavrov")
        await pilot.press("1")
        await pilot.press("ctrl+p")
        await type_text(pilot, "every document")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the corpus: always asked, with the count
        assert "Tag 6 more occurrences of “Lavrov” in 2 documents as actor?" in str(
            app.screen.query_one("#question").render())
        await pilot.press("y")
        await pilot.pause()
        assert len(lavrovs(reader)) == 5
        assert "actor “Lavrov”: 4 more tagged, 2 in 1 other document" in status_text(app)
        with sqlite3.connect(reader.db_path) as raw:
            there = raw.execute("SELECT start, end, text FROM annotations WHERE"
                                " document_id = ? AND deleted_at IS NULL ORDER BY start",
                                (other.id,)).fetchall()
        assert there == [(0, 6, "Lavrov"), (12, 18, "Lavrov")]
        await pilot.press("u")  # this document's part
        await pilot.pause()
        assert len(lavrovs(reader)) == 1
        assert screen_of(app).annotations.store.can_undo


async def test_inside_words_too_from_the_command_palette(reader) -> None:
    app = reader.open("Lavrov met Lavrovsky and Lavrov.")
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, 0)
        await pilot.press("1")
        await pilot.press("asterisk")
        await settle(pilot)
        assert [r.start for r in reader.rows()] == [0, 25]  # whole words: not Lavrovsky
        await pilot.press("ctrl+p")
        await type_text(pilot, "inside words too")
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.start, r.text) for r in reader.rows()] == [
            (0, "Lavrov"), (11, "Lavrov"), (25, "Lavrov")]

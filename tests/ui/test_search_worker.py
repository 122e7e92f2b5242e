"""Search on a big document (issue 8 item 8): it runs in a worker, a new query cancels the
old one, the keys typed around it go where they were meant, and the offsets are exact.

Typing `/treaty` then Enter and `1` as one burst used to put the `1` into the query (the
search ran on the UI thread for every key, and the keys queued behind it were routed to the
bar), and the keys right after `/` went to the article (`a` opened the note dialog)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pilot_helpers import SIZE, burst, screen_of, status_text, view_of
from textual.message import Message
from textual.pilot import Pilot

import reader.ui.widgets.article_view as article_view
from reader.text.search import CHUNK_SIZE, Search
from reader.ui.widgets.article_view import ArticleView

# Non-latin-1 text (smart quotes, an em dash, CJK, an emoji beyond U+FFFF) and the two
# characters IGNORECASE pairs with ASCII letters (long s, Kelvin sign), around the words.
PARAGRAPH = ("The delegation met in Yerevan — “a working visit” 東京 👨🏻\u200d🚒 — and "
             "discussed the water \u017ftation and the \u212aelvin scale at length.\n")
REPEAT = 6_000  # 1.8 MB of UTF-8 in all: more than ten search chunks
BIG_TEXT = (PARAGRAPH * REPEAT + "Both sides signed the Treaty; the TREATY text and a treaty "
            "annex follow.\n" + PARAGRAPH * REPEAT + "A last treaty.\n")


@pytest.fixture(scope="module")
def big_text() -> str:
    assert len(BIG_TEXT) > 10 * CHUNK_SIZE
    return BIG_TEXT


def reference(text: str, query: str) -> list[tuple[int, int]]:
    """What the old search found: every match, exactly."""
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    return [m.span() for m in re.finditer(re.escape(query), text, flags)]


async def settle(pilot: Pilot[Any], view: ArticleView, query: str | None = None) -> None:
    """Wait (in small steps, up to a generous bound) until no search is pending or held,
    and, given `query`, until its matches are the view's: on a loaded machine the keys of
    a burst may still be queued when the first check comes."""
    screen = screen_of(pilot.app)  # type: ignore[arg-type]
    for _ in range(1200):
        if (not view.searching and screen._held_keys is None
                and not screen._search_submitted
                and (query is None or view.matches.query == query)):
            break
        await pilot.pause(0.025)
    await pilot.pause()
    assert not view.searching, "the search never finished"


SLOW_QUERIES = ("water", "TREATY")


@pytest.fixture
def slow_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Searches for SLOW_QUERIES take seconds (a sleep per chunk), so they are still running
    when the next keys arrive, whatever the Pilot waits; counts each query's chunks."""
    chunks: dict[str, int] = {}

    class SlowSearch(Search):
        def steps(self) -> Iterator[float]:
            for fraction in super().steps():
                chunks[self.query] = chunks.get(self.query, 0) + 1
                time.sleep(0.15 if self.query in SLOW_QUERIES else 0)
                yield fraction

    monkeypatch.setattr(article_view, "Search", SlowSearch)
    yield chunks


async def test_keys_typed_in_one_burst_go_where_they_were_meant(reader, big_text) -> None:
    """`/treaty`, Enter, `1` typed faster than the search: the query is `treaty`, Enter
    selects the first match after the cursor, and `1` tags that match."""
    app = reader.open(big_text)
    expected = reference(big_text, "treaty")
    assert len(expected) == 4
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.pause()
        await burst(pilot, "slash", *"treaty", "enter", "1")
        await settle(pilot, view, "treaty")
        bar = screen_of(app).query_one("#search")
        assert bar.value == "treaty"  # type: ignore[attr-defined]
        assert view.has_focus
        assert [tuple(match) for match in view.matches] == expected
        assert all(big_text[start:end].lower() == "treaty" for start, end in view.matches)
        # The Kelvin sign matches `k` ignoring case, as `re` has it: every one is found.
        await burst(pilot, "slash", *"kelvin", "enter")
        await settle(pilot, view, "kelvin")
        assert [tuple(match) for match in view.matches] == reference(big_text, "kelvin")
        assert len(view.matches) == 2 * REPEAT
    rows = reader.rows()
    assert [(row.start, row.end, row.label) for row in rows] == [(*expected[0], "actor")]
    assert rows[0].text == "Treaty"


async def test_escape_hands_the_next_key_to_the_article(reader, big_text) -> None:
    app = reader.open(big_text)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.pause()
        await burst(pilot, "slash", *"water", "escape", "j")
        await settle(pilot, view)
        assert screen_of(app).query_one("#search").value == "water"  # type: ignore[attr-defined]
        assert view.matches == [] and view.current_match is None
        assert view.cursor == view.wrapped.offset_at(1, 0), "j moved down a row from the top"
        assert view.has_focus


async def test_a_new_query_cancels_the_old_one(reader, big_text, slow_search) -> None:
    """While `water` is being searched (progress on the status line), the bar takes new
    keys at once; the new query stops the old search between two chunks, and only the new
    query's result ever reaches the view."""
    app = reader.open(big_text)
    messages: list[Message] = []
    total_chunks = -(-len(big_text) // CHUNK_SIZE)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        view = view_of(app)
        await pilot.pause()
        await pilot.press("slash")
        await burst(pilot, *"water")
        assert view.searching and view.matches == [], "typing does not wait for the search"
        for _ in range(400):  # until the worker reports progress
            if any(isinstance(m, ArticleView.SearchProgress) for m in messages):
                break
            await pilot.pause(0.025)
        assert "searching…" in status_text(app)
        await burst(pilot, *["backspace"] * 5, *"Treaty")
        assert screen_of(app).query_one("#search").value == "Treaty"  # type: ignore[attr-defined]
        await settle(pilot, view, "Treaty")
        done = {id(m): m.result.query for m in messages  # each message once, not per hop
                if isinstance(m, ArticleView.SearchDone)}
        assert list(done.values()) == ["Treaty"]
        assert [tuple(match) for match in view.matches] == reference(big_text, "Treaty")
        assert big_text[view.matches[0].start:view.matches[0].end] == "Treaty"
        assert f"match 1/{len(view.matches)}" in status_text(app)
    assert 0 < slow_search["water"] < total_chunks, "the old search stopped part way"
    assert slow_search["Treaty"] == total_chunks


async def test_enter_while_the_search_runs_selects_when_it_lands(reader, big_text,
                                                                 slow_search) -> None:
    """Enter before the result: the keys typed next wait for it, then act on the match."""
    app = reader.open(big_text)
    expected = reference(big_text, "TREATY")
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.pause()
        await pilot.press("slash")
        await burst(pilot, *"TREATY", "enter", "2", "n")
        screen = screen_of(app)
        for _ in range(400):  # a loaded machine may not have handled Enter yet
            if screen._search_submitted:
                break
            await pilot.pause(0.01)
        assert view.searching and screen._search_submitted, "Enter did not wait for the search"
        await settle(pilot, view, "TREATY")
        assert [tuple(match) for match in view.matches] == expected
        # `2` tagged the selected match as topic; `n` then went to the (only) match again.
        assert view.cursor == expected[0][0]
    rows = reader.rows()
    assert [(row.start, row.end, row.label, row.text) for row in rows] == [
        (*expected[0], "topic", "TREATY")]

"""SVG snapshots of the screens people look at. Refresh with `pytest --snapshot-update` and
look at the SVG diff before committing one (tests/ui/__snapshots__/)."""

from __future__ import annotations

from typing import Any

from pilot_helpers import (
    MULTILINGUAL_PATH,
    SEED_PATH,
    ReaderFactory,
    screen_of,
    type_text,
    view_of,
)
from textual.pilot import Pilot

SIZE = (100, 30)
FIREFIGHTER = "👨🏻\u200d🚒"


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the first screen and the Footer, which is mounted after the first paint."""
    await pilot.pause()
    await pilot.pause()


def tag(pilot: Pilot[Any], start: int, end: int, label: str) -> None:
    view = view_of(pilot.app)  # type: ignore[arg-type]
    view.set_selection(start, end)
    screen_of(pilot.app).tag(label)  # type: ignore[arg-type]


def annotate_seed(pilot: Pilot[Any]) -> None:
    """One span of each label, a nested pair, and a live selection."""
    text = view_of(pilot.app).text  # type: ignore[arg-type]
    for phrase, label in (("Ararat Mirzoyan", "actor"), ("Sergey Lavrov", "actor"),
                          ("CSTO Collective Security Council session", "topic"),
                          ("set to take place in Yerevan", "commitment")):
        start = text.index(phrase)
        tag(pilot, start, start + len(phrase), label)
    mirzoyan = text.index("Mirzoyan", text.index("Ararat"))
    tag(pilot, mirzoyan, mirzoyan + len("Mirzoyan"), "topic")  # nested in the actor span
    moscow = text.index("Moscow")
    view_of(pilot.app).set_selection(moscow, moscow + len("Moscow. Mirzoyan"))  # type: ignore[arg-type]


async def open_list_on_seed(pilot: Pilot[Any]) -> None:
    """The annotated seed article with the annotation list open (Tab)."""
    await settle(pilot)
    annotate_seed(pilot)
    view_of(pilot.app).clear_selection()  # type: ignore[arg-type]
    await pilot.press("tab")
    await pilot.pause()


def test_main_screen_with_spans_and_selection(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        annotate_seed(pilot)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_search_highlight(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        """Enter made the first match the selection; the other matches stay highlighted."""
        await settle(pilot)
        await pilot.press("slash", *"Lavrov", "enter")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_help_screen(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_sidebar_open(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    assert snap_compare(app, run_before=open_list_on_seed, terminal_size=SIZE)


def test_multilingual_crlf_sample(snap_compare, reader: ReaderFactory) -> None:
    """CJK, Arabic, Hebrew, emoji sequences, combining marks, tabs and CRLF endings, with a
    span on an emoji and one on a decomposed name."""
    app = reader.open(path=MULTILINGUAL_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        text = view_of(pilot.app).text  # type: ignore[arg-type]
        emoji = text.index(FIREFIGHTER)
        tag(pilot, emoji, emoji + len(FIREFIGHTER), "actor")
        renee = text.index("Rene\u0301e")
        tag(pilot, renee, renee + 6, "topic")
        chinese = text.index("北京市")
        tag(pilot, chinese, chinese + 3, "commitment")
        view_of(pilot.app).move_cursor(text.index("Cairo"), center=True)  # type: ignore[arg-type]
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_small_terminal_with_the_list_open(snap_compare, reader: ReaderFactory) -> None:
    """60×20: the list lies over the article, the footer keeps `? Help`."""
    app = reader.open(path=SEED_PATH)

    assert snap_compare(app, run_before=open_list_on_seed, terminal_size=(60, 20))


def test_status_line_with_a_note(snap_compare, reader: ReaderFactory) -> None:
    """A note written with `a` is on the status line as text, beside its span."""
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        annotate_seed(pilot)
        view = view_of(pilot.app)  # type: ignore[arg-type]
        view.clear_selection()
        span = next(s for s in view.spans if s.label == "commitment")
        view.move_cursor(span.start + 4)
        await pilot.press("a")
        await type_text(pilot, "promised by whom? check the ministry's note")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

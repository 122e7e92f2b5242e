"""SVG snapshots of overlapping and double-labelled spans, and of compare mode's kinds of
disagreement (issue 12, items 3 and 4). Refresh with `pytest --snapshot-update` and look at
the SVG before committing one (tests/ui/__snapshots__/)."""

from __future__ import annotations

from typing import Any

from pilot_helpers import SEED_PATH, ReaderFactory, read_text, view_of
from test_snapshots import settle, tag
from textual.pilot import Pilot

from reader.store.annotations import AnnotationStore
from reader.store.database import connect

SIZE = (80, 16)
SEED = read_text(SEED_PATH)

OVERLAPS = [
    ("Ararat Mirzoyan", "actor"), ("Mirzoyan, met up", "topic"),  # crossing
    ("Minister of Foreign Affairs of Russia", "actor"),  # crossing the next
    ("Russia, Sergey Lavrov", "topic"), ("Sergey Lavrov", "actor"),  # three deep
    ("Moscow", "actor"), ("Moscow", "topic"),  # one range, two labels
    ("CSTO Collective Security Council", "topic"),  # nested, same label (in the title)
    ("CSTO", "topic"),
]


def where(phrase: str) -> tuple[int, int]:
    start = SEED.index(phrase)
    return start, start + len(phrase)


async def tag_overlaps(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for phrase, label in OVERLAPS:
        tag(pilot, *where(phrase), label)
    view_of(pilot.app).move_cursor(SEED.index("set to take place"))  # type: ignore[arg-type]
    await pilot.pause()


def test_overlapping_and_double_labelled_spans(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)
    assert snap_compare(app, run_before=tag_overlaps, terminal_size=SIZE)


def test_compare_mode_kinds_of_disagreement(snap_compare, reader: ReaderFactory) -> None:
    """Agreement (Sergey Lavrov), other label (Ararat Mirzoyan), other boundaries (Minister
    of Foreign Affairs of Russia against Foreign Affairs of Russia) and missing (Moscow,
    only bob's; the CSTO session, only mine)."""
    app = reader.open(path=SEED_PATH, compare=True)
    assert reader.document is not None
    conn = connect(reader.db_path)
    mine = AnnotationStore(conn, reader.document.id, "tester")
    theirs = AnnotationStore(conn, reader.document.id, "bob")
    for store, phrase, label in (
            (mine, "Ararat Mirzoyan", "actor"), (theirs, "Ararat Mirzoyan", "topic"),
            (mine, "Sergey Lavrov", "actor"), (theirs, "Sergey Lavrov", "actor"),
            (mine, "Minister of Foreign Affairs of Russia", "actor"),
            (theirs, "Foreign Affairs of Russia", "actor"),
            (theirs, "Moscow", "topic"),
            (mine, "CSTO Collective Security Council session", "topic")):
        store.create(*where(phrase), label, phrase)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        view_of(pilot.app).move_cursor(SEED.index("Ararat"))  # type: ignore[arg-type]
        await pilot.press("right_curly_bracket")  # to the next disagreement: its kind shows
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_label_chips_after_spans(snap_compare, reader: ReaderFactory) -> None:
    """`t`: the same spans, each label's name after its span's end (innermost first)."""
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        await tag_overlaps(pilot)
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

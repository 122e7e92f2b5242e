"""SVG snapshots of reading at a width (issue 12, item 10), 120x40: a centred column of 80
cells with spans and a selection, and the `=` key's next width with a count being typed.
Refresh with `pytest --snapshot-update` and look at the SVG before committing one."""

from __future__ import annotations

from typing import Any

from pilot_helpers import SEED_PATH, ReaderFactory, view_of
from test_snapshots import annotate_seed, settle
from textual.pilot import Pilot

from reader.annotate.labels import Config

WIDE = (120, 40)


def test_a_reading_width_of_80_at_120_columns(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH, config=Config(width=80))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        annotate_seed(pilot)  # spans, a nested pair and a selection, inside the column
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=WIDE)


def test_the_width_key_and_a_count_in_the_status_line(snap_compare,
                                                      reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH, config=Config(width=80))

    async def run_before(pilot: Pilot[Any]) -> None:
        """`=` goes from 80 to 100; `012` waits for its motion (COUNT 12)."""
        await settle(pilot)
        text = view_of(pilot.app).text  # type: ignore[arg-type]
        view_of(pilot.app).move_cursor(text.index("Minister Mirzoyan"))  # type: ignore[arg-type]
        await pilot.press("equals_sign", "0", "1", "2")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=WIDE)

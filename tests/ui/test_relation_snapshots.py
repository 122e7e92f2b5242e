"""SVG snapshots of relations (issue 10): related spans marked on their first cell, the status
line naming the relation, and a relation pending (its span marked whole, the legend showing
the relation keys). Refresh with `pytest --snapshot-update` and look at the SVG diff before
committing one (tests/ui/__snapshots__/)."""

from __future__ import annotations

from typing import Any

from pilot_helpers import SEED_PATH, ReaderFactory, screen_of, view_of
from textual.pilot import Pilot

SIZE = (100, 30)
SPANS = (("Ararat Mirzoyan", "actor"), ("Sergey Lavrov", "actor"),
         ("CSTO Collective Security Council session", "topic"),
         ("set to take place in Yerevan", "commitment"))


async def annotate(pilot: Pilot[Any]) -> int:
    """The seed's spans, then with the keys: `r` on the commitment, `[` back to the topic,
    `2` (about). Returns where the commitment starts."""
    await pilot.pause()
    await pilot.pause()
    app = pilot.app
    screen, view = screen_of(app), view_of(app)  # type: ignore[arg-type]
    text = view.text
    for phrase, label in SPANS:
        start = text.index(phrase)
        view.set_selection(start, start + len(phrase))
        screen.tag(label)
    await app.workers.wait_for_complete()
    commitment = text.index(SPANS[3][0])
    view.move_cursor(commitment)
    await pilot.press("r", "left_square_bracket", "2")
    return commitment


def test_relation_made_with_the_keys(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        """Then `'` along the relation, back to the commitment: the topic keeps its mark."""
        await annotate(pilot)
        await pilot.press("apostrophe")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_relation_pending(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)

    async def run_before(pilot: Pilot[Any]) -> None:
        """From the commitment again, now on "Sergey Lavrov": the hint names both ends and the
    one key that may join them."""
        commitment = await annotate(pilot)
        view = view_of(pilot.app)  # type: ignore[arg-type]
        view.move_cursor(commitment)
        await pilot.press("r")
        view.move_cursor(view.text.index("Sergey Lavrov"))
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

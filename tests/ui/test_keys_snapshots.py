"""SVG snapshots of the help with the user's keys and of the guidelines panel (issue 12,
items 12 and 13). Refresh with `pytest --snapshot-update` and look at the SVG diff before
committing one (tests/ui/__snapshots__/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pilot_helpers import SAMPLES, SEED_PATH, ReaderFactory, screen_of, view_of
from textual.pilot import Pilot

from reader.annotate.guidelines import load_guidelines
from reader.annotate.labels import load_config

SIZE = (100, 30)
KEYS = """
[keys]
annotation.delete = "d"
cursor.word_forward = ["w", "e"]
page.half_down = "ctrl+f"
"""


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the first screen, the Footer (mounted after the first paint) and the
    Markdown (parsed in a thread, then mounted)."""
    for _ in range(4):
        await pilot.pause()


def test_help_with_remapped_keys(snap_compare, reader: ReaderFactory, tmp_path: Path) -> None:
    config_path = tmp_path / "reader.toml"
    config_path.write_text(KEYS, encoding="utf-8")
    app = reader.open(path=SEED_PATH, config=load_config(config_path))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_guidelines_panel_at_the_label_under_the_cursor(snap_compare,
                                                        reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)
    app.workspace.guidelines = load_guidelines(SAMPLES / "GUIDELINES.md")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        view = view_of(pilot.app)  # type: ignore[arg-type]
        start = view.text.index("CSTO Collective Security Council session")
        view.set_selection(start, start + len("CSTO Collective Security Council session"))
        screen_of(pilot.app).tag("topic")  # type: ignore[arg-type]
        view.move_cursor(start + 2)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)

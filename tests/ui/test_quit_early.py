"""Quitting before the deferred start-up work (the Footer, a frame after the first paint)
has run must not crash: it raised MountError, so `reader` printed an internal error and
exited 2 when q came in the first frame."""

from __future__ import annotations

from pilot_helpers import ReaderFactory


def test_exit_right_after_the_first_paint_is_clean(reader: ReaderFactory,
                                                   seed_text: str) -> None:
    app = reader.open(seed_text)
    app.call_later(lambda: app.call_after_refresh(app.exit))
    app.run(headless=True, size=(100, 30))
    assert app.crashed is None

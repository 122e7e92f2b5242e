"""Start-up without Python's cyclic garbage collector.

Importing Textual and reader and building the first screen make ~80,000 objects that live
as long as the app. With the collector on, Python traverses them again and again while
they are being made: about a twentieth of the instructions before the first frame. So
`reader open` pauses it until the first frame is drawn, then freezes what start-up made
(`gc.freeze`: left out of every later collection, so those stay as short as before) and
turns it back on. The price: the few cycles start-up leaves behind (~1,400 objects, tens
of KB) are never collected."""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop collecting until `resume` (a no-op if the collector is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Undo `pause`: freeze what was made meanwhile and collect again. Safe to call more
    than once, and a no-op without a `pause` (as in tests, which build the app directly)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()

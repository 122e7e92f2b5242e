"""The `reader` console script that `pip install` put beside the running Python: tests of
the installed command must not depend on the venv being activated (on PATH)."""

from __future__ import annotations

import sys
from pathlib import Path


def reader_command() -> list[str]:
    """argv for the installed `reader`; fails loudly if it is missing (the README's install
    step did not run), instead of quietly testing some other `reader` on PATH."""
    script = Path(sys.executable).parent / "reader"
    if not script.exists():
        raise AssertionError(f"`reader` is not installed beside {sys.executable}")
    return [str(script)]

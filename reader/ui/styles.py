"""Where the app's .tcss lives: inside the installed package (the wheel copies the top-level
`styles/` to `reader/styles/`), or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def styles_dir() -> Path:
    installed = _PACKAGE / "styles"
    return installed if installed.is_dir() else _PACKAGE.parent / "styles"


def stylesheet() -> Path:
    return styles_dir() / "reader.tcss"

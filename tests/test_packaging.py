"""The wheel users install carries the stylesheet and the package, nothing else missing."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_the_stylesheet(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    (wheel,) = tmp_path.glob("reader_annotator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reader/styles/reader.tcss" in names
    assert "reader/docs/datasets.md" in names  # `reader export --help` points to it
    assert "reader/ui/app.py" in names and "reader/cli.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_stylesheet_is_found_from_another_folder(tmp_path: Path) -> None:
    """What a non-editable install does: the app finds its .tcss wherever it is run."""
    code = "from reader.ui.styles import stylesheet; p = stylesheet(); print(p.is_file(), p)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("True "), out

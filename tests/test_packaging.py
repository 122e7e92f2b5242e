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


def _setup_commands() -> list[str]:
    """The README's set-up: its first two shell blocks after `## Set-up`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n```", 1)[0].strip() for block in section.split("```sh\n")[1:]]


def test_the_readme_set_up_is_two_commands_in_a_virtual_environment() -> None:
    install, tests = _setup_commands()
    for command in (install, tests):
        assert "\n" not in command
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install")
    sample = install.split("reader open ", 1)[1]
    assert (ROOT / sample).is_file()
    assert tests.endswith("pip install '.[test]' && python -m pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run runs the README's test command step by step, only ruff and mypy between."""
    _, tests = _setup_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    steps = lines[lines.index(tests.split(" && ")[0]):]
    assert [step for step in steps if step not in ("ruff check .", "mypy")] == tests.split(" && ")

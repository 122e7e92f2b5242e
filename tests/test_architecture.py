"""The layout the code promises (issue 9): screens never import the App, SQL is written only
in reader/store, and the pure layers load without Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reader"


def modules(under: str = "") -> list[Path]:
    return sorted((PACKAGE / under).rglob("*.py"))


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_screen_or_widget_imports_the_app() -> None:
    offenders = [str(path.relative_to(PACKAGE)) for folder in ("ui/screens", "ui/widgets")
                 for path in modules(folder) if "reader.ui.app" in imported_names(path)]
    assert offenders == []


def test_sql_is_executed_only_in_the_store() -> None:
    executes = {"execute", "executemany", "executescript"}
    offenders = []
    for path in modules():
        if path.is_relative_to(PACKAGE / "store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in executes):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_pure_layers_load_without_textual() -> None:
    """Text, annotation logic, store, formats and team work (and are tested) without a UI."""
    pure = [f"reader.{path.relative_to(PACKAGE).with_suffix('').as_posix().replace('/', '.')}"
            for layer in ("text", "annotate", "store", "formats", "team", "suggest")
            for path in modules(layer) if path.name != "__init__.py"]
    pure += ["reader.ui.workspace", "reader.ui.status_text"]
    code = ("import sys\n" + "".join(f"import {name}\n" for name in pure)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"

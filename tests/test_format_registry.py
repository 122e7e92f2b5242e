"""The format registry: every format is one module with a FORMAT record plus one registry
line; the commands' choices come from it and a module is imported only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from golden.corpus import GOLDEN, build

from reader.formats import registry
from reader.formats.registry import FORMATS, FormatEntry

TESTS = Path(__file__).parent
# What a registry line for the toy does, in a fresh `reader` process; nothing else changes.
WITH_TOY = ("import sys; from reader.formats.registry import FORMATS, FormatEntry; "
            "FORMATS['toy'] = FormatEntry('toy_format', imports=True); "
            "from reader.cli import main; sys.argv[0] = 'reader'; main()")


def reader_with_toy(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-c", WITH_TOY, *args], capture_output=True,
                          text=True, env=env, timeout=120)


def golden_spans() -> list[tuple[str, list[tuple[str, int, int]]]]:
    records = [json.loads(line) for line in
               (GOLDEN / "export.jsonl").read_text(encoding="utf-8").split("\n")[:-1]]
    return [(r["text"], [(s["label"], s["start"], s["end"]) for s in r["spans"]])
            for r in records]


def test_a_new_format_is_one_module_and_one_registry_line(tmp_path: Path) -> None:
    db = tmp_path / "golden.db"
    build(db).close()
    out = tmp_path / "out.toy.jsonl"
    unregistered = subprocess.run([sys.executable, "-m", "reader", "export", "--format", "toy",
                                   "--db", str(db), "-o", str(out)],
                                  capture_output=True, text=True, timeout=120)
    assert unregistered.returncode == 2 and "'toy' is not one of" in unregistered.stderr
    exported = reader_with_toy("export", "--db", str(db), "--format", "toy", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.startswith("reader: exported 3 documents, 9 spans to ")
    # a format that knows nothing of relations and document labels still says they are out
    assert exported.stderr.rstrip().endswith(
        "; relations left out (this format has no place for them): 3; document labels left"
        " out (this format has no place for them): 3")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n")[:-1]]
    assert [(r["words"], r["marks"]) for r in lines] == [
        (text, [f"{label}@{start}:{end}" for label, start, end in spans])
        for text, spans in golden_spans()
    ]
    # and back in through `reader import --format toy`, to the same spans
    again = tmp_path / "again.db"
    imported = reader_with_toy("import", str(out), "--format", "toy", "--db", str(again))
    assert imported.returncode == 0, imported.stderr
    back = reader_with_toy("export", "--db", str(again))
    assert back.returncode == 0, back.stderr
    records = [json.loads(line) for line in back.stdout.split("\n")[:-1]]
    assert [(r["text"], [(s["label"], s["start"], s["end"]) for s in r["spans"]])
            for r in records] == golden_spans()


def test_every_format_module_declares_the_record_its_line_names() -> None:
    for name, entry in FORMATS.items():
        found = registry.load(name)
        assert found.name == name
        assert (found.exporter is not None, found.importer is not None) == (
            entry.exports, entry.imports)
    assert registry.export_names() == ("jsonl", "prodigy", "doccano", "label-studio",
                                       "spacy", "brat", "conll", "table", "sqlite")
    assert registry.import_names() == ("jsonl", "prodigy", "doccano", "label-studio")


def test_a_module_that_disagrees_with_its_line_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setitem(FORMATS, "toy", FormatEntry("toy_format"))  # says: no import
    with pytest.raises(TypeError, match="does not match its registry line"):
        registry.load("toy")
    monkeypatch.setitem(FORMATS, "plain", FormatEntry("json"))  # a module with no FORMAT
    with pytest.raises(TypeError, match="no FORMAT"):
        registry.load("plain")


def test_format_modules_load_only_when_used() -> None:
    """The commands and their --help import no format module; the spacy record does not
    import spaCy, only using the format does."""
    code = (
        "import sys\n"
        "import reader.commands.export, reader.commands.import_\n"
        "from reader.formats.registry import FORMATS, export_format, load\n"
        "modules = {entry.module for entry in FORMATS.values()}\n"
        "print(sorted(modules & set(sys.modules)))\n"
        "load('spacy')\n"
        "print('spacy' in sys.modules)\n"
        "export_format('spacy')\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.split("\n")[:3] == ["[]", "False", "True"]

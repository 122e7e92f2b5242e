"""`reader import` against hostile records: deep nesting, huge numbers, lone surrogates, Rich
markup and terminal escapes in labels, wrong types, offsets outside or across the text, cut
lines. Whatever comes in, either the import succeeds with exact offsets, or it exits 1 with
exactly one line on stderr and the database file is byte for byte what it was."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main

MARKUP_AND_ESCAPES = ["[/]", "[@click=app.quit]", "[bold red]x[/]", "\x1b]0;PWNED\x07",
                      "\x1b[2J", "\x1b]52;c;SGFja2Vk\x1b\\", "\u202eevil", "ok", "", "a\nb"]
hostile_text = st.one_of(st.sampled_from(MARKUP_AND_ESCAPES), st.text(max_size=12))
wrong_type = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2),
                                                                            st.integers(),
                                                                            max_size=2))
bad_offset = st.one_of(st.integers(-3, 40), st.sampled_from([10**30, -(10**30)]), wrong_type,
                       st.text(max_size=2))
json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), hostile_text),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(hostile_text, inner,
                                                                  max_size=3)),
                          max_leaves=8)


@st.composite
def span(draw: st.DrawFn, text: str) -> dict[str, Any]:
    """Mostly a span inside the text (overlapping others freely), sometimes anything."""
    start: Any
    end: Any
    if text and draw(st.integers(0, 3)):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label: Any = draw(hostile_text.filter(bool))
    else:
        start, end = draw(bad_offset), draw(bad_offset)
        label = draw(st.one_of(hostile_text, wrong_type))
    found: dict[str, Any] = {"start": start, "end": end, "label": label}
    for key, values in (("text", st.one_of(hostile_text, wrong_type)),
                        ("annotator", hostile_text), ("note", hostile_text),
                        ("id", st.one_of(hostile_text, st.integers()))):
        if not draw(st.integers(0, 4)):
            found[key] = draw(values)
    return found


@st.composite
def record(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(st.one_of(hostile_text.filter(bool), hostile_text.filter(bool), wrong_type,
                          hostile_text))
    found: dict[str, Any] = {"text": text}
    found["spans"] = (draw(st.lists(span(text), max_size=4)) if isinstance(text, str)
                      and draw(st.integers(0, 5)) else draw(wrong_type))
    if draw(st.booleans()):
        found["meta"] = draw(st.one_of(st.dictionaries(hostile_text, json_value, max_size=3),
                                       json_value))
    if not draw(st.integers(0, 3)):
        found["status"] = draw(st.one_of(st.sampled_from(["new", "in_progress", "done"]),
                                         hostile_text))
    return found


@st.composite
def hostile_line(draw: st.DrawFn) -> bytes:
    """One JSON Lines record, sometimes damaged in one of the ways JSON allows or breaks."""
    line = json.dumps(draw(record()), ensure_ascii=draw(st.booleans()))
    damage = draw(st.sampled_from(["none", "none", "none", "deep", "bigint", "surrogate",
                                   "surrogate-in-text", "cut", "array"]))
    if damage == "deep":
        depth = draw(st.sampled_from([150, 250, 5000, 100_000]))
        line = line[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    elif damage == "bigint":
        line = line[:-1] + ', "n": ' + "9" * draw(st.sampled_from([4000, 4301, 50_000])) + "}"
    elif damage == "surrogate":
        lone = draw(st.sampled_from(["\\ud800", "\\udfff", "a\\udc80"]))
        line = line[:-1] + ', "s": "' + lone + '"}'
    elif damage == "surrogate-in-text" and '"text": "' in line:
        line = line.replace('"text": "', '"text": "\\ud83d', 1)
    elif damage == "cut":
        line = line[:draw(st.integers(1, max(1, len(line) - 1)))]
    elif damage == "array":
        line = "[" + line + "]"
    return line.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def base_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database that already holds a document and a span: a failed import must leave it
    byte for byte as it was."""
    folder = tmp_path_factory.mktemp("fuzz-base")
    source = folder / "seed.jsonl"
    source.write_text(json.dumps({"text": "Seed text here.",
                                  "spans": [{"start": 0, "end": 4, "label": "seed"}]}) + "\n")
    db = folder / "base.db"
    code, stderr = run_import(source, db)
    assert code == 0, stderr
    return db


def run_import(source: Path, db: Path) -> tuple[int, str]:
    """`reader import SOURCE --db DB` in this process: (exit code, stderr)."""
    argv, sys.argv = sys.argv, ["reader", "import", str(source), "--db", str(db)]
    stderr = io.StringIO()
    code: int | str | None = 0
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            main()
    except SystemExit as leaving:
        code = leaving.code
    finally:
        sys.argv = argv
    assert isinstance(code, int)
    return code, stderr.getvalue()


def spans_of(db: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT d.text, a.start, a.end, a.label, a.text FROM annotations a"
            " JOIN documents d ON d.id = a.document_id ORDER BY a.id").fetchall()


@settings(max_examples=50)
@given(hostile_line())
def test_hostile_records_import_exactly_or_fail_in_one_line(base_database: Path,
                                                             line: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "annotations.db"
        shutil.copyfile(base_database, db)
        before = db.read_bytes()
        source = Path(folder) / "hostile.jsonl"
        source.write_bytes(line + b"\n")
        code, stderr = run_import(source, db)
        assert "\x1b" not in stderr and "\x07" not in stderr
        if code == 0:
            assert "reader: imported" in stderr
            for text, start, end, _label, span_text in spans_of(db):
                assert 0 <= start < end <= len(text)
                assert text[start:end] == span_text  # offsets are exact code points
            document = json.loads(line)
            for wanted in document.get("spans") or []:
                assert (document["text"], wanted["start"], wanted["end"], wanted["label"],
                        document["text"][wanted["start"]:wanted["end"]]) in spans_of(db)
        else:
            assert code == 1, stderr
            lines = stderr.splitlines()
            assert len(lines) == 1, stderr
            assert lines[0].startswith("reader: error: ")
            assert "internal error" not in stderr
            assert db.read_bytes() == before

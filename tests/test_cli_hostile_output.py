"""`reader stats` and `reader agree` print names, labels and titles from a database someone
else made: nothing of them reaches the terminal as an escape sequence, a C1 control or a
bidi override, and nothing in them is taken for Rich markup (issue 8, item 14)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from installed import reader_command

from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText
from reader.text.sanitize import UNSAFE

ESCAPES = "\x1b]0;PWNED\x07\x1b]52;c;SGFja2Vk\x1b\\\x9b2J\u202e\u2066\x7f"
ANN = f"ann{ESCAPES}[red]x[/red]"
BOB = f"bob{ESCAPES}[/]"
LABEL = f"[@click=app.quit]q claim{ESCAPES}"
TITLE = f"Title {ESCAPES} [/] [bold]t[/bold]"
TEXT = f"{TITLE}\nAlice met Bob in Paris on Monday.\n"
# Rich's colours when it is forced to use them; anything else escape-like is data.
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    conn = connect(path)
    document, _ = add_document(conn, LoadedText.from_text(TEXT, f"/corpus/{ESCAPES}.txt"))
    alice = TEXT.index("Alice")
    paris = TEXT.index("Paris")
    for annotator, spans in ((ANN, [(alice, alice + 5), (paris, paris + 5)]),
                             (BOB, [(alice, alice + 5)])):
        store = AnnotationStore(conn, document.id, annotator)
        for start, end in spans:
            store.create(start, end, LABEL, TEXT[start:end])
    conn.close()
    return path


def run(*args: str, colour: bool = False) -> str:
    env = dict(os.environ, COLUMNS="200")
    env.pop("NO_COLOR", None)
    if colour:
        env.update(FORCE_COLOR="1", TERM="xterm-256color")
    result = subprocess.run([*reader_command(), *args], capture_output=True, text=True,
                            env=env, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def assert_no_raw_data(output: str) -> None:
    found = sorted({f"U+{ord(char):04X}" for char in UNSAFE.findall(COLOUR.sub("", output))
                    if char != "\n"})
    assert not found, f"raw in the output: {found}\n{output!r}"


@pytest.mark.parametrize("colour", [False, True])
def test_stats_prints_names_as_text(database: Path, colour: bool) -> None:
    output = run("stats", "--db", str(database), colour=colour)
    assert_no_raw_data(output)
    assert "[red]x[/red]" in output and "[@click=app.quit]q" in output


def test_stats_json_escapes_what_it_keeps_exact(database: Path) -> None:
    output = run("stats", "--db", str(database), "--json")
    assert_no_raw_data(output)
    counts = json.loads(output)["spans"]["by_annotator"]
    assert counts == {ANN: 2, BOB: 1}  # the names themselves are unchanged


@pytest.mark.parametrize("colour", [False, True])
def test_agree_table_prints_names_labels_and_titles_as_text(database: Path,
                                                            colour: bool) -> None:
    output = run("agree", "--db", str(database), colour=colour)
    assert_no_raw_data(output)
    plain = COLOUR.sub("", output)
    assert "[red]x[/red]" in plain and "[/]" in plain  # annotators: not markup
    assert "[@click=app.quit]q" in plain  # the label


def test_agree_json_escapes_what_it_keeps_exact(database: Path) -> None:
    output = run("agree", "--db", str(database), "--json")
    assert_no_raw_data(output)
    report = json.loads(output)
    assert {report["pairs"][0]["annotator_a"], report["pairs"][0]["annotator_b"]} == {ANN, BOB}
    assert report["pairs"][0]["disagreements"]["documents"][0]["title"] == TITLE

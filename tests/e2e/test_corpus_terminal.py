"""A folder of articles in a real terminal: the library, next/done, resume, statistics."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_folder_of_articles_library_next_done_and_resume(terminal, sample_articles: Path,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("mirzoyan-lavrov-moscow-meeting.txt", "multilingual-crlf.txt"):
        shutil.copy(sample_articles / name, folder / name)

    terminal.run("open", str(folder))
    # Opening a corpus resumes at the first document not done: the first one.
    terminal.wait_for("doc 1/2 · done 0/2")
    terminal.wait_for("Mirzoyan and Lavrov Discuss")
    terminal.send_keys("D")
    terminal.wait_for("marked done")
    terminal.send_keys(">")
    terminal.wait_for("Many Scripts, One Text")
    terminal.wait_for("doc 2/2 · done 1/2")
    terminal.send_keys("L")
    screen = terminal.wait_for("Library")
    assert "done 1/2" in screen
    terminal.send_keys("S")
    terminal.wait_for("1/2 done")
    terminal.send_keys("Escape")  # closes the statistics
    terminal.wait_until(lambda screen: "Progress of" not in screen)
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

    with sqlite3.connect(terminal.db_path) as conn:
        statuses = dict(conn.execute(
            "SELECT d.title, p.status FROM progress p JOIN documents d ON d.id = p.document_id"))
    assert statuses[next(t for t in statuses if t.startswith("Mirzoyan"))] == "done"

    # Reopening the folder resumes at the first document not done: the second.
    terminal.run("open", str(folder))
    terminal.wait_for("doc 2/2 · done 1/2")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

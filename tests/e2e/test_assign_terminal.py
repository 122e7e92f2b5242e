"""A team in a real terminal: `reader assign` makes the plan, `reader open --annotator alice`
with no paths opens her queue, and `>` and the library follow it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TITLES = {f"doc-{number}": f"Report number {number} on the talks" for number in range(1, 7)}


def test_assign_then_open_the_queue(terminal, installed_reader: Path,
                                    reader_env: dict[str, str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": key, "text": f"{title}.\nMore text."}) + "\n"
                              for key, title in TITLES.items()), encoding="utf-8")

    def reader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(installed_reader), *args], env=reader_env, text=True,
                              capture_output=True, timeout=60, check=True)

    reader("import", str(corpus))
    plan = json.loads(reader("assign", "--annotators", "alice,bob", "--json").stdout)
    mine = [key for key in TITLES if "alice" in plan["documents"][key]]  # in import order
    assert len(mine) == 3

    terminal.run("open", "--annotator", "alice")
    terminal.wait_for(TITLES[mine[0]])
    terminal.wait_for("doc 1/3 · done 0/3")
    terminal.send_keys("D")
    terminal.wait_for("marked done")
    terminal.send_keys(">")
    terminal.wait_for(TITLES[mine[1]])
    terminal.wait_for("doc 2/3 · done 1/3")
    terminal.send_keys("L")
    screen = terminal.wait_for("queue of alice")
    assert all(TITLES[key] not in screen for key in TITLES if key not in mine)
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

    # The next time, the queue starts with what is left to do: the done one comes last.
    terminal.run("open", "--annotator", "alice")
    terminal.wait_for(TITLES[mine[1]])
    terminal.wait_for("doc 1/3 · done 1/3")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0
    stats = json.loads(reader("stats", "--json").stdout)["assignments"]
    assert stats["alice"] == {"assigned": 3, "done": 1, "in_progress": 1}

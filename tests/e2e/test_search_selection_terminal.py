"""A search hit's selection in a real terminal (issue 12, item 2): reading keys after it move
the cursor, they do not stretch the selection over the document."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

SEED = "mirzoyan-lavrov-moscow-meeting.txt"
TITLE = "Mirzoyan and Lavrov Discuss"


def test_search_enter_space_G_leaves_no_selection(terminal: Any, sample_articles: Any) -> None:
    terminal.run("open", str(sample_articles / SEED))
    terminal.wait_for(TITLE)
    terminal.send_keys("/")
    terminal.wait_for("Cancel search")
    terminal.type_text("Lavrov")
    terminal.wait_for("match ")
    terminal.send_keys("Enter")
    screen = terminal.wait_for("selected")
    assert "SELECT" in screen  # the match is the selection
    terminal.send_keys("Space")
    terminal.send_keys("G")
    screen = terminal.wait_for("100%")
    assert "SELECT" not in screen, screen
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

"""Terminal escape injection (issue 8, item 14), in a real terminal: a file whose first line
sets the terminal's title (OSC 0) and writes its clipboard (OSC 52) is opened; the first
line is the document's title, drawn in the header. The pane's title must not change and no
clipboard buffer must appear: tmux, like a desktop terminal, obeys both sequences if they
reach it (its clipboard is switched on here so that OSC 52 would land in a buffer)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

HOSTILE = b"Hello \x1b]0;PWNED\x1b\\ \x1b]52;c;SGFja2Vk\x1b\\ world\n\nbody\n"  # SGFja2Vk: Hacked


def test_a_hostile_file_changes_neither_title_nor_clipboard(terminal) -> None:
    article = terminal.workdir / "min.txt"
    article.write_bytes(HOSTILE)
    terminal.run("--version")  # starts tmux's server, so it can be configured first
    terminal.wait_for_exit()
    terminal.tmux("set-option", "-s", "set-clipboard", "on")
    terminal.tmux("set-option", "-g", "allow-rename", "on")
    title = terminal.tmux("display-message", "-p", "-t", "reader", "#{pane_title}")
    assert "PWNED" not in title

    terminal.run("open", str(article))
    screen = terminal.wait_for("body")
    terminal.wait_until(lambda s: "Quit" in s.splitlines()[-1], what="the footer")
    assert "␛]0;PWNED" in screen  # the title is shown, as pictures

    assert terminal.tmux("display-message", "-p", "-t", "reader", "#{pane_title}") == title
    buffers = terminal.tmux("list-buffers", "-F", "#{buffer_sample}")
    assert "Hacked" not in buffers and "SGFja2Vk" not in buffers
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

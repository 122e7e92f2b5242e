"""Reading with the installed `reader` in a real terminal (tmux): paging to the end of a long
article, re-wrapping on resize, and the reading position kept across a restart."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LONG = "long-report.txt"


def article_rows(screen: str) -> list[str]:
    """The article pane's rows: below the header, above the legend, status and footer."""
    return screen.splitlines()[1:-3]


def status_position(screen: str) -> str:
    """The status line's line:column."""
    return screen.splitlines()[-2].split()[0]


def wait_for_first_screen(terminal) -> str:  # type: ignore[no-untyped-def]
    """The whole first screen: the Footer is mounted last, after the article is drawn."""
    terminal.wait_for("Annual Report of the Northern Rivers Water Authority")
    return terminal.wait_until(lambda s: "Quit" in s.splitlines()[-1], what="the footer")


def test_page_down_end_and_resize_rewrap(terminal, sample_articles) -> None:
    text = (sample_articles / LONG).read_text(encoding="utf-8")
    last_line = text.rstrip().rsplit("\n", 1)[-1]
    terminal.run("open", str(sample_articles / LONG))
    first = wait_for_first_screen(terminal)
    terminal.send_keys("PageDown")
    paged = terminal.wait_until(lambda s: article_rows(s) != article_rows(first), what="PgDn")
    assert article_rows(first)[-1] in paged.splitlines()[1:3], "a page down keeps one row"

    terminal.send_keys("G")
    end = terminal.wait_for("100%")
    assert last_line.split()[-1] in "\n".join(article_rows(end)), "the last words are shown"
    assert max(len(row.rstrip()) for row in article_rows(end)) > 80

    def rewrapped_to_60(screen: str) -> bool:
        """Rows cut at the new width, and still the end of the article (the same words)."""
        words = " ".join(" ".join(article_rows(screen)).split())
        narrow = max(len(row.rstrip()) for row in article_rows(screen)) <= 60
        return narrow and " ".join(last_line.split()[-8:]) in words

    terminal.resize(60, 30)
    terminal.wait_until(rewrapped_to_60, what="re-wrapped at 60 columns, end in view")

    terminal.resize(100, 30)
    terminal.wait_until(lambda s: max(len(r.rstrip()) for r in article_rows(s)) > 80,
                        what="re-wrap wider")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0


def test_reading_position_is_restored(terminal, sample_articles) -> None:
    terminal.run("open", str(sample_articles / LONG))
    moved = wait_for_first_screen(terminal)
    for _ in range(3):  # one page at a time, each seen on screen before the next
        before = article_rows(moved), status_position(moved)
        terminal.send_keys("PageDown")
        moved = terminal.wait_until(
            lambda s, before=before: article_rows(s) != before[0]
            and status_position(s) != before[1],
            what="the next page, rows and status")
    where = status_position(moved)
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

    terminal.run("open", str(sample_articles / LONG))
    terminal.wait_until(lambda s: where in s and article_rows(s)[:5] == article_rows(moved)[:5],
                        what=f"the same rows at {where} as before quitting")
    terminal.send_keys("q")
    assert terminal.wait_for_exit() == 0

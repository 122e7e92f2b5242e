"""The two lines under the article keep what matters on screen (issue 8, "Smaller"): every
label is in the legend or counted, and "saved ✓" is never pushed off the status line."""

from __future__ import annotations

from pilot_helpers import screen_lines, view_of

from reader.annotate.labels import Config, labels_from_names

TEXT = ("Representatives of the two governments signed an extraordinarily comprehensive "
        "memorandum on the demarcation of their common border yesterday evening.\n")


async def test_legend_shows_labels_past_the_tenth(reader) -> None:
    names = [f"label{n:02}" for n in range(1, 15)]
    app = reader.open(TEXT, config=Config(labels=labels_from_names(",".join(names))))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        bottom = "\n".join(screen_lines(app)[-5:])
    missing = [name for name in names if name not in bottom]
    assert not missing, bottom
    assert "enter: any label" in bottom  # labels 10 to 14 have no number key


async def test_legend_counts_the_labels_that_do_not_fit(reader) -> None:
    names = [f"category-number-{n:02}" for n in range(1, 41)]
    app = reader.open(TEXT, config=Config(labels=labels_from_names(",".join(names))))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        bottom = "\n".join(screen_lines(app)[-5:])
    shown = sum(name in bottom for name in names)
    assert 0 < shown < 40 and f"+{40 - shown} more" in bottom, bottom


async def test_a_long_span_and_label_leave_saved_on_the_status_line(reader) -> None:
    label = "a-deliberately-long-label-name-for-formal-commitments"
    app = reader.open(TEXT, config=Config(labels=labels_from_names(label)))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        view.set_selection(0, len(TEXT) - 1)
        await pilot.press("1")
        await pilot.pause()
        status = screen_lines(app)[-2]
    assert status.rstrip().endswith("· saved ✓"), status
    assert "…" in status  # what gave way was shortened, visibly

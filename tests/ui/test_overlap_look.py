"""Overlapping and double-labelled spans (issue 12, item 3): every label over a cell shows in
that cell, the innermost as the background and the one below as the text and underline
colour, so a nested, crossing or doubly-labelled span never hides another's label."""

from __future__ import annotations

import colorsys

from pilot_helpers import SIZE, move_to, style_at, view_of
from rich.color import Color as RichColor

from reader.ui.widgets.article_view import ArticleView

TEXT = "Ararat Mirzoyan met Sergey Lavrov in Moscow on Monday, said the ministry."
COLORS = {"actor": "#4e79a7", "topic": "#f28e2b", "commitment": "#59a14f"}
KEYS = {"actor": "1", "topic": "2", "commitment": "3"}
SPANS = [
    ("Ararat Mirzoyan", "actor"), ("Mirzoyan", "topic"),  # nested
    ("met Sergey", "topic"), ("Sergey Lavrov", "actor"),  # crossing
    ("Moscow", "actor"), ("Moscow", "topic"),  # one range, two labels
    ("Monday, said", "commitment"), ("said the ministry", "commitment"),  # crossing, same label
]


def hue(color: RichColor | None) -> float | None:
    """The hue of a saturated colour (None for greys, black and white: they name no label)."""
    if color is None:
        return None
    red, green, blue = color.get_truecolor()
    h, saturation, value = colorsys.rgb_to_hsv(red / 255, green / 255, blue / 255)
    return h if saturation > 0.15 and value > 0.1 else None


def label_hue(label: str) -> float:
    found = hue(RichColor.parse(COLORS[label]))
    assert found is not None
    return found


def labels_seen(view: ArticleView, offset: int) -> set[str]:
    """The labels whose hue the cell of `offset` shows, as its background or its text."""
    style = style_at(view, offset)
    hues = [h for h in (hue(style.bgcolor), hue(style.color)) if h is not None]
    return {label for label in COLORS
            if any(abs(h - label_hue(label)) < 0.02 for h in hues)}


async def tag_phrases(pilot, view: ArticleView) -> None:  # type: ignore[no-untyped-def]
    for phrase, label in SPANS:
        start = TEXT.index(phrase)
        view.set_selection(start, start + len(phrase))
        await pilot.press(KEYS[label])
    await move_to(pilot, len(TEXT))  # the cursor off the spans
    await pilot.pause()


async def test_every_label_over_a_cell_shows_in_it(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await tag_phrases(pilot, view)
        assert len(view.spans) == len(SPANS)
        for offset, char in enumerate(TEXT):
            over = {s.label for s in view.spans if s.start <= offset < s.end}
            if char == " " and not over:
                continue
            assert labels_seen(view, offset) == over, (offset, TEXT[offset:offset + 10])


async def test_where_crossing_spans_begin_and_end_shows(reader) -> None:
    """Between two same-label spans that cross, the cells under both differ from the cells
    under one: the underline marks the shared stretch, so each span's edges show."""
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await tag_phrases(pilot, view)
        only_first = style_at(view, TEXT.index("Monday"))
        both = style_at(view, TEXT.index("said"))
        only_second = style_at(view, TEXT.index("ministry"))
        assert both.underline and not only_first.underline and not only_second.underline
        assert both.color != only_first.color

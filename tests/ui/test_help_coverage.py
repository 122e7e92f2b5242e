"""The help screen lists every binding of the article screen and pane (and of the guidelines
panel beside it), grouped."""

from __future__ import annotations

from pilot_helpers import SIZE

from reader.ui.screens.article import ArticleScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.guidelines_panel import GuidelinesPanel


async def test_help_lists_every_binding(reader, seed_text) -> None:
    app = reader.open(seed_text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = [b.id for _title, bindings in app.screen.sections for b in bindings]
        expected = [b.id for b in (*ArticleView.BINDINGS, *ArticleScreen.BINDINGS,
                                   *GuidelinesPanel.BINDINGS)
                    if not b.id.startswith("tag.key")]
        assert sorted(listed) == sorted(expected)
        assert all(bindings for _title, bindings in app.screen.sections)

"""Reading at a width and counts: the view does both (the `=` key, `0` and digits); the
screen keeps the width for the next document and says on the status line what is going on,
since neither a pending count nor the width's steps are otherwise visible."""

from __future__ import annotations

from reader.ui.screens.article.base import ArticleBase
from reader.ui.status_text import count_message, width_message
from reader.ui.widgets.article_view import ArticleView


class Reading(ArticleBase):
    def on_article_view_count_changed(self, message: ArticleView.CountChanged) -> None:
        self._update_status(count_message(message.digits))

    def on_article_view_reading_width_changed(
            self, message: ArticleView.ReadingWidthChanged) -> None:
        self.workspace.reading_width = message.width  # the next document opens at it
        self.say(width_message(message.width))

"""The article screen, put together from one module per concern: `base` (shared state and
the status line), `publishing`, `edit_queue`, `relation_mode`, `tagging`, `searching`,
`list_events`, `clipboard`, `comparing`, `corpus`, `annotate_all` (`*`), `suggesting`
(suggestions), `reading` (the width and counts), `keys`, and `screen`, which joins them."""

from reader.ui.screens.article.screen import ArticleScreen

__all__ = ["ArticleScreen"]

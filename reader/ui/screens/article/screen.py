"""The article screen: reading, selecting, tagging, and the history of what was tagged.

Assembled from parts with one job each (see `base`): this module lays out the widgets,
starts the screen, and routes what no single part owns."""

from __future__ import annotations

import sqlite3

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from reader.store.database import is_busy
from reader.text.sanitize import safe_text
from reader.ui.notify import tell
from reader.ui.screens.article.annotate_all import AnnotateAll
from reader.ui.screens.article.chips import LabelChips
from reader.ui.screens.article.comparing import Comparing
from reader.ui.screens.article.corpus import POSITION_SAVE_INTERVAL_S, CorpusMoves
from reader.ui.screens.article.guidelines import GuidelinesMoves
from reader.ui.screens.article.keys import BINDINGS, help_sections
from reader.ui.screens.article.list_events import ListEvents
from reader.ui.screens.article.reading import Reading
from reader.ui.screens.article.searching import Searching
from reader.ui.screens.article.suggesting import Suggesting
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status import Legend, StatusLine
from reader.ui.widgets.title_bar import TitleBar

# Narrower than this, the annotation list would leave the article under 40 columns: it is
# drawn over the article instead of beside it (styles/reader.tcss, `.-narrow`).
LIST_BESIDE_MIN_WIDTH = 86
VISIT_RETRY_S = 1.0
"""How soon a visit the write lock kept from being recorded is tried again."""


class ArticleScreen(ListEvents, Searching, Comparing, CorpusMoves, AnnotateAll, Suggesting,
                    GuidelinesMoves, LabelChips, Reading, Screen[None]):
    """The parts, and `Screen` last: the parts are plain classes at run time (`base`)."""

    BINDINGS = BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (LIST_BESIDE_MIN_WIDTH, "-wide")]

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="≡")
        with Horizontal(id="body"):
            yield ArticleView(self.document.text, cursor=self.progress.cursor,
                              top=self.progress.top, label_colors=self.label_colors,
                              reading_width=self.workspace.reading_width,
                              configured_width=self.workspace.config.width, id="article")
        yield Legend(self.workspace.config.labels, id="legend",
                     keys=(self._hint_key("tag.pick", "enter"), self._hint_key("app.help", "?")))
        yield StatusLine(id="status")
        yield Static(id="footer-slot")  # holds the Footer's row until it is mounted

    def on_mount(self) -> None:
        self.title = safe_text(self.document.title)
        self.view.focus()
        self.view.show_chips(self.workspace.chips)
        # The relations come after the first paint (20,000 take tens of ms to read): a
        # worker reads them on a connection of its own, and they are drawn when they land.
        self._reload(relations=False)
        self.call_after_refresh(self._read_relations)  # not competing with the paint
        self._describe_place()  # after the reload: it shows the document's labels
        self.set_interval(POSITION_SAVE_INTERVAL_S, self.save_position)
        self._update_status()
        # Textual's Footer builds a widget per key: worth a frame's delay, not the first paint.
        self.call_after_refresh(self._mount_footer)
        self.call_after_refresh(self._record_visit)

    async def _mount_footer(self) -> None:
        from reader.ui.widgets.footer import ReaderFooter

        if not self.is_attached:  # quit (or replaced) before its first frame was drawn
            return
        if not self.query(ReaderFooter):
            slot = self.query("#footer-slot")
            await self.mount(ReaderFooter())
            await slot.remove()
            self.refresh_bindings()  # a late Footer learns the keys only when told

    def _record_visit(self) -> None:
        """After the paint: the visit is bookkeeping, not something to wait for. While
        another process holds the write lock (many annotators on one database), it is
        tried again a little later, as the reading position is; no warning for that."""
        try:
            self.workspace.record_visit(self.document.id)
        except sqlite3.Error as error:
            if is_busy(error):
                self.set_timer(VISIT_RETRY_S, self._record_visit)
                return
            tell(self.app, f"could not record the visit: {error}", severity="warning")

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._position_dirty = True
        self._update_status()

    def on_key(self, event: events.Key) -> None:
        """Keys typed while an edit or a search keeps them waiting are held; any other key
        cancels a removal waiting to be confirmed."""
        if not self._held(event):
            self._cancel_removal(event)

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen
        from reader.ui.widgets.guidelines_panel import GuidelinesPanel

        config = self.workspace.config
        sections = help_sections(self.BINDINGS, ArticleView.BINDINGS, GuidelinesPanel.BINDINGS)
        self.app.push_screen(HelpScreen(sections, config.labels, relations=config.relations,
                                        keymap=self.workspace.keymap))

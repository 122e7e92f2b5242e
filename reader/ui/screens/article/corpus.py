"""Moving through a corpus (next and previous document, done, library, statistics) and
keeping the reading position, saved every few seconds and before leaving."""

from __future__ import annotations

import sqlite3

from reader.store.database import is_busy
from reader.ui.messages import OpenDocument, ShowLibrary, ShowStats
from reader.ui.notify import tell
from reader.ui.screens.article.edit_queue import EditQueue

POSITION_SAVE_INTERVAL_S = 2.0


class CorpusMoves(EditQueue):
    _position_dirty = False  # the cursor or the scroll moved since the position was saved

    def action_step_document(self, step: int) -> None:
        target = self.workspace.neighbour(self.document.id, step)
        if target is None:
            self.say("this is the " + ("last" if step > 0 else "first") + " document")
            return
        self.save_position()
        self.post_message(OpenDocument(target))

    def action_toggle_done(self) -> None:
        try:
            status = self.workspace.toggle_done(self.document.id)
        except sqlite3.Error as error:
            tell(self.app, f"status NOT saved: {error}", severity="error")
            return
        self._describe_place()
        self.say("marked done" if status == "done" else "marked not done", "saved")

    def action_library(self) -> None:
        self.save_position()
        self.post_message(ShowLibrary())

    def action_stats(self) -> None:
        self.post_message(ShowStats())

    def save_position(self) -> None:
        if not self._position_dirty or self._waiting_for_database:
            return
        try:
            self.workspace.save_position(self.document.id, self.view.cursor,
                                         self.view.top_offset)
            self._position_dirty = False
        except sqlite3.Error as error:
            if not is_busy(error):  # busy: still dirty, saved at the next tick
                tell(self.app, f"reading position not saved: {error}", severity="warning")

    async def action_quit(self) -> None:
        self.save_position()
        self.app.exit()

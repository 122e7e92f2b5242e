"""The Textual app, built by `make_app` from plain values so tests run what users run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.annotate.labels import Config
from reader.store.annotations import AnnotationStore
from reader.store.documents import Document, Progress
from reader.ui.screens.article import ArticleScreen
from reader.ui.styles import stylesheet
from reader.ui.widgets.article_view import ArticleView


@dataclass
class Session:
    """What one `reader open` works on."""

    conn: sqlite3.Connection | None
    document: Document
    annotator: str
    config: Config
    progress: Progress


class ReaderApp(App[None]):
    CSS_PATH = str(stylesheet())
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, session: Session, *, compare: bool = False) -> None:
        super().__init__()
        self.session = session
        self.compare = compare
        self.store: AnnotationStore | None = None
        if session.conn is not None:
            self.store = AnnotationStore(session.conn, session.document.id, session.annotator)

    # Shortcuts the screens use.
    @property
    def conn(self) -> sqlite3.Connection | None:
        return self.session.conn

    @property
    def document(self) -> Document:
        return self.session.document

    @property
    def annotator(self) -> str:
        return self.session.annotator

    @property
    def config(self) -> Config:
        return self.session.config

    @property
    def progress(self) -> Progress:
        return self.session.progress

    def get_default_screen(self) -> Screen[None]:
        return ArticleScreen(store=self.store)

    def on_mount(self) -> None:
        self.call_after_refresh(self._record_visit)

    def _record_visit(self) -> None:
        """After the first paint: the visit is bookkeeping, not something to wait for."""
        if self.conn is not None:
            from reader.store.documents import mark_opened

            try:
                mark_opened(self.conn, self.document.id, self.annotator)
            except sqlite3.Error as error:
                self.notify(f"could not record the visit: {error}", severity="warning")

    def copy_text(self, text: str) -> str:
        """Copy to the system clipboard, else through the terminal (OSC 52, which also works
        over SSH). Returns which one was used."""
        try:
            import pyperclip

            pyperclip.copy(text)
            return "system clipboard"
        except Exception:  # pyperclip raises its own exception types per platform backend
            self.copy_to_clipboard(text)
            return "terminal clipboard (OSC 52)"

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the article screen and pane, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, ArticleScreen):
            return
        seen: set[str] = set()
        for owner, bindings in ((screen.view, ArticleView.BINDINGS),
                                (screen, ArticleScreen.BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.description in seen:
                    continue
                if binding.id and binding.id.startswith("tag.key"):
                    continue
                seen.add(binding.description)
                keys = binding.key.split(",")[0]
                yield SystemCommand(binding.description, f"key: {keys}",
                                    partial(owner.run_action, binding.action))
        for label in self.config.labels:
            yield SystemCommand(f"Tag as {label.name}", label.description or "label",
                                partial(screen.tag, label.name))


def make_app(session: Session, *, compare: bool = False) -> ReaderApp:
    """The one way to build the app (the CLI, the tests and the benchmarks use it)."""
    return ReaderApp(session, compare=compare)

"""The Textual app, built by `make_app` from plain values so tests run what users run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.annotate.labels import Config
from reader.store.annotations import AnnotationStore
from reader.store.documents import Document, Progress, get_document, get_progress
from reader.text.sanitize import escape_markup, safe_text
from reader.ui.screens.article import ArticleScreen
from reader.ui.styles import stylesheet
from reader.ui.widgets.article_view import ArticleView


@dataclass
class Session:
    """What one `reader open` works on: the document to show first and, for a corpus, the
    documents in order (next/previous follow it) and whether to show the library."""

    conn: sqlite3.Connection | None
    document: Document
    annotator: str
    config: Config
    progress: Progress
    document_ids: list[int] = field(default_factory=list)
    show_library: bool = False
    resume: bool = True  # with the library: open `document` on top of it at start
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.document_ids:
            self.document_ids = [self.document.id]


class ReaderApp(App[None]):
    CSS_PATH = str(stylesheet())
    TITLE = "reader"

    def __init__(self, session: Session, *, compare: bool = False) -> None:
        super().__init__()
        self.session = session
        self.compare = compare
        self.crashed: Exception | None = None

    @property
    def conn(self) -> sqlite3.Connection | None:
        return self.session.conn

    @property
    def annotator(self) -> str:
        return self.session.annotator

    @property
    def config(self) -> Config:
        return self.session.config

    @property
    def is_corpus(self) -> bool:
        return self.session.show_library or len(self.session.document_ids) > 1

    # --- screens -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        if self.session.show_library:
            from reader.ui.screens.library import LibraryScreen

            return LibraryScreen()
        return self.article_screen(self.session.document, self.session.progress)

    def on_mount(self) -> None:
        if self.session.show_library and self.session.resume:
            self.push_screen(self.article_screen(self.session.document, self.session.progress))
        for notice in self.session.notices:
            self.tell(notice, severity="warning", timeout=8)

    def article_screen(self, document: Document, progress: Progress) -> ArticleScreen:
        store = None
        if self.conn is not None:
            store = AnnotationStore(self.conn, document.id, self.annotator)
        return ArticleScreen(document, progress=progress, store=store)

    def open_document(self, document_id: int) -> None:
        """Show a document of the corpus, replacing the article on screen if there is one."""
        if self.conn is None:
            return
        document = get_document(self.conn, document_id)
        if document is None:
            self.tell(f"document {document_id} is gone", severity="error")
            return
        progress = get_progress(self.conn, document_id, self.annotator)
        screen = self.article_screen(document, progress)
        if isinstance(self.screen, ArticleScreen):
            self.screen.save_position()
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def step_document(self, current: int, step: int) -> bool:
        """Open the next (step=1) or previous (-1) document of the corpus."""
        ids = self.session.document_ids
        try:
            index = ids.index(current) + step
        except ValueError:
            return False
        if not 0 <= index < len(ids):
            return False
        self.open_document(ids[index])
        return True

    def show_library(self) -> None:
        from reader.ui.screens.library import LibraryScreen

        if isinstance(self.screen, ArticleScreen):
            self.screen.save_position()
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                while self.screen is not screen:
                    self.pop_screen()
                screen.refresh_rows()
                return
        self.push_screen(LibraryScreen())

    def describe_position(self, document: Document) -> str:
        """The header's subtitle: who, and where in the corpus."""
        who = safe_text(self.annotator)
        if not self.is_corpus:
            return f"{who} · {safe_text(document.source)}"
        ids = self.session.document_ids
        place = ids.index(document.id) + 1 if document.id in ids else 0
        done = self.done_count()
        return f"{who} · document {place}/{len(ids)} · done {done}/{len(ids)}"

    def done_count(self) -> int:
        if self.conn is None:
            return 0
        from reader.store.documents import done_document_ids

        return len(done_document_ids(self.conn, self.annotator) & set(self.session.document_ids))

    def record_visit(self, document_id: int) -> None:
        """After the paint: the visit is bookkeeping, not something to wait for."""
        if self.conn is not None:
            from reader.store.documents import mark_opened

            try:
                mark_opened(self.conn, document_id, self.annotator)
            except sqlite3.Error as error:
                self.tell(f"could not record the visit: {error}", severity="warning")

    # --- services ------------------------------------------------------------------------

    def tell(self, message: str, *, severity: SeverityLevel = "information",
             timeout: float | None = None) -> None:
        """A toast. Messages carry file names, labels and database errors: sanitised and
        never parsed as markup (reader's code calls this, never `notify`)."""
        self.notify(safe_text(message), severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """A crash inside the app: Textual would print its own page-long traceback and let
        `run()` return as if all were well. Keep the error for `launch`, which re-raises it
        once the terminal is restored, so the CLI says one line (or, with READER_DEBUG=1,
        prints the traceback) and exits non-zero."""
        if self.crashed is None:
            self.crashed = error
        super()._handle_exception(error)
        self._exit_renderables.clear()  # Textual's traceback: the CLI has its own

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
        """Every action of the current screen, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        owners: list[tuple[object, list[Binding]]] = []
        if isinstance(screen, ArticleScreen):
            owners = [(screen.view, ArticleView.BINDINGS), (screen, ArticleScreen.BINDINGS)]
        else:
            owners = [(screen, [b for b in getattr(screen, "BINDINGS", [])
                                if isinstance(b, Binding)])]
        seen: set[str] = set()
        for owner, bindings in owners:
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.description in seen:
                    continue
                if binding.id and binding.id.startswith("tag.key"):
                    continue
                seen.add(binding.description)
                key = binding.key.split(",")[0]
                yield SystemCommand(binding.description, f"key: {key}",
                                    partial(owner.run_action, binding.action))  # type: ignore[attr-defined]
        if isinstance(screen, ArticleScreen):
            for label in self.config.labels:
                # The palette parses both strings as markup: the one place data needs escaping.
                yield SystemCommand(f"Tag as {escape_markup(label.name)}",
                                    escape_markup(label.description) or "label",
                                    partial(screen.tag, label.name))


def make_app(session: Session, *, compare: bool = False) -> ReaderApp:
    """The one way to build the app (the CLI, the tests and the benchmarks use it)."""
    return ReaderApp(session, compare=compare)

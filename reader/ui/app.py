"""The Textual app, built by `make_app` from plain values so tests run what users run."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget

from reader.annotate.guidelines import Guidelines
from reader.annotate.labels import Config
from reader.settings import SettingsFile
from reader.store.documents import Document, Progress
from reader.text.sanitize import escape_markup
from reader.ui import collector
from reader.ui.keymap import checked_keymap, effective_keys, key_name
from reader.ui.messages import OpenDocument, ShowLibrary, ShowStats
from reader.ui.notify import tell
from reader.ui.screens.article import ArticleScreen
from reader.ui.styles import stylesheet
from reader.ui.widgets.article_view import ArticleView
from reader.ui.workspace import LiveSources, Workspace

if TYPE_CHECKING:
    from reader.team.curation import CurationSession


@dataclass
class Session:
    """What one `reader open` works on: the document to show first and, for a corpus, the
    documents in order (next/previous follow it) and whether to show the library."""

    conn: sqlite3.Connection
    document: Document
    annotator: str
    config: Config
    progress: Progress
    document_ids: list[int] = field(default_factory=list)
    show_library: bool = False
    resume: bool = True  # with the library: open `document` on top of it at start
    queue: bool = False  # the corpus is the annotator's assigned documents (`reader assign`)
    notices: list[str] = field(default_factory=list)
    guidelines: Guidelines | None = None  # read at start (`--guidelines`, `guidelines =`)
    live_sources: LiveSources | None = None  # `--suggest`: the sources, loaded at start
    settings: SettingsFile | None = None  # what is remembered across runs (the theme)
    curation: CurationSession | None = None  # `reader curate`: the curation screen first

    def __post_init__(self) -> None:
        if not self.document_ids:
            self.document_ids = [self.document.id]


class ReaderApp(App[None]):
    """Owns the screens and navigation between them; screens get a `Workspace` and ask
    for navigation with messages (`reader.ui.messages`)."""

    CSS_PATH = str(stylesheet())
    TITLE = "reader"

    def __init__(self, session: Session, *, compare: bool = False) -> None:
        super().__init__()
        self.session = session
        keymap = checked_keymap(session.config)
        self.workspace = Workspace(
            session.conn, session.annotator, session.config, session.document_ids,
            is_corpus=session.show_library or len(session.document_ids) > 1, compare=compare,
            queue=session.queue,
            keymap=keymap, guidelines=session.guidelines, live_sources=session.live_sources)
        self.set_keymap(keymap)
        self.crashed: Exception | None = None
        self._remembered_theme: str | None = None
        self._settings_lock = threading.Lock()
        if session.settings is not None:
            settings, problem = session.settings.load()
            if problem is not None:
                session.notices.append(problem)
            if settings.theme in self.available_themes:
                self.theme = self._remembered_theme = settings.theme

    @property
    def config(self) -> Config:
        return self.workspace.config

    # --- screens -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        if self.session.curation is not None:
            from reader.ui.screens.curation import CurationScreen

            return CurationScreen(self.session.curation, self.config, self.workspace.keymap)
        if self.session.show_library:
            return self._library_screen()
        return ArticleScreen(self.session.document, self.workspace,
                             progress=self.session.progress)

    def on_mount(self) -> None:
        # `reader open` paused the garbage collector for start-up: back on after the frame.
        self.call_after_refresh(collector.resume)
        if self.session.show_library and self.session.resume:
            self.push_screen(ArticleScreen(self.session.document, self.workspace,
                                           progress=self.session.progress))
        for notice in self.session.notices:
            self.tell(notice, severity="warning", timeout=8)

    def _library_screen(self) -> Screen[None]:
        from reader.ui.screens.library import LibraryScreen

        return LibraryScreen(self.workspace)

    @on(OpenDocument)
    def open_document(self, message: OpenDocument) -> None:
        """Show a document of the corpus, replacing the article on screen if there is one."""
        try:
            document = self.workspace.document(message.document_id)
            progress = self.workspace.progress(message.document_id)
        except sqlite3.Error as error:
            self.tell(f"could not open the document: {error}", severity="error")
            return
        if document is None:
            self.tell(f"document {message.document_id} is gone", severity="error")
            return
        screen = ArticleScreen(document, self.workspace, progress=progress)
        if isinstance(self.screen, ArticleScreen):
            self.screen.save_position()
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @on(ShowLibrary)
    def show_library(self) -> None:
        from reader.ui.screens.library import LibraryScreen

        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                library: LibraryScreen = screen
                while self.screen is not library:
                    self.pop_screen()
                library.refresh_rows()  # statuses and counts may have changed
                return
        self.push_screen(LibraryScreen(self.workspace))

    @on(ShowStats)
    def show_stats(self) -> None:
        from reader.ui.screens.stats import StatsScreen

        workspace = self.workspace
        try:
            stats = workspace.stats()
            relations = workspace.relation_stats()
            suggestions = workspace.suggestion_stats()
            assignments = workspace.assignment_progress()
        except sqlite3.Error as error:
            self.tell(f"could not read the statistics: {error}", severity="error")
            return
        self.push_screen(StatsScreen(stats, workspace.annotator, workspace.label_colors,
                                     relations, workspace.relation_colors, suggestions,
                                     assignments))

    # --- services ------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the command palette is remembered for the next run (written in
        a thread: a write and an fsync are no work for the UI thread)."""
        if self.session.settings is not None and theme != self._remembered_theme:
            self._remembered_theme = theme
            self._remember_theme()

    @work(thread=True, exclusive=True, group="settings")
    def _remember_theme(self) -> None:
        settings = self.session.settings
        assert settings is not None
        with self._settings_lock:  # the latest theme, whichever thread writes last
            problem = settings.remember(theme=self.theme)
        if problem is not None:
            self.call_from_thread(self.tell, f"theme not remembered: {problem}",
                                  severity="warning")

    def tell(self, message: str, *, severity: SeverityLevel = "information",
             timeout: float | None = None) -> None:
        """A toast, sanitised and never parsed as markup (`reader.ui.notify.tell`)."""
        tell(self, message, severity=severity, timeout=timeout)

    def _handle_exception(self, error: Exception) -> None:
        """A crash inside the app: Textual would print its own page-long traceback and let
        `run()` return as if all were well. Keep the error for `launch`, which re-raises it
        once the terminal is restored, so the CLI says one line (or, with READER_DEBUG=1,
        prints the traceback) and exits non-zero."""
        if self.crashed is None:
            self.crashed = error
        super()._handle_exception(error)
        self._exit_renderables.clear()  # Textual's traceback: the CLI has its own

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the current screen, by name, in the command palette."""
        yield from super().get_system_commands(screen)
        owners: list[tuple[Widget, list[BindingType]]] = []
        if isinstance(screen, ArticleScreen):
            owners = [(screen.view, ArticleView.BINDINGS), (screen, ArticleScreen.BINDINGS)]
        else:
            owners = [(screen, screen.BINDINGS)]
        seen: set[str] = set()
        for owner, bindings in owners:
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.description in seen:
                    continue
                if binding.id and binding.id.startswith("tag.key"):
                    continue
                seen.add(binding.description)
                key = key_name(effective_keys(binding, self.workspace.keymap).split(",")[0])
                yield SystemCommand(binding.description, f"key: {escape_markup(key)}",
                                    partial(owner.run_action, binding.action))
        if isinstance(screen, ArticleScreen):
            yield SystemCommand("Tag every occurrence in every document",
                                "the span under the cursor's text and label, in the whole"
                                " database (asks first, with the count; u undoes each"
                                " document's)", partial(screen.action_annotate_all, corpus=True))
            yield SystemCommand("Tag every occurrence, inside words too",
                                "* without the whole-word rule (Lavrov in Lavrovsky)",
                                partial(screen.action_annotate_all, whole_word=False))
            for label in self.config.labels:
                # The palette parses both strings as markup: the one place data needs escaping.
                yield SystemCommand(f"Tag as {escape_markup(label.name)}",
                                    escape_markup(label.description) or "label",
                                    partial(screen.tag, label.name))


def make_app(session: Session, *, compare: bool = False) -> ReaderApp:
    """The one way to build the app (the CLI, the tests and the benchmarks use it)."""
    return ReaderApp(session, compare=compare)

"""What the UI tests share: the app built exactly the way `reader open` builds it, the
database read back from disk through a separate connection (so a test sees what was committed,
not what one connection holds in memory), and small Pilot shortcuts."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.style import Style
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from reader.annotate.labels import Config
from reader.settings import SettingsFile
from reader.store.database import connect
from reader.store.documents import Document, add_document, get_progress
from reader.text.loading import LoadedText, load_text
from reader.ui.app import ReaderApp, Session, make_app
from reader.ui.screens.article import ArticleScreen
from reader.ui.widgets.annotation_list import AnnotationList
from reader.ui.widgets.article_view import ArticleView

SAMPLES = Path(__file__).resolve().parents[2] / "sample_articles"
SEED_PATH = SAMPLES / "mirzoyan-lavrov-moscow-meeting.txt"
MULTILINGUAL_PATH = SAMPLES / "multilingual-crlf.txt"
LONG_PATH = SAMPLES / "long-report.txt"
SIZE = (100, 30)


def read_text(path: Path) -> str:
    """A sample file decoded the way `reader open` decodes it (no newline translation)."""
    return load_text(path).text


@dataclass
class Row:
    """One annotation row as stored."""

    uid: str
    start: int
    end: int
    label: str
    text: str
    note: str
    annotator: str
    deleted: bool

    @property
    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label


class ReaderFactory:
    """Builds apps on one temporary database and reads that database back."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.document: Document | None = None
        self._connections: list[sqlite3.Connection] = []

    @property
    def text(self) -> str:
        assert self.document is not None, "open a document first"
        return self.document.text

    def open(self, text: str | None = None, *, path: Path | None = None,
             source: str = "sample_articles/article.txt", annotator: str = "tester",
             config: Config | None = None, compare: bool = False,
             settings: SettingsFile | None = None) -> ReaderApp:
        """The app `reader open` would start: the text (or the file at `path`, loaded as the
        CLI loads it) added to the database, the annotator's progress read back."""
        if path is not None:
            loaded = load_text(path)
            # A fixed source keeps the header (and so the snapshots) free of local paths.
            loaded = LoadedText.from_text(loaded.text, f"sample_articles/{path.name}")
        else:
            assert text is not None
            loaded = LoadedText.from_text(text, source)
        conn = connect(self.db_path)
        self._connections.append(conn)
        document, _created = add_document(conn, loaded)
        self.document = document
        progress = get_progress(conn, document.id, annotator)
        session = Session(conn=conn, document=document, annotator=annotator,
                          config=config or Config(), progress=progress, settings=settings)
        return make_app(session, compare=compare)

    def reopen(self, **kwargs: Any) -> ReaderApp:
        """A new app on the same database and document, as after quitting and restarting."""
        return self.open(self.text, source=self.document.source, **kwargs)  # type: ignore[union-attr]

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def rows(self, annotator: str | None = "tester", *, deleted: bool = False) -> list[Row]:
        """The document's annotations on disk, in text order (live ones unless `deleted`)."""
        assert self.document is not None
        sql = ("SELECT uid, start, end, label, text, note, annotator, deleted_at IS NOT NULL"
               " FROM annotations WHERE document_id = ?")
        params: list[Any] = [self.document.id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if not deleted:
            sql += " AND deleted_at IS NULL"
        sql += " ORDER BY start, end, label, uid"
        return [Row(*row[:7], bool(row[7])) for row in self._query(sql, tuple(params))]

    def events(self) -> list[tuple[str, str | None]]:
        """(kind, annotation uid) of every recorded event, in order."""
        return [(kind, uid) for kind, uid in self._query(
            "SELECT kind, annotation_uid FROM events ORDER BY id")]

    def position(self, annotator: str = "tester") -> tuple[int, int] | None:
        """(cursor, top) saved for the annotator, or None if nothing was saved."""
        assert self.document is not None
        found = self._query("SELECT cursor, top FROM progress WHERE document_id = ?"
                            " AND annotator = ?", (self.document.id, annotator))
        return found[0] if found else None

    def close(self) -> None:
        for conn in self._connections:
            conn.close()


# --- looking at the app and driving it --------------------------------------------------


def assert_exact(rows: list[Row], text: str) -> None:
    """The project's first rule: every stored span's text is exactly text[start:end]."""
    for row in rows:
        assert 0 <= row.start < row.end <= len(text), row
        assert text[row.start:row.end] == row.text, row


def screen_of(app: ReaderApp) -> ArticleScreen:
    screen = app.screen
    if not isinstance(screen, ArticleScreen):
        screen = next(s for s in app.screen_stack if isinstance(s, ArticleScreen))
    return screen


def view_of(app: ReaderApp) -> ArticleView:
    return screen_of(app).query_one(ArticleView)


def sidebar_of(app: ReaderApp) -> AnnotationList:
    return screen_of(app).query_one(AnnotationList)


def status_text(app: ReaderApp) -> str:
    return str(screen_of(app).status.render())


def spans_on_screen(app: ReaderApp) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in view_of(app).spans]


KEY_NAMES = {" ": "space", "/": "slash", "?": "question_mark", "[": "left_square_bracket",
             "]": "right_square_bracket", ".": "full_stop", ",": "comma", "-": "minus",
             "'": "apostrophe", ":": "colon"}


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` into the focused input as one burst (see `burst`)."""
    await burst(pilot, *(KEY_NAMES.get(char, char) for char in text))


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Press `keys` as one burst, the way a terminal delivers fast typing or a held key: all
    queued at once, then one wait. (A Pilot press waits for the app to go idle after each
    key, ~90 ms apiece.) Only for keys that do not move the focus between them."""
    characters = {name: char for char, name in KEY_NAMES.items()}
    for key in keys:
        char = key if len(key) == 1 else characters.get(key)
        pilot.app.post_message(events.Key(key, char))
    await pilot.pause()


async def footer_shown(pilot: Pilot[Any]) -> None:
    """Wait until the footer's keys are mounted and drawn: the article screen mounts its
    Footer a frame after the first paint, and a busy machine can take several pauses."""
    for _ in range(200):
        if pilot.app.screen.query(FooterKey):
            break
        await pilot.pause()
    await pilot.pause()


async def move_to(pilot: Pilot[Any], offset: int) -> None:
    """Put the cursor on `offset` (a test's shortcut for many arrow presses)."""
    view_of(pilot.app).move_cursor(offset, center=True)  # type: ignore[arg-type]
    await pilot.pause()


async def search(pilot: Pilot[Any], query: str, *, submit: bool = True) -> None:
    """`/query`, then Enter (select the match) unless `submit` is False."""
    await pilot.press("slash")
    await type_text(pilot, query)
    if submit:
        await pilot.press("enter")
    await pilot.pause()


def cell_of(app: ReaderApp, offset: int) -> tuple[int, int]:
    """The (x, y) mouse offset, relative to the view widget, of the cell showing `offset`."""
    view = view_of(app)
    y, x = view.wrapped.position_of(offset)
    top = round(view.scroll_y)
    assert top <= y < top + view.scrollable_content_region.height, "offset is not on screen"
    left = view.scrollable_content_region.x - view.region.x
    upper = view.scrollable_content_region.y - view.region.y
    return left + view.column.to_screen(x), upper + y - top  # past a reading width's margin


def style_at(view: ArticleView, offset: int) -> Style:
    """The style the view draws the cell of `offset` with."""
    y, x = view.wrapped.position_of(offset)
    x = view.column.to_screen(x)  # past a reading width's margin
    strip = view.render_line(y - round(view.scroll_y))
    cell = 0
    for segment in strip:
        if cell + len(segment.text) > x:
            return segment.style or Style()
        cell += len(segment.text)
    raise AssertionError("offset not drawn")


def screen_lines(app: ReaderApp) -> list[str]:
    """The screen as plain text, one string per row (what a terminal would show)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def assert_rows_on_screen(app: ReaderApp, rows: int = 3) -> None:
    """The first `rows` rows of the article pane show the text the layout maps them to (no
    tabs or control codes in it: those are drawn as spaces or pictures)."""
    view = view_of(app)
    lines = screen_lines(app)
    first = view.region.y + view.scrollable_content_region.y - view.region.y
    top = round(view.scroll_y)
    for y in range(rows):
        start, end, _last = view.wrapped.row_span(top + y)
        shown = view.text[start:end].strip()
        if shown and not any(char in shown for char in "\t\x1b\r"):
            assert shown in lines[first + y], (shown, lines[first + y])


class AppDriver:
    """One app running in one long-lived task, so Textual's context variables stay in one
    context across the steps; each step sends it a function of the Pilot to run."""

    def __init__(self, loop: asyncio.AbstractEventLoop, app: App[Any],
                 size: tuple[int, int] = SIZE) -> None:
        self.loop = loop
        self.app = app
        self.size = size
        self.jobs: asyncio.Queue[tuple[Callable[[Pilot[Any]], Any] | None, asyncio.Future[Any]]]
        self.jobs = asyncio.Queue()
        ready: asyncio.Future[None] = loop.create_future()
        self.task = loop.create_task(self._serve(ready))
        loop.run_until_complete(ready)

    async def _serve(self, ready: asyncio.Future[None]) -> None:
        async with self.app.run_test(size=self.size) as pilot:
            ready.set_result(None)
            while True:
                job, done = await self.jobs.get()
                if job is None:
                    done.set_result(None)
                    return
                try:
                    result = job(pilot)
                    if inspect.isawaitable(result):
                        result = await result
                    done.set_result(result)
                except BaseException as error:  # handed to the step that asked
                    done.set_exception(error)

    def __call__(self, job: Callable[[Pilot[Any]], Any]) -> Any:
        done: asyncio.Future[Any] = self.loop.create_future()
        self.jobs.put_nowait((job, done))
        return self.loop.run_until_complete(done)

    def close(self) -> None:
        done: asyncio.Future[Any] = self.loop.create_future()
        self.jobs.put_nowait((None, done))
        self.loop.run_until_complete(self.task)

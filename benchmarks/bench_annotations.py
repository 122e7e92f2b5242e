"""Annotation load on `reader open`, paging and tagging, and the commit latency of a new
annotation, each side by side with its baseline in the same run.

Run from the repository root with reader installed: `python benchmarks/bench_annotations.py`
(`--help` for options). Targets (issue 3, Performance): a document carrying 20,000 annotations
opens and pages at most 1.3x slower than the same document with none; adding an annotation
commits in under 10 ms at the 95th percentile. Issue 10: 20,000 spans and 20,000 relations
open within 1.3x of the same document with none.

Method
- The article is the generated 3 MB prose article of first_paint.py (same generator, seed and
  closing paragraph). It is stored in two template databases through the store
  (`add_document`); the "annotated" one then gets 20,000 annotations by the annotator the runs
  use, written through `AnnotationStore.create` like the UI writes them (so the event log
  holds 20,000 create events, the undo history). Only for this seeding the connection runs
  with synchronous=OFF. Spans are 1 to 4 words at random word positions over the whole text,
  15% of them overlapping or nesting another (a wider span around it, a second label on the
  same words, or a shifted one), plus --long-spans (10) of 300 to 8,000 words; with
  --whole-text-span the first long one covers the whole text (a stress case for the span
  index). Every span's text is checked against `text[start:end]` after seeding. Two of the
  spans are fixed: a commitment on the text's first word (where a fresh open puts the
  cursor) and an actor on the second.
- With --relations (default 20,000) a third template is a copy of the annotated one plus that
  many relations written through `AnnotationStore.relate`, planned as bench_relations.py
  plans them (`by` commitment -> actor, `about` commitment -> topic, ends near each other),
  one of them `by` between the two fixed spans: once the relations are loaded (by a worker,
  after the first paint) the status line names it ("—by→"), which the terminal can see.
- In-process phases (both databases, interleaved, median of --runs): what `reader open` does
  with annotations before the first paint, step by step as ArticleScreen does it:
  `AnnotationStore(...)`, `live_span_rows()`, the Span objects and the `SpanIndex`; next to
  them the path it replaced (`store.live()`, an Annotation per row), the same query on a copy
  with a covering partial index (a migration could add it), the undo history read on first
  use, and one tag: `SpanIndex.changed` next to the full rebuild it replaced.
- Real terminal (the pty harness of first_paint.py; reader's bytecode compiled first, and
  the machine line says whether it is current): `reader open` on a fresh copy of each
  template, cases interleaved round by round (each case leading a round in turn) after one
  untimed warm-up each. Two kinds of run per case and round:
  - quiet keys: first paint is the time from spawn until the first body paragraph's opening
    words appear; ready, until the status line says "spans N"; with relations, until it
    names the relation at the cursor; idle, until the output has been quiet for 300 ms
    (after the paint the view refines its wrapped row counts on the UI thread, repainting
    every ~50 ms for a second or two with gaps of up to ~120 ms, and a key sent in such a
    gap would seem answered by the next refining repaint). Then, each key sent once the
    output has been quiet for 100 ms: PgDn and G timed from the key to the last byte of
    the repaint (30 ms quiet), as in first_paint.py, and G also until the last paragraph's
    words appear; `w` (next word: a cursor move, no write) and `1` (tag the word: a commit)
    alternate; `1` is timed until "saved" appears in the output, `w` until its repaint has
    settled.
  - a key at once: G sent the moment the first paint is seen (while the relations are still
    being read), timed until the last paragraph's words appear. Its first paint is recorded
    too, so first paint has 2 x --runs samples.
- Commit latency: `AnnotationStore.create` (the store call the UI makes: one BEGIN IMMEDIATE
  transaction with the annotation row and its event, synchronous=FULL, WAL) on a copy of the
  annotated database and on a copy of the empty one, and the baseline, a bare sqlite3
  BEGIN IMMEDIATE + one-row INSERT + COMMIT with the same pragmas, interleaved call by call.
- Pilot: the app built as `reader open` builds it, in `app.run_test`, cursor in the middle of
  the text: ArticleView.render_line for every row of the screen (the drawing cost of spans),
  and `await pilot.press("1")` until the status line's message says "saved", next to
  `await pilot.press("w")` (a cursor move that also updates the status line); then `tab`
  (open the annotation list, three times) and five more tags with the list open.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from first_paint import (  # noqa: E402  (a sibling script, not a package)
    LAST_PARAGRAPH,
    PAGE_DOWN,
    PtyProcess,
    RunFailed,
    body_marker,
    compile_reader_bytecode,
    copy_database,
    find_reader,
    make_env,
    visible,
)
from make_samples import prose_article  # noqa: E402

from reader.store.annotations import AnnotationStore  # noqa: E402
from reader.store.database import connect  # noqa: E402
from reader.store.documents import add_document  # noqa: E402
from reader.text.loading import load_text  # noqa: E402

ANNOTATOR = "bench"  # first_paint.make_env sets READER_ANNOTATOR to this
LABELS = ("actor", "topic", "commitment")
WORD = re.compile(r"\w+(?:[-'.]\w+)*")
BUSY_TIMEOUT_MS = 30_000
TARGET_RATIO = 1.3
TARGET_P95_MS = 10.0


# --- the article and the two databases ----------------------------------------------------


def write_article(folder: Path, paragraphs: int) -> Path:
    """The 3 MB article of first_paint.py, byte for byte."""
    path = folder / "big-article.txt"
    text = prose_article(paragraphs, seed=3, title="Benchmark Article: a Long Report",
                         sentences=(3, 5))
    path.write_text(text + "\n" + LAST_PARAGRAPH + "\n", encoding="utf-8")
    return path


def plan_spans(text: str, count: int, seed: int, long: int = 0,
               whole: bool = False) -> list[tuple[int, int, str]]:
    """`count` distinct (start, end, label) spans of whole words over the whole text: `long`
    of them long (300 to 8,000 words; with `whole` the first of them covers the whole text),
    the rest 1 to 4 words, 15% of which overlap or nest an earlier one."""
    rng = random.Random(seed)
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    last_word = len(words) - 1
    planned: list[tuple[int, int, str]] = []  # first word, last word, label
    if long > 0 and whole:
        planned.append((0, last_word, "topic"))
    while len(planned) < min(long, count):
        first = rng.randrange(len(words))
        planned.append((first, first + rng.randint(300, 8000), "topic"))
    planned = [(first, min(last, last_word), label) for first, last, label in planned]
    seen: set[tuple[int, int, str]] = set(planned)
    while len(planned) < count:
        if len(planned) > long and rng.random() < 0.15:
            first, last, label = rng.choice(planned[long:])
            kind = rng.randrange(3)
            if kind == 0:  # a wider span around it
                first, last = max(first - rng.randint(1, 3), 0), last + rng.randint(1, 3)
            elif kind == 1:  # the same words, another label
                label = rng.choice([name for name in LABELS if name != label])
            else:  # shifted by a word or two: a partial overlap
                shift = rng.randint(1, 2)
                first, last = first + shift, last + shift
        else:
            first = rng.randrange(len(words))
            last = first + rng.choice((0, 0, 1, 1, 2, 3))
            label = rng.choice(LABELS)
        span = (min(first, last_word), min(last, last_word), label)
        if span not in seen:
            seen.add(span)
            planned.append(span)
    return [(words[first][0], words[last][1], label) for first, last, label in planned]


def at_cursor(text: str) -> tuple[tuple[int, int, str], tuple[int, int, str]]:
    """A commitment on the text's first word and an actor on its second: a fresh open puts
    the cursor on the first, so once a `by` relation between them is loaded the status line
    names it (the visible sign, in the terminal, that the relations have landed)."""
    words = WORD.finditer(text)
    first, second = next(words), next(words)
    return ((first.start(), first.end(), "commitment"),
            (second.start(), second.end(), "actor"))


@dataclass
class Templates:
    """The article's template databases; `related` is None when no relations were asked."""

    empty: Path
    annotated: Path
    related: Path | None
    document_id: int


def make_templates(folder: Path, article: Path, count: int, long: int, whole: bool,
                   relations: int = 0) -> Templates:
    """Databases holding the article: one with no annotations, one with `count` spans and,
    with `relations`, a copy of it that also holds that many relations between them."""
    loaded = load_text(article)
    empty, annotated = folder / "template-empty.db", folder / "template-annotated.db"
    conn = connect(empty)
    document, _ = add_document(conn, loaded)
    _checkpoint_and_close(conn)
    copy_database(empty, annotated)

    conn = connect(annotated)
    conn.execute("PRAGMA synchronous = OFF")  # seeding only: the timed runs use FULL
    store = AnnotationStore(conn, document.id, ANNOTATOR)
    pair = at_cursor(loaded.text)
    planned = plan_spans(loaded.text, count, seed=11, long=long, whole=whole)
    planned = [span for span in planned if span not in pair][:max(count - 2, 0)]
    for start, end, label in planned + list(pair)[:count]:
        store.create(start, end, label, loaded.text[start:end])
    bad = [row for row in conn.execute("SELECT start, end, text FROM annotations")
           if loaded.text[row[0]:row[1]] != row[2]]
    if bad:
        raise SystemExit(f"seeding produced {len(bad)} spans whose text does not match")
    _checkpoint_and_close(conn)
    related = None
    if relations > 0:
        related = folder / "template-related.db"
        copy_database(annotated, related)
        seed_relations(related, document.id, relations, pair)
    return Templates(empty, annotated, related, document.id)


def seed_relations(db: Path, document_id: int, count: int,
                   pair: tuple[tuple[int, int, str], ...]) -> None:
    """`count` relations through `AnnotationStore.relate`, planned as bench_relations.py
    plans them (`by` commitment -> actor, `about` commitment -> topic, ends near each
    other), one of them `by` between the two spans at the cursor."""
    from bench_relations import plan_relations  # it imports this module: import it late

    conn = connect(db)
    conn.execute("PRAGMA synchronous = OFF")  # seeding only
    store = AnnotationStore(conn, document_id, ANNOTATOR)
    spans = store.mine()
    head, child = (next(a.uid for a in spans if (a.start, a.end, a.label) == span)
                   for span in pair)
    planned = [(head, child, "by")]
    planned += plan_relations(spans, count - 1, seed=12, exclude=frozenset(planned))
    for head_uid, child_uid, label in planned:
        store.relate(head_uid, child_uid, label)
    live = len(store.relations())
    _checkpoint_and_close(conn)
    if live != count:
        raise SystemExit(f"seeded {live} relations, not {count}")


COVERING_INDEX = (
    "CREATE INDEX annotations_live_spans ON annotations"
    "(document_id, annotator, start, end, label, uid, note) WHERE deleted_at IS NULL"
)


def with_covering_index(template: Path) -> Path:
    """A copy of `template` with the index that would let live_span_rows read no table row."""
    copy = template.with_name(template.stem + "-covered.db")
    copy_database(template, copy)
    conn = connect(copy)
    conn.execute(COVERING_INDEX)
    _checkpoint_and_close(conn)
    return copy


def _checkpoint_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# --- in-process phases ---------------------------------------------------------------------


@dataclass
class Phases:
    """What `reader open` does with annotations before the first paint, timed in-process."""

    label: str
    db: Path
    covered: Path | None = None  # a copy of `db` with the covering index a migration could add
    times: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)


def time_phases(phases: Phases, document_id: int) -> None:
    """The steps of ArticleScreen._load_annotations and _apply, one by one, next to the
    paths they replaced (before commit e00f45e) and a covering index a migration could add."""
    from reader.annotate.span_index import Span, SpanIndex
    from reader.store.annotations import live_span_rows

    conn = connect(phases.db)
    try:
        clock = Clock(phases)
        store = AnnotationStore(conn, document_id, ANNOTATOR)
        clock.lap("AnnotationStore(...)")
        rows = live_span_rows(conn, document_id, [ANNOTATOR])
        clock.lap("live_span_rows()")
        index = SpanIndex(Span(*row, own=row[4] == ANNOTATOR) for row in rows)
        clock.lap("Span objects + SpanIndex(...)")
        phases.add("= open, before the first paint", clock.total)

        clock.restart()
        annotations = store.live([ANNOTATOR])
        SpanIndex(Span(a.start, a.end, a.label, a.uid, a.annotator, a.note, own=True)
                  for a in annotations)
        clock.lap("was: store.live() + Span objects + SpanIndex")
        if phases.covered is not None:
            covered = connect(phases.covered)
            clock.restart()
            SpanIndex(Span(*row) for row in live_span_rows(covered, document_id, [ANNOTATOR]))
            clock.lap("could be: the same with a covering index")
            covered.close()

        clock.restart()
        assert store.can_undo in (True, False)
        clock.lap("undo history, read on first use (was at open)")

        new = Span(10, 20, "topic", "bench-new", ANNOTATOR)
        clock.restart()
        index.changed(added=[new])
        clock.lap("one tag: SpanIndex.changed")
        clock.restart()
        SpanIndex([*index.spans, new])
        clock.lap("one tag, was: rebuild the SpanIndex")
    finally:
        conn.close()


class Clock:
    """Laps of perf_counter, each recorded under its name."""

    def __init__(self, phases: Phases) -> None:
        self.phases = phases
        self.total = 0.0
        self.restart()

    def restart(self) -> None:
        self.mark = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases.add(name, now - self.mark)
        self.total += now - self.mark
        self.mark = now


# --- real terminal -------------------------------------------------------------------------


RELATION_SHOWN = "—by→"  # the status line naming the `by` relation at the cursor


@dataclass
class OpenCase:
    """`reader open` on a fresh copy of one template database."""

    label: str
    template: Path
    count: int  # live annotations: the status line says "spans COUNT" once they are loaded
    relations: bool = False  # the template holds the `by` relation at the cursor
    keys: dict[str, list[float]] = field(default_factory=dict)
    error: str | None = None

    def add(self, key: str, seconds: float) -> None:
        self.keys.setdefault(key, []).append(seconds)


FIRST_PAINT = "first paint (text)"
READY = "ready (text and 'spans N')"
RELATIONS_SHOWN = "relations on screen (status line names one)"
RELATIONS_AFTER = "relations on screen, after the first paint"
EAGER_G = "G sent at first paint, until the last paragraph shows"
CALM_G = "G sent when quiet, until the last paragraph shows"
IDLE = "idle (last byte before 300 ms of quiet)"
IDLE_QUIET_S = 0.3


def run_open(case: OpenCase, argv: list[str], marker: str, args: argparse.Namespace,
             work: Path, run_id: str, record: bool = True) -> None:
    """One open, then keys sent each once the screen is quiet."""

    def measure(process: PtyProcess, figures: list[tuple[str, float]]) -> None:
        painted = process.wait_until(lambda text: marker in text, 0, args.timeout,
                                     f"first paint ({marker!r})")
        figures.append((FIRST_PAINT, painted - process.started))
        ready = process.wait_until(lambda text: f"spans {case.count}" in text, 0, args.timeout,
                                   f"'spans {case.count}' on the status line")
        figures.append((READY, ready - process.started))
        if case.relations:  # before any key: the cursor must stay on the related span
            shown = process.wait_until(lambda text: RELATION_SHOWN in text, 0, args.timeout,
                                       f"{RELATION_SHOWN!r} on the status line")
            figures.append((RELATIONS_SHOWN, shown - process.started))
            figures.append((RELATIONS_AFTER, shown - painted))
        # After the paint the view refines its row counts for a second or two, repainting
        # every ~50 ms with gaps of up to ~120 ms: a key sent in a gap would be "answered"
        # by the next refining repaint. Keys wait for the app to be idle.
        idle = process.settle(quiet=IDLE_QUIET_S, max_wait=args.timeout)
        figures.append((IDLE, idle - process.started))
        for _ in range(args.pages):
            figures.append(("PgDn", _key(process, PAGE_DOWN, None, args.timeout, "PgDn")))
        for _ in range(args.tags):
            figures.append(("w (move, no write)", _key(process, b"w", "", args.timeout, "w")))
            figures.append(("1 (tag) until 'saved'",
                            _key(process, b"1", "saved", args.timeout, "saved", first=True)))
        process.settle(quiet=0.1)
        since, sent = len(process.raw), time.perf_counter()
        process.send(b"G")
        shown = process.wait_until(lambda text: LAST_PARAGRAPH in text, since, args.timeout,
                                   "the last paragraph after G")
        figures.append((CALM_G, shown - sent))
        figures.append(("G", process.settle(quiet=0.03) - sent))
        if not case.relations and RELATION_SHOWN in visible(bytes(process.raw)):
            raise RunFailed(f"{RELATION_SHOWN!r} shown with no relation: not a sign of them")

    _run(case, argv, args, work, run_id, record, measure)


def run_eager(case: OpenCase, argv: list[str], marker: str, args: argparse.Namespace,
              work: Path, run_id: str, record: bool = True) -> None:
    """One open, and G sent the moment the first paint is seen: while the relations are
    still being read, does the UI answer a key in its normal time?"""

    def measure(process: PtyProcess, figures: list[tuple[str, float]]) -> None:
        painted = process.wait_until(lambda text: marker in text, 0, args.timeout,
                                     f"first paint ({marker!r})")
        since, sent = len(process.raw), time.perf_counter()
        process.send(b"G")
        figures.append((FIRST_PAINT, painted - process.started))
        shown = process.wait_until(lambda text: LAST_PARAGRAPH in text, since, args.timeout,
                                   "the last paragraph after G sent at the first paint")
        figures.append((EAGER_G, shown - sent))

    _run(case, argv, args, work, run_id, record, measure)


def _run(case: OpenCase, argv: list[str], args: argparse.Namespace, work: Path, run_id: str,
         record: bool,
         measure: Callable[[PtyProcess, list[tuple[str, float]]], None]) -> None:
    """`reader open` on a fresh copy of the case's template in a pty; `measure` drives it."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{run_id}-", dir=work))
    db = run_dir / "annotations.db"
    copy_database(case.template, db)
    process = PtyProcess(argv, make_env(run_dir, db), run_dir, args.cols, args.rows)
    figures: list[tuple[str, float]] = []
    try:
        measure(process, figures)
    except RunFailed:
        process.close()
        raise
    status = process.close(b"q")
    if status not in (0, None):
        raise RunFailed(f"exit status {status} after quitting; {process.tail()}")
    shutil.rmtree(run_dir, ignore_errors=True)
    if record:
        for name, seconds in figures:
            case.add(name, seconds)


def _key(process: PtyProcess, key: bytes, expected: str | None, timeout: float, what: str,
         first: bool = False) -> float:
    """Send `key` once the screen is quiet; the time until `expected` shows (with `first`)
    or until the repaint's last byte. `expected` None: 40 new visible characters; "": any."""
    process.settle(quiet=0.1)
    since, sent = len(process.raw), time.perf_counter()
    process.send(key)
    if expected is None:
        def condition(text: str) -> bool:
            return len("".join(text.split())) >= 40
    elif expected == "":
        def condition(text: str) -> bool:
            return bool(text.strip())
    else:
        def condition(text: str) -> bool:
            return expected in text
    shown = process.wait_until(condition, since, timeout, f"repaint after {what}")
    if first:
        return shown - sent
    return process.settle(quiet=0.03) - sent


# --- commit latency ------------------------------------------------------------------------


@dataclass
class Latency:
    label: str
    times: list[float] = field(default_factory=list)


def bare_connection(path: Path) -> sqlite3.Connection:
    """The baseline: plain sqlite3 with the pragmas `connect` sets."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
    return conn


def time_commits(args: argparse.Namespace, work: Path, empty: Path, annotated: Path,
                 document_id: int, text: str) -> list[Latency]:
    folder = Path(tempfile.mkdtemp(prefix="commits-", dir=args.db_dir or work))
    spans = plan_spans(text, args.commits, seed=29)
    stores: list[tuple[Latency, AnnotationStore]] = []
    connections: list[sqlite3.Connection] = []
    for label, template in ((f"AnnotationStore.create, {args.annotations:,} annotations",
                             annotated), ("AnnotationStore.create, no annotations", empty)):
        db = folder / template.name.replace("template-", "")
        copy_database(template, db)
        conn = connect(db)
        connections.append(conn)
        stores.append((Latency(label), AnnotationStore(conn, document_id, ANNOTATOR)))
    bare = bare_connection(folder / "bare.db")
    connections.append(bare)
    baseline = Latency("baseline: sqlite3 BEGIN IMMEDIATE + INSERT 1 row + COMMIT")
    profiler = cProfile.Profile() if args.profile else None
    try:
        for number, (start, end, label) in enumerate(spans):
            for latency, store in stores:
                if profiler is not None and latency is stores[0][0]:
                    profiler.enable()
                began = time.perf_counter()
                store.create(start, end, label, text[start:end])
                latency.times.append(time.perf_counter() - began)
                if profiler is not None:
                    profiler.disable()
            began = time.perf_counter()
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO rows (value) VALUES (?)", (f"row {number}",))
            bare.execute("COMMIT")
            baseline.times.append(time.perf_counter() - began)
    finally:
        for conn in connections:
            conn.close()
        shutil.rmtree(folder, ignore_errors=True)
    if profiler is not None:
        _print_profile(profiler, "AnnotationStore.create on the annotated database")
    return [latency for latency, _store in stores] + [baseline]


# --- Pilot ---------------------------------------------------------------------------------


def time_pilot(args: argparse.Namespace, work: Path, template: Path, document_id: int,
               label: str) -> dict[str, list[float]]:
    """Key to "saved" on the status line, in-process through the Pilot."""
    from reader.annotate.labels import Config
    from reader.store.documents import get_document, get_progress
    from reader.ui.app import Session, make_app
    from reader.ui.widgets.article_view import ArticleView
    from reader.ui.widgets.status import StatusLine

    folder = Path(tempfile.mkdtemp(prefix="pilot-", dir=work))
    db = folder / "annotations.db"
    copy_database(template, db)
    conn = connect(db)
    document = get_document(conn, document_id)
    assert document is not None
    session = Session(conn=conn, document=document, annotator=ANNOTATOR, config=Config(),
                      progress=get_progress(conn, document_id, ANNOTATOR))
    times: dict[str, list[float]] = {}
    profiler = cProfile.Profile() if args.profile else None

    async def drive() -> None:
        app = make_app(session)
        async with app.run_test(size=(args.cols, args.rows)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            view.move_cursor(len(document.text) // 2, center=True)
            await pilot.pause()
            for _ in range(args.pilot_tags):
                began = time.perf_counter()
                for row in range(view.size.height):
                    view.render_line(row)
                times.setdefault("render_line, every row of the screen", []).append(
                    time.perf_counter() - began)
            status = app.screen.query_one(StatusLine)

            async def tag(name: str) -> None:
                began = time.perf_counter()
                await pilot.press("w")
                times.setdefault("w (move, no write)", []).append(time.perf_counter() - began)
                status.message = ""
                if profiler is not None:
                    profiler.enable()
                began = time.perf_counter()
                await pilot.press("1")
                while "saved" not in status.message:
                    await pilot.pause()
                times.setdefault(name, []).append(time.perf_counter() - began)
                if profiler is not None:
                    profiler.disable()

            for _ in range(args.pilot_tags):
                await tag("1 (tag) until 'saved'")
            for _ in range(3):  # the sidebar lists every annotation: open it, close it
                began = time.perf_counter()
                await pilot.press("tab")
                await pilot.pause()
                times.setdefault("tab: open the annotation list", []).append(
                    time.perf_counter() - began)
                await pilot.press("tab")
                await pilot.pause()
            await pilot.press("tab")
            await pilot.pause()
            view.focus()
            for _ in range(5):
                await tag("1 (tag) with the list open")

    try:
        asyncio.run(drive())
    finally:
        conn.close()
        shutil.rmtree(folder, ignore_errors=True)
    if profiler is not None:
        _print_profile(profiler, f"Pilot: pressing 1, {label}")
    return times


def _print_profile(profiler: cProfile.Profile, title: str) -> None:
    print(f"\n--- cProfile: {title} (cumulative, top 25) ---", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(25)


# --- report --------------------------------------------------------------------------------


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f}" if values else "n/a"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(fraction * (len(ordered) - 1)), len(ordered) - 1)]


def machine_line(args: argparse.Namespace, article: Path) -> str:
    import textual

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"Python {platform.python_version()}, Textual {textual.__version__}, SQLite "
            f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs, {platform.system()} "
            f"{platform.release()}; load average {load}; article {article.stat().st_size:,} "
            f"bytes; {args.cols}x{args.rows} terminal; {args.runs} runs")


def bytecode_line() -> str:
    """Whether every module of reader has bytecode matching its source (a start-up without
    it compiles reader first: ~40 ms that `pip install .` would not pay)."""
    import importlib.util

    spec = importlib.util.find_spec("reader")
    folders = (spec.submodule_search_locations or []) if spec is not None else []
    sources = [path for folder in folders for path in Path(folder).rglob("*.py")]
    fresh = sum(1 for path in sources if _has_fresh_bytecode(path))
    unset = "unset" if "PYTHONDONTWRITEBYTECODE" not in os.environ else "SET"
    return (f"bytecode: {fresh} of {len(sources)} reader modules compiled and current; "
            f"PYTHONDONTWRITEBYTECODE {unset}")


def _has_fresh_bytecode(source: Path) -> bool:
    """The .pyc of `source` records its current mtime and size (what the import checks)."""
    import importlib.util

    try:
        header = Path(importlib.util.cache_from_source(str(source))).read_bytes()[:16]
    except OSError:
        return False
    stat = source.stat()
    return (int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF)


def ratio_line(name: str, slow: list[float], fast: list[float]) -> str:
    if not slow or not fast:
        return f"  {name}: n/a"
    value = statistics.median(slow) / statistics.median(fast)
    verdict = "ok" if value <= TARGET_RATIO else "MISSED"
    return (f"  {name}: {value:.2f} (target <= {TARGET_RATIO}) {verdict}"
            f"  [{ms(slow)} vs {ms(fast)} ms; mins {min(slow) / min(fast):.2f},"
            f" {min(slow) * 1000:.1f} vs {min(fast) * 1000:.1f} ms]")


def report_phases(phases: list[Phases]) -> None:
    print("\nin-process, what open does with annotations (median ms):\n")
    print("| phase | " + " | ".join(p.label for p in phases) + " |")
    print("|---|" + "---:|" * len(phases))
    for name in phases[0].times:
        print(f"| {name} | " + " | ".join(ms(p.times.get(name, [])) for p in phases) + " |")


def report_open(cases: list[OpenCase]) -> None:
    """A column per case, the first being the one without annotations, and the ratio of
    each other case's median to the first's."""
    base, others = cases[0], cases[1:]
    print("\nreal terminal, `reader open` (median ms, [min-max], samples):\n")
    print("| measure | " + " | ".join(c.label for c in cases) + " | "
          + " | ".join(f"ratio {c.label} / {base.label}" for c in others) + " |")
    print("|---|" + "---:|" * (len(cases) + len(others)))
    names = list(dict.fromkeys(name for case in cases for name in case.keys))
    for name in names:
        cells = []
        for case in cases:
            values = case.keys.get(name, [])
            cells.append(f"{ms(values)} [{min(values) * 1000:.0f}-{max(values) * 1000:.0f}]"
                         f" ({len(values)})" if values else "n/a")
        bottom = base.keys.get(name, [])
        ratios = [f"{statistics.median(c.keys[name]) / statistics.median(bottom):.2f}"
                  if c.keys.get(name) and bottom else "" for c in others]
        print(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print(f"\nratios against {base.label} (of medians; of mins in brackets):")
    for case in others:
        for key in (FIRST_PAINT, READY, IDLE, "PgDn", "G", EAGER_G):
            print(ratio_line(f"{case.label}, {key}", case.keys.get(key, []),
                             base.keys.get(key, [])))
        after = case.keys.get(RELATIONS_AFTER, [])
        if after:  # no target: they are drawn when they come, the text is usable before
            print(f"  {case.label}: relations on screen {ms(case.keys[RELATIONS_SHOWN])} ms "
                  f"after spawn, {ms(after)} ms after the first paint (median; no target)")
    for case in cases:
        if case.error:
            print(f"\n{case.label} FAILED: {case.error}")


def report_commits(latencies: list[Latency]) -> None:
    print("\ncommit latency (ms):\n")
    print("| call | p50 | p95 | p99 | max | calls |")
    print("|---|---:|---:|---:|---:|---:|")
    for latency in latencies:
        values = latency.times
        print(f"| {latency.label} | {percentile(values, 0.5) * 1000:.2f} | "
              f"{percentile(values, 0.95) * 1000:.2f} | {percentile(values, 0.99) * 1000:.2f} |"
              f" {max(values) * 1000:.2f} | {len(values)} |")
    p95 = percentile(latencies[0].times, 0.95) * 1000
    verdict = "ok" if p95 < TARGET_P95_MS else "MISSED"
    print(f"\n  {latencies[0].label} p95: {p95:.2f} ms (target < {TARGET_P95_MS:.0f}) {verdict}")


def report_pilot(results: dict[str, dict[str, list[float]]]) -> None:
    print("\nPilot, in-process (median ms, max in brackets):\n")
    labels = list(results)
    print("| key | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    names = list(next(iter(results.values())))
    for name in names:
        cells = [f"{ms(results[label][name])} [{max(results[label][name]) * 1000:.1f}]"
                 for label in labels]
        print(f"| {name} | " + " | ".join(cells) + " |")


# --- main ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9,
                        help="timed runs per case, of each kind (default 9)")
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS (default 120x40)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds a run may take to paint or repaint before it fails")
    parser.add_argument("--reader", default=None,
                        help="the reader command (default: the one installed with this Python)")
    parser.add_argument("--paragraphs", type=int, default=6000,
                        help="paragraphs in the generated article (default 6000, ~3 MB)")
    parser.add_argument("--annotations", type=int, default=20_000,
                        help="annotations in the annotated database (default 20000)")
    parser.add_argument("--relations", type=int, default=20_000,
                        help="relations in a third database, a copy of the annotated one "
                             "(default 20000; 0: no such case)")
    parser.add_argument("--long-spans", type=int, default=10,
                        help="how many of the annotations are long, 300-8,000 words "
                             "(default 10)")
    parser.add_argument("--whole-text-span", action="store_true",
                        help="make the first long span cover the whole text (a stress case)")
    parser.add_argument("--pages", type=int, default=3, help="PgDn presses per run (default 3)")
    parser.add_argument("--tags", type=int, default=3,
                        help="w + 1 (tag) pairs per terminal run (default 3)")
    parser.add_argument("--commits", type=int, default=1500,
                        help="timed AnnotationStore.create calls per database (default 1500)")
    parser.add_argument("--db-dir", type=Path, default=None,
                        help="folder for the commit-latency databases (default: a temporary "
                             "folder; point it at the disk that holds your real database)")
    parser.add_argument("--pilot-tags", type=int, default=30,
                        help="screen renders and tags per Pilot case (default 30)")
    parser.add_argument("--profile", action="store_true",
                        help="print cProfile of the open phases, commits and Pilot tags")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["phases", "terminal", "commits", "pilot"], help="leave a part out")
    args = parser.parse_args()
    args.cols, args.rows = (int(part) for part in args.size.lower().split("x"))
    return args


def main() -> None:
    args = parse_args()
    reader = find_reader(args.reader)
    compile_reader_bytecode()
    with tempfile.TemporaryDirectory(prefix="reader-bench-ann-") as folder:
        work = Path(folder)
        article = write_article(work, args.paragraphs)
        text = load_text(article).text
        began = time.perf_counter()
        templates = make_templates(work, article, args.annotations, args.long_spans,
                                   args.whole_text_span, args.relations)
        empty, annotated, document_id = templates.empty, templates.annotated, \
            templates.document_id
        print(f"seeded {args.annotations:,} spans and {args.relations:,} relations in "
              f"{time.perf_counter() - began:.1f} s", file=sys.stderr)
        with_label = f"{args.annotations:,} spans"
        print(machine_line(args, article))
        print(bytecode_line())

        if "phases" not in args.skip:
            phases = [Phases(with_label, annotated, with_covering_index(annotated)),
                      Phases("none", empty, with_covering_index(empty))]
            profiler = cProfile.Profile() if args.profile else None
            for _ in range(args.runs):
                for item in phases:
                    if profiler is not None and item is phases[0]:
                        profiler.enable()
                    time_phases(item, document_id)
                    if profiler is not None:
                        profiler.disable()
            if profiler is not None:
                _print_profile(profiler, "open phases on the annotated database")
            report_phases(phases)

        if "terminal" not in args.skip:
            if reader is None:
                print("\nreader is not installed (pip install .): no terminal figures")
            else:
                argv = [reader, "open", str(article)]
                marker = body_marker(text)
                cases = [OpenCase("none", empty, 0),
                         OpenCase(with_label, annotated, args.annotations)]
                if templates.related is not None:
                    cases.append(OpenCase(f"{with_label} + {args.relations:,} relations",
                                          templates.related, args.annotations, relations=True))
                for case in cases:  # warm-up: disk cache, bytecode
                    _guarded(case, partial(run_open, case, argv, marker, args, work, "warmup",
                                           record=False))
                for number in range(args.runs):
                    print(f"round {number + 1}/{args.runs}", file=sys.stderr)
                    turn = number % len(cases)  # each case leads a round in turn
                    for run in (run_open, run_eager):
                        for case in cases[turn:] + cases[:turn]:
                            if case.error is None:
                                _guarded(case, partial(run, case, argv, marker, args, work,
                                                       f"r{number}"))
                report_open(cases)

        if "commits" not in args.skip:
            report_commits(time_commits(args, work, empty, annotated, document_id, text))

        if "pilot" not in args.skip:
            results = {}
            for label, template in ((with_label, annotated), ("none", empty)):
                results[label] = time_pilot(args, work, template, document_id, label)
            report_pilot(results)
        print(f"\nload average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


def _guarded(case: OpenCase, run: Callable[[], None]) -> None:
    try:
        run()
    except RunFailed as failure:
        case.error = str(failure)
        print(f"{case.label}: run failed: {failure}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""One shared database, many annotators (issue 14): N annotator processes on one SQLite file
(WAL), each tagging, noting, deleting and undoing through `AnnotationSession` as the TUI
does, while a reader process reloads and an exporter runs `reader export` again and again.
It checks that nothing fails and that nothing a process reported saved is missing, and
measures the commit latency per N.

    python benchmarks/load_shared_db.py                          # N = 10, 25, 50; 15 s each
    python benchmarks/load_shared_db.py --annotators 4 --seconds 3
    python benchmarks/load_shared_db.py --annotators 10 --json   # one JSON object per N

Method
- The database is made fresh for each N with `--documents` texts (default 20, about 3,000
  characters of words each) stored through `add_document`; every process opens it with
  `connect` (WAL, synchronous=FULL), as `reader open` does, on the same disk as the
  database's default place (not a tmpfs).
- Each annotator is a process of its own, with its own name, working on one document at a
  time (another one, at random, every 60-140 operations, as `>` does), through the TUI's
  objects: a `Workspace` (which sets the UI thread's 100 ms busy timeout) and an
  `AnnotationSession` on `workspace.store_for(document)`, opened as the article screen
  opens one (`reload(relations=False)`, the relations read on a second connection as the
  worker does, suggestions, the visit recorded). An operation is one of: tag the word at
  a random word start with a random label (45%; the same label on a span that has it
  removes it, as the key does), a note on one of its spans (20%), delete one (15%), undo
  (20%). It runs as `EditQueue._edit` runs an edit: once with the short timeout; when the
  outcome is "busy", again under `workspace.patient()` (the full busy timeout, in the TUI
  a thread while the screen says "waiting for the database…"). The commit latency is that
  whole call, both tries. Operations come at `--rate` per second on average (default 20),
  spaced at random (0.5 to 1.5 times the mean gap), never in a burst to catch up. Every 2 s
  the reading position is saved as the screen's timer saves it (busy: skipped, as there).
- Every `Saved` outcome is appended at once to the process's log: the spans it touched
  and their state after it (offsets, label, note; or deleted). After the run the harness
  folds each log (the last state of each span wins) and compares it with the database:
  a span reported live must be live with those fields, one reported deleted must be
  deleted ("lost"); a live span of that annotator that no log mentions is "unreported";
  and each saved operation writes exactly one event, so the events per annotator must
  equal the operations logged.
- Errors: any outcome other than `Saved` or "nothing to do" (e.g. undo with an empty
  history), i.e. busy after the long wait, changed elsewhere, a database error; any
  exception; a visit or position save failing for another reason than busy; a reload that
  fails; an export that exits non-zero or writes a file that is not JSON lines.
- The reader process (its own name, compare mode: everyone's spans) reloads a random
  document `--reloads` times a second (default 10) the way `R` does (`reload()` and
  suggestions), saving its position every 2 s. The exporter runs `reader export --format
  jsonl -o FILE` in a subprocess, one after the other, and reads each file back.
- The table, per N: operations saved (and per second, all annotators together), errors,
  lost (lost + unreported + event mismatches), p50 / p95 / max commit latency; the p95 of
  its two parts inside the store's `transaction` (timed by wrapping it in the annotator
  processes): "lock", waiting for the write lock (BEGIN IMMEDIATE, both tries), and
  "commit" (COMMIT: the WAL written and synced; with it the checkpoint the commit that
  fills the WAL runs); "waited", how many operations found the lock busy past the 100 ms
  (the TUI's "waiting for the database…"); "put off", position saves and visits the lock
  put off; the reloads' p95; exports; the WAL's largest size; the baseline measured just
  before the run, one process alone making bare SQLite commits (BEGIN IMMEDIATE, a one-row
  INSERT, COMMIT) 20 times a second for 3 s, its p50 and p95; the load average (1 minute)
  before the run (the machine's other work) and at its end (ours too). Then the first N
  whose p95 exceeds 50 ms.
- `--synchronous NORMAL` runs the processes with SQLite's synchronous=NORMAL instead of
  the FULL reader sets: no fsync per commit. Not what reader does (a commit could be lost
  to a power cut, though not to a crash of the process); it shows what the fsync costs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reader.annotate.labels import Config
from reader.annotate.session import AnnotationSession, NotDone, Outcome, Saved, Why
from reader.store.annotations import Annotation
from reader.store.database import connect, is_busy, transaction
from reader.store.documents import add_document, all_document_ids, get_document
from reader.text.loading import LoadedText
from reader.ui.workspace import Workspace

P95_LIMIT_MS = 50.0
POSITION_EVERY_S = 2.0  # as the article screen's timer (POSITION_SAVE_INTERVAL_S)
VISIT_RETRY_S = 1.0  # as the article screen's (VISIT_RETRY_S)
READY_TIMEOUT_S = 300.0
WORDS = ["treaty", "minister", "border", "water", "station", "council", "pipeline", "village",
         "ceasefire", "talks", "Yerevan", "Baku", "Moscow", "Lavrov", "Mirzoyan", "commitment",
         "agreement", "road", "corridor", "report", "budget", "election", "protest", "court",
         "ruling", "energy", "grid", "harvest", "loan", "bank", "river"]
OPERATIONS = (("tag", 0.45), ("note", 0.20), ("delete", 0.15), ("undo", 0.20))
ERRORS_KEPT = 20  # per process: the first ones, enough to see what went wrong


# --- the workers ---------------------------------------------------------------------------


@dataclass
class WorkerResult:
    """What one process did, written as JSON to the results folder when it ends."""

    name: str
    role: str
    saved: dict[str, int] = field(default_factory=dict)  # verb -> count
    nothing: int = 0  # "nothing to do" outcomes (undo with an empty history)
    waited: int = 0  # busy past the short timeout, done under the long one
    latencies_ms: list[float] = field(default_factory=list)
    # Of each saved operation, as `time_transactions` splits it: waiting for the write
    # lock, and COMMIT.
    lock_ms: list[float] = field(default_factory=list)
    commit_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    put_off: int = 0  # a position save or visit found the lock busy (tried again later)

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(message)


def commit(workspace: Workspace, run: Callable[[], Outcome]) -> tuple[Outcome, float, bool]:
    """Run an edit as `EditQueue._edit` does: with the UI thread's short busy timeout, then,
    if the lock was busy, again with the full one. (outcome, seconds, waited)."""
    start = time.perf_counter()
    outcome = run()
    waited = isinstance(outcome, NotDone) and outcome.why is Why.BUSY
    if waited:
        with workspace.patient():
            outcome = run()
    return outcome, time.perf_counter() - start, waited


def time_transactions() -> dict[str, float]:
    """Where an operation's time goes, added up in the dict returned: "lock", waiting for
    the write lock (the store's `transaction` begins with BEGIN IMMEDIATE), and "commit"
    (COMMIT: the WAL written and, with synchronous=FULL, synced to the disk)."""
    spent = {"lock": 0.0, "commit": 0.0}
    enter, leave = transaction.__enter__, transaction.__exit__

    def timed_enter(self: transaction) -> sqlite3.Connection:
        start = time.perf_counter()
        try:
            return enter(self)
        finally:
            spent["lock"] += time.perf_counter() - start

    def timed_exit(self: transaction, *exc: object) -> None:
        start = time.perf_counter()
        try:
            leave(self, *exc)
        finally:
            spent["commit"] += time.perf_counter() - start

    transaction.__enter__ = timed_enter  # type: ignore[method-assign]
    transaction.__exit__ = timed_exit  # type: ignore[method-assign]
    return spent


def span_state(annotation: Annotation | None) -> list[Any] | None:
    if annotation is None:
        return None
    return [annotation.start, annotation.end, annotation.label, annotation.note]


def touched(outcome: Saved) -> list[tuple[str, list[Any] | None]]:
    """(uid, state after) of every span a saved outcome changed."""
    found: list[tuple[str, list[Any] | None]] = []
    if outcome.before is not None or outcome.after is not None:
        found.append((outcome.subject.uid, span_state(outcome.after)))
    found.extend((span.uid, None) for span in outcome.spans_removed)
    found.extend((span.uid, span_state(span)) for span in outcome.spans_added)
    return found


class Desk:
    """One annotator's open document, opened as the article screen opens one."""

    def __init__(self, workspace: Workspace, result: WorkerResult, compare: bool) -> None:
        self.workspace = workspace
        self.result = result
        self.compare = compare
        self.document_id = 0
        self.text = ""
        self.word_starts: list[int] = []
        self.session: AnnotationSession | None = None
        self.cursor = 0
        self.position_due = time.monotonic() + POSITION_EVERY_S
        self.visit_due = False
        self.visit_retry_at = 0.0

    def open(self, document_id: int) -> AnnotationSession:
        self.save_position()  # as `>` does before leaving
        document = get_document(self.workspace.conn, document_id)
        assert document is not None
        self.document_id, self.text = document_id, document.text
        self.word_starts = [match.start() for match in re.finditer(r"\w+", self.text)]
        session = AnnotationSession(self.workspace.store_for(document_id), document.text,
                                    compare=self.compare)
        self.session = session
        self.reload()
        self.visit_due = True
        self.record_visit()
        return session

    def record_visit(self) -> None:
        """As the screen does after its first paint: busy is tried again at the next tick;
        any other failure is a warning on the screen, so an error here."""
        try:
            self.workspace.record_visit(self.document_id)
            self.visit_due = False
        except sqlite3.Error as error:
            if not is_busy(error):
                self.result.error(f"could not record the visit: {error}")
                self.visit_due = False
            self.result.put_off += 1
            self.visit_retry_at = time.monotonic() + VISIT_RETRY_S

    def reload(self) -> None:
        """What opening a document and `R` read: spans (relations in a worker, on a
        connection of their own), suggestions."""
        session = self.session
        assert session is not None
        failed = session.reload(relations=False) or session.load_suggestions()
        loaded = session.read_relations()
        if isinstance(loaded, NotDone):
            failed = failed or loaded
        else:
            session.use_relations(loaded)
        if failed is not None:
            self.result.error(f"reload: {failed.message}")

    def save_position(self) -> None:
        """As the screen's timer does: busy is skipped (the next tick saves it)."""
        if not self.document_id:
            return
        try:
            self.workspace.save_position(self.document_id, self.cursor, 0)
        except sqlite3.Error as error:
            if is_busy(error):
                self.result.put_off += 1
            else:
                self.result.error(f"reading position not saved: {error}")

    def tick(self) -> None:
        if self.visit_due and time.monotonic() >= self.visit_retry_at:
            self.record_visit()
        if time.monotonic() >= self.position_due:
            self.save_position()
            self.position_due = time.monotonic() + POSITION_EVERY_S


def wait_for_go(workdir: Path, name: str) -> None:
    """Say ready, then wait until every process is: all start together."""
    (workdir / "ready" / name).touch()
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not (workdir / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: no go after {READY_TIMEOUT_S:.0f} s")
        time.sleep(0.005)


def finish(workdir: Path, result: WorkerResult) -> None:
    path = workdir / "results" / f"{result.name}.json"
    path.write_text(json.dumps(asdict(result)), encoding="utf-8")


def pace(rnd: random.Random, rate: float) -> Callable[[], None]:
    """Sleep until the next operation is due: gaps of 0.5 to 1.5 times 1/rate, counted from
    when the last one was due, never shorter than nothing (no burst to catch up)."""
    due = time.monotonic()

    def wait() -> None:
        nonlocal due
        due = max(due + rnd.uniform(0.5, 1.5) / rate, time.monotonic())
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    return wait


def annotate(desk: Desk, rnd: random.Random, counter: int) -> Callable[[], Outcome]:
    """The next operation, chosen at random (a note or a deletion needs a span: a tag
    instead when there is none)."""
    session = desk.session
    assert session is not None
    own = [span for span in session.spans if span.own]
    roll, kind = rnd.random(), "tag"
    for name, weight in OPERATIONS:
        if roll < weight:
            kind = name
            break
        roll -= weight
    if kind in ("note", "delete") and not own:
        kind = "tag"
    if kind == "tag":
        desk.cursor = rnd.choice(desk.word_starts)
        label = rnd.choice(Config().labels).name
        return lambda: session.tag(label, None, desk.cursor)
    if kind == "undo":
        return session.undo
    span = rnd.choice(own)
    desk.cursor = span.start
    if kind == "delete":
        return lambda: session.delete(span.uid)
    note = "" if rnd.random() < 0.2 else f"note {counter} by {session.annotator}"
    return lambda: session.set_note(span.uid, note)


def run_annotator(args: argparse.Namespace) -> None:
    workdir, rnd = Path(args.workdir), random.Random(args.seed)
    result = WorkerResult(args.name, "annotator")
    spent = time_transactions()
    conn = connect(args.db)
    conn.execute(f"PRAGMA synchronous = {args.synchronous}")
    ids = all_document_ids(conn)
    workspace = Workspace(conn, args.name, Config(), ids, is_corpus=True)
    desk = Desk(workspace, result, compare=False)
    desk.open(rnd.choice(ids))
    log = (workdir / "saved" / f"{args.name}.jsonl").open("a", encoding="utf-8", buffering=1)
    wait_for_go(workdir, args.name)
    wait, deadline = pace(rnd, args.rate), time.monotonic() + args.seconds
    counter, switch_at = 0, rnd.randint(60, 140)
    while time.monotonic() < deadline or counter < args.min_ops:
        wait()
        counter += 1
        if counter == switch_at:
            desk.open(rnd.choice(ids))
            switch_at += rnd.randint(60, 140)
        spent.update(lock=0.0, commit=0.0)
        try:
            outcome, seconds, waited = commit(workspace, annotate(desk, rnd, counter))
        except Exception as error:  # in the TUI: a crash
            result.error(f"{type(error).__name__}: {error}")
            continue
        result.waited += waited
        if isinstance(outcome, Saved):
            result.latencies_ms.append(seconds * 1000)
            result.lock_ms.append(spent["lock"] * 1000)
            result.commit_ms.append(spent["commit"] * 1000)
            result.saved[outcome.verb] = result.saved.get(outcome.verb, 0) + 1
            log.write(json.dumps({"verb": outcome.verb, "document": desk.document_id,
                                  "spans": touched(outcome)}) + "\n")  # reported: logged
        elif outcome.why is Why.NOTHING:
            result.nothing += 1
        else:
            result.error(f"{outcome.why.value}: {outcome.message}")
        desk.tick()
    desk.save_position()
    log.close()
    conn.close()
    finish(workdir, result)


def run_reader(args: argparse.Namespace) -> None:
    """Someone reading (compare mode: everyone's spans), pressing `R` again and again."""
    workdir, rnd = Path(args.workdir), random.Random(args.seed)
    result = WorkerResult(args.name, "reader")
    conn = connect(args.db)
    conn.execute(f"PRAGMA synchronous = {args.synchronous}")
    ids = all_document_ids(conn)
    workspace = Workspace(conn, args.name, Config(), ids, is_corpus=True, compare=True)
    desk = Desk(workspace, result, compare=True)
    desk.open(rnd.choice(ids))
    wait_for_go(workdir, args.name)
    wait, deadline = pace(rnd, args.rate), time.monotonic() + args.seconds
    while True:
        wait()
        desk.cursor = rnd.randrange(len(desk.text))
        start = time.perf_counter()
        if rnd.random() < 0.1:
            desk.open(rnd.choice(ids))
        else:
            desk.reload()
        result.latencies_ms.append((time.perf_counter() - start) * 1000)
        result.saved["reloads"] = result.saved.get("reloads", 0) + 1
        desk.tick()
        if time.monotonic() >= deadline:
            break
    conn.close()
    finish(workdir, result)


def run_exporter(args: argparse.Namespace) -> None:
    """`reader export` again and again, each file read back."""
    workdir = Path(args.workdir)
    result = WorkerResult(args.name, "exporter")
    target = workdir / "export.jsonl"
    wait_for_go(workdir, args.name)
    deadline = time.monotonic() + args.seconds
    while True:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "reader", "export", "--db", args.db,
                               "--format", "jsonl", "-o", str(target)],
                              capture_output=True, text=True)
        result.latencies_ms.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            result.error(f"export exited {done.returncode}: {done.stderr.strip()}")
        else:
            try:
                lines = target.read_text(encoding="utf-8").splitlines()
                for line in lines:
                    json.loads(line)
                result.saved["exports"] = result.saved.get("exports", 0) + 1
            except ValueError as error:
                result.error(f"export is not JSON lines: {error}")
        if time.monotonic() >= deadline:
            break
    finish(workdir, result)


# --- the harness ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What every process of one run is told."""

    db: Path
    workdir: Path
    seconds: float
    rate: float = 20.0
    reloads: float = 10.0
    synchronous: str = "FULL"
    min_ops: int = 0
    seed: int = 1

    def start(self, role: str, name: str, seed: int) -> subprocess.Popen[bytes]:
        rate = self.reloads if role == "reader" else self.rate
        return subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--role", role, "--name", name,
             "--db", str(self.db), "--workdir", str(self.workdir),
             "--seconds", str(self.seconds), "--rate", str(rate), "--seed", str(seed),
             "--min-ops", str(self.min_ops), "--synchronous", self.synchronous],
            env=child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@dataclass
class RunResult:
    """One N's figures, and everything found wrong."""

    annotators: int
    seconds: float
    synchronous: str
    saved: dict[str, int]
    errors: list[str]
    error_count: int
    lost: list[str]
    unreported: list[str]
    event_mismatches: list[str]
    integrity: str
    p50_ms: float
    p95_ms: float
    max_ms: float
    lock_p95_ms: float
    commit_p95_ms: float
    waited: int
    nothing: int
    put_off: int
    reloads: int
    reload_p95_ms: float
    exports: int
    export_p50_ms: float
    wal_max_mb: float
    bare_p50_ms: float  # one process alone, bare SQLite commits, just before
    bare_p95_ms: float
    load_before: float  # the machine's (1 minute) before the run: other work
    load_average: float  # at the end: ours too

    @property
    def saved_total(self) -> int:
        return sum(self.saved.values())

    @property
    def ok(self) -> bool:
        return not (self.error_count or self.lost or self.unreported or self.event_mismatches
                    or self.integrity != "ok")


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def make_database(db: Path, documents: int, seed: int) -> None:
    rnd = random.Random(seed)
    conn = connect(db)
    try:
        for number in range(documents):
            words = [rnd.choice(WORDS) for _ in range(400)]
            text = f"Document {number}. " + " ".join(words) + ".\n"
            add_document(conn, LoadedText.from_text(text, f"doc-{number}.txt"))
    finally:
        conn.close()


def child_environment() -> dict[str, str]:
    """The children import the same `reader` as this process, wherever it comes from."""
    import reader

    root = str(Path(reader.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


def expected_states(log: Path) -> tuple[dict[str, list[Any] | None], int]:
    """The last state each span was reported saved in, and how many operations were."""
    states: dict[str, list[Any] | None] = {}
    operations = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        operations += 1
        for uid, state in entry["spans"]:
            states[uid] = state
    return states, operations


def check_database(db: Path, logs: dict[str, Path]) -> tuple[list[str], list[str], list[str]]:
    """(lost, unreported, event mismatches): what the logs say was saved against the
    database once every process has ended."""
    lost: list[str] = []
    unreported: list[str] = []
    mismatches: list[str] = []
    raw = sqlite3.connect(db)
    try:
        for name, log in sorted(logs.items()):
            states, operations = expected_states(log)
            rows = {uid: (start, end, label, note, deleted) for uid, start, end, label, note,
                    deleted in raw.execute(
                        "SELECT uid, start, end, label, note, deleted_at IS NOT NULL"
                        " FROM annotations WHERE annotator = ?", (name,))}
            for uid, state in states.items():
                row = rows.get(uid)
                if state is None:
                    if row is not None and not row[4]:
                        lost.append(f"{name}: {uid} reported deleted, live in the database")
                elif row is None or row[4]:
                    lost.append(f"{name}: {uid} reported saved as {state}, not live")
                elif list(row[:4]) != state:
                    lost.append(f"{name}: {uid} reported {state}, database {list(row[:4])}")
            unreported.extend(f"{name}: {uid} live but never reported saved"
                              for uid, row in rows.items() if not row[4] and uid not in states)
            events = raw.execute("SELECT count(*) FROM events WHERE annotator = ?",
                                 (name,)).fetchone()[0]
            if events != operations:
                mismatches.append(f"{name}: {operations} operations saved, {events} events")
    finally:
        raw.close()
    return lost, unreported, mismatches


def run_processes(children: dict[str, subprocess.Popen[bytes]], plan: Plan) -> float:
    """Start them together, wait for them all; the WAL's largest size in bytes."""
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while len(list((plan.workdir / "ready").iterdir())) < len(children):
            failed = [name for name, child in children.items() if child.poll() is not None]
            if failed or time.monotonic() > deadline:
                raise SystemExit(f"not ready: {failed or 'timeout'}")
            time.sleep(0.05)
        (plan.workdir / "go").touch()
        wal, wal_max = Path(f"{plan.db}-wal"), 0
        while any(child.poll() is None for child in children.values()):
            if wal.exists():
                wal_max = max(wal_max, wal.stat().st_size)
            time.sleep(0.1)
        return wal_max
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()


def bare_commits(folder: Path, seconds: float, rate: float,
                 synchronous: str) -> tuple[float, float]:
    """The machine's floor at this moment: one process alone committing a one-row INSERT
    (BEGIN IMMEDIATE, INSERT, COMMIT; WAL) at `rate` a second on a scratch database beside
    the shared one. (p50, p95) in ms."""
    scratch = folder / "bare.db"
    conn = sqlite3.connect(scratch, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    rnd, times = random.Random(0), []
    wait, deadline = pace(rnd, rate), time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait()
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 200,))
        conn.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return percentile(times, 0.5), percentile(times, 0.95)


def run(annotators: int, seconds: float, *, rate: float = 20.0, reloads: float = 10.0,
        documents: int = 20, workdir: Path | None = None, seed: int = 1,
        min_ops: int = 0, synchronous: str = "FULL", bare_seconds: float = 3.0) -> RunResult:
    """One run with `annotators` annotator processes, a reader and an exporter, after
    `bare_seconds` of the baseline (`bare_commits`; 0: none)."""
    where = (workdir or Path(tempfile.mkdtemp(prefix="reader-load-"))) / f"n{annotators}"
    shutil.rmtree(where, ignore_errors=True)
    for folder in ("ready", "results", "saved"):
        (where / folder).mkdir(parents=True)
    plan = Plan(where / "shared.db", where, seconds, rate, reloads, synchronous, min_ops, seed)
    make_database(plan.db, documents, seed)
    load_before = os.getloadavg()[0]
    bare = bare_commits(where, bare_seconds, 20.0, synchronous) if bare_seconds else (0, 0)
    names = [f"annotator{number:02d}" for number in range(annotators)]
    children = {name: plan.start("annotator", name, seed * 1000 + number)
                for number, name in enumerate(names)}
    children["reader"] = plan.start("reader", "reader", seed)
    children["exporter"] = plan.start("exporter", "exporter", seed)
    wal_max = run_processes(children, plan)
    load_average = os.getloadavg()[0]
    crashed = {name: (child.stderr.read().decode(errors="replace") if child.stderr else "")
               for name, child in children.items() if child.wait() != 0}
    results = {name: WorkerResult(**json.loads(
        (where / "results" / f"{name}.json").read_text(encoding="utf-8")))
        for name in children if name not in crashed}
    lost, unreported, mismatches = check_database(
        plan.db, {name: where / "saved" / f"{name}.jsonl" for name in names})
    raw = sqlite3.connect(plan.db)
    integrity = raw.execute("PRAGMA integrity_check").fetchone()[0]
    raw.close()
    errors = [f"{name} crashed: {' '.join(text.split())[-300:]}"
              for name, text in crashed.items()]
    errors += [f"{result.name}: {message}" for result in results.values()
               for message in result.errors]
    workers = [results[name] for name in names if name in results]
    saved: dict[str, int] = {}
    for worker in workers:
        for verb, count in worker.saved.items():
            saved[verb] = saved.get(verb, 0) + count

    def pooled(values: str) -> list[float]:
        return [value for worker in workers for value in getattr(worker, values)]

    latencies = pooled("latencies_ms")
    watcher = results.get("reader", WorkerResult("reader", "reader"))
    exporter = results.get("exporter", WorkerResult("exporter", "exporter"))
    return RunResult(
        annotators, seconds, synchronous, saved, errors,
        len(crashed) + sum(result.error_count for result in results.values()),
        lost, unreported, mismatches, integrity,
        percentile(latencies, 0.5), percentile(latencies, 0.95), max(latencies, default=0.0),
        percentile(pooled("lock_ms"), 0.95), percentile(pooled("commit_ms"), 0.95),
        sum(worker.waited for worker in workers), sum(worker.nothing for worker in workers),
        sum(result.put_off for result in results.values()),
        watcher.saved.get("reloads", 0), percentile(watcher.latencies_ms, 0.95),
        exporter.saved.get("exports", 0), percentile(exporter.latencies_ms, 0.5),
        wal_max / 1e6, *bare, load_before, load_average)


COLUMNS = (  # heading, width, value
    ("N", 3, lambda r: f"{r.annotators}"),
    ("saved", 6, lambda r: f"{r.saved_total}"),
    ("ops/s", 5, lambda r: f"{r.saved_total / r.seconds:.0f}"),
    ("errors", 6, lambda r: f"{r.error_count}"),
    ("lost", 4, lambda r: f"{len(r.lost) + len(r.unreported) + len(r.event_mismatches)}"),
    ("p50 ms", 6, lambda r: f"{r.p50_ms:.1f}"),
    ("p95 ms", 7, lambda r: f"{r.p95_ms:.1f}"),
    ("max ms", 6, lambda r: f"{r.max_ms:.0f}"),
    ("lock p95", 8, lambda r: f"{r.lock_p95_ms:.1f}"),
    ("commit p95", 10, lambda r: f"{r.commit_p95_ms:.1f}"),
    ("waited", 6, lambda r: f"{r.waited}"),
    ("put off", 7, lambda r: f"{r.put_off}"),
    ("reload p95", 10, lambda r: f"{r.reload_p95_ms:.1f}"),
    ("exports", 7, lambda r: f"{r.exports}"),
    ("WAL MB", 6, lambda r: f"{r.wal_max_mb:.1f}"),
    ("bare p50", 8, lambda r: f"{r.bare_p50_ms:.1f}"),
    ("bare p95", 8, lambda r: f"{r.bare_p95_ms:.1f}"),
    ("load before", 11, lambda r: f"{r.load_before:.1f}"),
    ("load after", 10, lambda r: f"{r.load_average:.1f}"),
)


def print_table(results: list[RunResult]) -> None:
    print(" ".join(f"{heading:>{width}}" for heading, width, _ in COLUMNS))
    for result in results:
        print(" ".join(f"{value(result):>{width}}" for _, width, value in COLUMNS),
              flush=True)
    over = next((r.annotators for r in results if r.p95_ms > P95_LIMIT_MS), None)
    print(f"p95 over {P95_LIMIT_MS:.0f} ms from N = {over}" if over is not None else
          f"p95 under {P95_LIMIT_MS:.0f} ms up to N = {max(r.annotators for r in results)}")
    for r in results:
        for problem in (r.errors + r.lost + r.unreported + r.event_mismatches)[:10]:
            print(f"N={r.annotators}: {problem}")
        if r.integrity != "ok":
            print(f"N={r.annotators}: integrity_check: {r.integrity}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", default="10,25,50",
                        help="comma-separated numbers of annotator processes (default 10,25,50)")
    parser.add_argument("--seconds", type=float, default=15.0,
                        help="how long each run works (default 15)")
    parser.add_argument("--rate", type=float, default=20.0,
                        help="operations per second per annotator (default 20)")
    parser.add_argument("--reloads", type=float, default=10.0,
                        help="the reader's reloads per second (default 10)")
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL",
                        help="FULL as reader sets it; NORMAL to see what the fsync per"
                             " commit costs (not what reader does)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the databases and logs here")
    parser.add_argument("--json", action="store_true", help="one JSON object per N")
    parser.add_argument("--seed", type=int, default=1)
    # A worker's own arguments (the harness starts the workers with them).
    parser.add_argument("--role", choices=("annotator", "reader", "exporter"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--min-ops", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role is not None:
        {"annotator": run_annotator, "reader": run_reader,
         "exporter": run_exporter}[args.role](args)
        return
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start;"
          f" {args.rate:g} operations/s per annotator, {args.seconds:g} s per run,"
          f" synchronous={args.synchronous}", file=sys.stderr)
    results = []
    for count in (int(part) for part in args.annotators.split(",")):
        result = run(count, args.seconds, rate=args.rate, reloads=args.reloads,
                     documents=args.documents, workdir=args.workdir, seed=args.seed,
                     synchronous=args.synchronous)
        results.append(result)
        if args.json:
            print(json.dumps({**asdict(result), "ok": result.ok}), flush=True)
    if not args.json:
        print_table(results)
    if not all(result.ok for result in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Relations (issue 10): the commit latency of a new relation, and the cost of loading a
document's relations when it opens, each side by side with its baseline in the same run.

Run from the repository root with reader installed: `python benchmarks/bench_relations.py`
(`--help` for options). Targets (issue 10, Performance): creating a relation commits in
under 10 ms at the 95th percentile; 20,000 spans and 20,000 relations in one document open
within 1.3x of the same document with no annotations.

Method
- The article is the 3 MB prose article of bench_annotations.py / first_paint.py (same
  generator and seed), stored through `add_document`. Three template databases hold it:
  "empty" (no annotations), "spans" (20,000 spans written through `AnnotationStore.create`,
  as bench_annotations.py plans them: labels actor, topic, commitment) and "relations" (a
  copy of "spans" plus 20,000 relations written through `AnnotationStore.relate`: `by`
  from a commitment to an actor, `about` from a commitment to a topic, each child among
  the 60 spans nearest the head in text order). Seeding runs with synchronous=OFF; the
  timed runs use the pragmas `connect` sets (WAL, synchronous=FULL).
- Commit latency: `AnnotationStore.relate` (one BEGIN IMMEDIATE transaction: both ends
  checked, the duplicate check, the row and its event) on a copy of "relations" and on a
  copy of a small document (200 spans, no relation), next to a bare sqlite3 BEGIN
  IMMEDIATE + one-row INSERT + COMMIT with the same pragmas; then
  `AnnotationSession.relate` on the big document, which adds the constraint check and the
  in-memory index update the UI waits for. Calls interleaved, --commits of each.
- Load: what opening the article does with annotations before the first paint,
  `AnnotationSession.reload()` (spans, relations, document labels, and their indexes) on a
  fresh connection, for each template, interleaved round by round, median of --runs; next
  to it the deferred path: `reload(relations=False)` before the first paint, then
  `read_relations()` (a worker thread's part) and `use_relations()` (the UI thread's);
  and the relation part alone (`live_relations`, `RelationIndex`). The whole `reader open`
  to first paint is ~320 ms here (docs/performance-annotations.md), so the ratio of whole
  opens is estimated as (320 + what runs before the paint) / (320 + the empty document's).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_annotations import ANNOTATOR, plan_spans, write_article  # noqa: E402

from reader.annotate.relation_index import RelationIndex  # noqa: E402
from reader.annotate.session import AnnotationSession, LoadedRelations, Saved  # noqa: E402
from reader.store.annotations import Annotation, AnnotationStore  # noqa: E402
from reader.store.database import busy_timeout_ms, connect  # noqa: E402
from reader.store.documents import add_document  # noqa: E402
from reader.store.relations import live_relations  # noqa: E402
from reader.text.loading import load_text  # noqa: E402

TARGET_P95_MS = 10.0
TARGET_RATIO = 1.3
OPEN_MS = 320.0  # `reader open` to first paint of this article with no annotations
NEAR = 30  # a relation's child is among the 2 * NEAR spans nearest its head


def checkpoint_and_close(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def copy_db(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    return target


def plan_relations(spans: list[Annotation], count: int, seed: int,
                   exclude: frozenset[tuple[str, str, str]] = frozenset(),
                   ) -> list[tuple[str, str, str]]:
    """`count` distinct (head uid, child uid, label) not in `exclude`: `by` commitment ->
    actor, `about` commitment -> topic, the child near the head in text order."""
    rng = random.Random(seed)
    ordered = sorted(spans, key=lambda a: (a.start, a.end))
    heads = [i for i, a in enumerate(ordered) if a.label == "commitment"]
    planned: set[tuple[str, str, str]] = set()
    tries = 0
    while len(planned) < count:
        tries += 1
        if tries > count * 50:
            raise SystemExit(f"could plan only {len(planned)} relations")
        i = rng.choice(heads)
        j = min(max(i + rng.randint(-NEAR, NEAR), 0), len(ordered) - 1)
        child = ordered[j]
        label = {"actor": "by", "topic": "about"}.get(child.label)
        if label is not None and (ordered[i].uid, child.uid, label) not in exclude:
            planned.add((ordered[i].uid, child.uid, label))
    return sorted(planned)


def make_templates(folder: Path, paragraphs: int, spans: int,
                   relations: int) -> tuple[dict[str, Path], int]:
    article = write_article(folder, paragraphs)
    loaded = load_text(article)
    paths = {name: folder / f"template-{name}.db" for name in ("empty", "spans", "relations")}
    conn = connect(paths["empty"])
    document, _ = add_document(conn, loaded)
    checkpoint_and_close(conn)
    copy_db(paths["empty"], paths["spans"])

    conn = connect(paths["spans"])
    conn.execute("PRAGMA synchronous = OFF")  # seeding only
    store = AnnotationStore(conn, document.id, ANNOTATOR)
    for start, end, label in plan_spans(loaded.text, spans, seed=11):
        store.create(start, end, label, loaded.text[start:end])
    checkpoint_and_close(conn)
    copy_db(paths["spans"], paths["relations"])

    conn = connect(paths["relations"])
    conn.execute("PRAGMA synchronous = OFF")
    store = AnnotationStore(conn, document.id, ANNOTATOR)
    for head, child, label in plan_relations(store.mine(), relations, seed=12):
        store.relate(head, child, label)
    live = len(store.relations())
    checkpoint_and_close(conn)
    if live != relations:
        raise SystemExit(f"seeded {live} relations, not {relations}")
    return paths, document.id


def small_document(folder: Path, text: str, relations: int) -> tuple[Path, int]:
    """A database whose only document is the start of the article, with enough spans for
    `relations` new relations and no relation yet."""
    db = folder / "small.db"
    conn = connect(db)
    size = min(len(text), 20_000 + relations * 40)
    document, _ = add_document(conn, load_text_of(text[:size], folder))
    store = AnnotationStore(conn, document.id, ANNOTATOR)
    for start, end, label in plan_spans(text[:size], 200 + relations // 2, seed=13):
        store.create(start, end, label, text[start:end])
    checkpoint_and_close(conn)
    return db, document.id


def load_text_of(text: str, folder: Path):  # type: ignore[no-untyped-def]
    path = folder / "small.txt"
    path.write_text(text, encoding="utf-8")
    return load_text(path)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


class Relater:
    """New relations on one database, each timed: `relate` of a pair not yet related."""

    def __init__(self, db: Path, document_id: int, seed: int, count: int,
                 session: bool = False) -> None:
        self.conn = connect(db)
        self.store = AnnotationStore(self.conn, document_id, ANNOTATOR)
        taken = frozenset((r.head_uid, r.child_uid, r.label) for r in self.store.relations())
        self.plan = plan_relations(self.store.mine(), count, seed, taken)
        random.Random(seed).shuffle(self.plan)
        self.session: AnnotationSession | None = None
        if session:
            text = self.conn.execute("SELECT text FROM documents WHERE id = ?",
                                     (document_id,)).fetchone()[0]
            self.session = AnnotationSession(self.store, text)
            assert self.session.reload() is None

    def once(self) -> float:
        head, child, label = self.plan.pop()
        started = time.perf_counter()
        if self.session is not None:
            outcome = self.session.relate(head, child, label)
            assert isinstance(outcome, Saved), outcome
        else:
            self.store.relate(head, child, label)
        return time.perf_counter() - started


class BareInsert:
    """The floor: one INSERT in its own transaction, same pragmas as the store."""

    def __init__(self, folder: Path) -> None:
        self.conn = connect(folder / "bare.db")
        self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, uid TEXT,"
                          " a TEXT, b TEXT, label TEXT)")
        self.count = 0

    def once(self) -> float:
        self.count += 1
        started = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t (uid, a, b, label) VALUES (?, 'x', 'y', 'by')",
                          (f"u{self.count}",))
        self.conn.execute("COMMIT")
        return time.perf_counter() - started


def bench_commits(paths: dict[str, Path], document_id: int, folder: Path, commits: int,
                  text: str) -> None:
    big = copy_db(paths["relations"], folder / "commit-big.db")
    session_db = copy_db(paths["relations"], folder / "commit-session.db")
    small, small_id = small_document(folder, text, commits)
    cases: list[tuple[str, Callable[[], float]]] = [
        ("bare sqlite3 INSERT + COMMIT", BareInsert(folder).once),
        ("AnnotationStore.relate, small document, 0 relations",
         Relater(small, small_id, 1, commits).once),
        ("AnnotationStore.relate, 20,000 spans + 20,000 relations",
         Relater(big, document_id, 2, commits).once),
        ("AnnotationSession.relate, 20,000 + 20,000 (store + index)",
         Relater(session_db, document_id, 3, commits, session=True).once),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(commits):
        for name, once in cases:
            times[name].append(once())
    print(f"\nCommit latency ({commits} each, interleaved; WAL, synchronous=FULL)")
    print(f"  {'case':60} {'median':>10} {'p95':>10} {'max':>10}")
    for name, values in times.items():
        print(f"  {name:60} {ms(statistics.median(values)):>10}"
              f" {ms(percentile(values, 0.95)):>10} {ms(max(values)):>10}")
    worst = max(percentile(values, 0.95) for name, values in times.items()
                if "relate" in name) * 1000
    verdict = "met" if worst < TARGET_P95_MS else "MISSED"
    print(f"  target: p95 < {TARGET_P95_MS:.0f} ms -> {verdict} (worst relate p95"
          f" {worst:.2f} ms)")


def bench_load(paths: dict[str, Path], document_id: int, runs: int) -> None:
    steps = ("reload()", "reload(relations=False)", "read_relations() (worker)",
             "use_relations() (UI thread)", "  of which: relations query",
             "  of which: RelationIndex(...)")
    times: dict[str, dict[str, list[float]]] = {name: {} for name in paths}
    for _ in range(runs):
        for name, db in paths.items():
            conn = connect(db)
            text = conn.execute("SELECT text FROM documents WHERE id = ?",
                                (document_id,)).fetchone()[0]
            session = AnnotationSession(AnnotationStore(conn, document_id, ANNOTATOR), text)
            laps = []
            started = time.perf_counter()
            assert session.reload() is None
            laps.append(time.perf_counter() - started)
            conn.close()  # again on a fresh connection, as a new open would be
            conn = connect(db)
            session = AnnotationSession(AnnotationStore(conn, document_id, ANNOTATOR), text)
            started = time.perf_counter()
            assert session.reload(relations=False) is None
            laps.append(time.perf_counter() - started)
            started = time.perf_counter()
            loaded = session.read_relations()
            laps.append(time.perf_counter() - started)
            assert isinstance(loaded, LoadedRelations)
            started = time.perf_counter()
            assert session.use_relations(loaded)
            laps.append(time.perf_counter() - started)
            started = time.perf_counter()
            relations = live_relations(conn, document_id, [ANNOTATOR])
            laps.append(time.perf_counter() - started)
            started = time.perf_counter()
            RelationIndex(relations)
            laps.append(time.perf_counter() - started)
            conn.close()
            for step, value in zip(steps, laps, strict=True):
                times[name].setdefault(step, []).append(value)
    print(f"\nLoad at open (median of {runs} runs, each on a fresh connection)")
    print(f"  {'step':34} {'empty':>10} {'20k spans':>10} {'+20k relations':>15}")
    for step in steps:
        row = [statistics.median(times[name][step]) for name in paths]
        print(f"  {step:34} {ms(row[0]):>10} {ms(row[1]):>10} {ms(row[2]):>15}")

    def before_paint(name: str, step: str) -> float:
        return statistics.median(times[name][step]) * 1000

    empty = before_paint("empty", "reload()")
    for label, step in (("relations read before the first paint", "reload()"),
                        ("relations read by a worker after it", "reload(relations=False)")):
        spans = (OPEN_MS + before_paint("spans", "reload()")) / (OPEN_MS + empty)
        both = (OPEN_MS + before_paint("relations", step)) / (OPEN_MS + empty)
        print(f"  whole open, estimated ({OPEN_MS:.0f} ms to first paint), {label}:"
              f" 20k spans {spans:.2f}x, 20k spans + 20k relations {both:.2f}x the empty"
              f" document (target {TARGET_RATIO}x)")
    print("  (the terminal itself: bench_annotations.py; these are the in-process parts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=6000,
                        help="article size (6000: the 3 MB article)")
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--relations", type=int, default=20_000)
    parser.add_argument("--commits", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip", choices=["commits", "load"], action="append", default=[])
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
    with tempfile.TemporaryDirectory(prefix="bench-relations-") as name:
        folder = Path(name)
        started = time.perf_counter()
        paths, document_id = make_templates(folder, args.paragraphs, args.spans,
                                            args.relations)
        conn = connect(paths["empty"])
        text = conn.execute("SELECT text FROM documents").fetchone()[0]
        conn.close()
        print(f"seeded {args.spans} spans and {args.relations} relations on a"
              f" {len(text.encode()):,}-byte article in {time.perf_counter() - started:.1f} s")
        if "load" not in args.skip:
            bench_load(paths, document_id, args.runs)
        if "commits" not in args.skip:
            bench_commits(paths, document_id, folder, args.commits, text)


if __name__ == "__main__":
    main()

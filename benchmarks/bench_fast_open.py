"""The fast-open lookup (`reader open` of a document already stored) on a 3 MB article: the
schema-1 layout, where `meta`, `created_at` and `updated_at` came after the large `text`
column, against the current one, where `text` is the last column.

    python benchmarks/bench_fast_open.py            # 3 MB, median of 50 lookups per case
    python benchmarks/bench_fast_open.py --paragraphs 600 --runs 20

SQLite stores a row's columns in order and spills a long value onto overflow pages, so
reading a column stored after `text` walks every one of the text's pages (about 750 of
4 KB at 3 MB) although the lookup never reads the text. Both databases hold the same one
document; the old one is built by running only the first migration. Each lookup is timed
on a fresh connection, as `reader open` makes one (connecting is not timed); the cases
alternate so that machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_samples import prose_article

from reader.store.database import SCHEMA_VERSION, connect
from reader.store.documents import add_document
from reader.store.schema import MIGRATIONS
from reader.text.loading import LoadedText


def old_layout(path: Path, loaded: LoadedText) -> None:
    """A database at schema version 1, the layout before `text` moved last."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA journal_mode = WAL")
    add_document(conn, loaded, {"origin": "benchmark"})
    conn.close()


def current_layout(path: Path, loaded: LoadedText) -> None:
    conn = connect(path)
    add_document(conn, loaded, {"origin": "benchmark"})
    conn.close()


def lookup_ms(path: Path, loaded: LoadedText) -> float:
    """One fast-open lookup on a fresh connection: the stored document found by its hash."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        started = time.perf_counter()
        document, created = add_document(conn, loaded)
        elapsed = time.perf_counter() - started
    finally:
        conn.close()
    assert not created and document.meta == {"origin": "benchmark"}
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    text = prose_article(args.paragraphs)
    loaded = LoadedText.from_text(text, "/corpus/report.txt")
    print(f"article: {len(text.encode()) / 1e6:.1f} MB of UTF-8; machine: "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        cases = {"schema 1 (meta after text)": Path(folder, "old.db"),
                 f"schema {SCHEMA_VERSION} (text last)": Path(folder, "new.db")}
        old_path, new_path = cases.values()
        old_layout(old_path, loaded)
        current_layout(new_path, loaded)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for path in cases.values():  # warm-up: the OS page cache
            lookup_ms(path, loaded)
        for _ in range(args.runs):
            for name, path in cases.items():
                times[name].append(lookup_ms(path, loaded))
    print(f"\n{'layout':<30} {'median ms':>10} {'min ms':>8}")
    for name, values in times.items():
        print(f"{name:<30} {statistics.median(values):>10.3f} {min(values):>8.3f}")


if __name__ == "__main__":
    main()

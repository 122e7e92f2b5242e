"""Export benchmark: `reader export` side by side with the floor, a bare sqlite3 query that
reads the same rows out as JSON (json_object / json_group_array), each in its own process
so peak memory (getrusage maxrss) is its own.

    python benchmarks/bench_export.py              # 10,000 documents, 1,000,000 spans
    python benchmarks/bench_export.py --scale 0.1  # quick run

Targets: export within 2x the floor's time, peak memory at most 200 MB."""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

DOCUMENTS = 10_000
SPANS_PER_DOCUMENT = 100
WORDS = ["Ararat", "Yerevan", "Москва", "北京市", "café", "e\u0301te\u0301", "👩‍👩‍👧", "talks",
         "the", "minister", "said", "x\ty", "line\r\n", "🇦🇲", "مرحبا", "of", "and"]
LABELS = ["PER", "ORG", "LOC", "MISC", "EVENT"]
STAMP = "2024-01-01T00:00:00.000Z"

SPAN_JSON = ("json_object('id', uid, 'start', start, 'end', end, 'label', label, 'text', text,"
             " 'annotator', annotator, 'note', note, 'created_at', created_at,"
             " 'updated_at', updated_at)")
FLOOR_SQL = (
    "SELECT json_object('id', substr(d.sha256, 1, 16), 'text', d.text, 'source', d.source,"
    " 'sha256', d.sha256, 'meta', json(d.meta), 'spans', (SELECT json_group_array(json(j))"
    f" FROM (SELECT {SPAN_JSON} AS j FROM annotations a WHERE a.document_id = d.id"
    " AND a.deleted_at IS NULL ORDER BY start, end, label, annotator, uid)))"
    " FROM documents d ORDER BY d.id"
)

# Each measured job runs in a fresh interpreter and prints {"seconds", "peak_mb"}.
CHILD = r"""
import json, resource, sqlite3, sys, time
mode, db, out, extra = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if mode.startswith("reader"):
    from reader.cli import cli
start = time.perf_counter()
if mode == "floor-fetchall":
    rows = sqlite3.connect(db).execute(extra["sql"]).fetchall()
elif mode == "floor-stream":
    for row in sqlite3.connect(db).execute(extra["sql"]):
        pass
else:
    cli.main(["export", "--db", db, "-o", out, "--format", extra["format"]],
             standalone_mode=False)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def make_database(path: Path, documents: int, spans: int, seed: int = 1) -> None:
    """A corpus of `documents` texts with `spans` live spans each (plus a few deleted),
    mixing emoji, CJK, combining marks, CRLF and tabs, inserted in one transaction."""
    from reader.store.database import connect, transaction
    from reader.text.loading import text_sha256

    rnd = random.Random(seed)
    conn = connect(path)
    with transaction(conn):
        for number in range(1, documents + 1):
            words, offsets, position = [], [], 0
            for _ in range(spans * 2):
                word = rnd.choice(WORDS)
                words.append(word)
                offsets.append((position, position + len(word)))
                position += len(word) + 1
            text = " ".join(words) + f" {number}"
            conn.execute(
                "INSERT INTO documents (id, sha256, source, title, text, meta, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, '{}', ?, ?)",
                (number, text_sha256(text), f"/bench/{number}.txt", f"doc {number}", text,
                 STAMP, STAMP))
            rows = []
            for k in range(spans + spans // 20):
                start, end = offsets[2 * (k % spans) + (k >= spans)]
                rows.append((uuid.UUID(int=rnd.getrandbits(128)).hex, number, start, end,
                             rnd.choice(LABELS), text[start:end], rnd.choice(["", "", "note"]),
                             rnd.choice(["alice", "bob"]), STAMP, STAMP,
                             STAMP if k >= spans else None))
            conn.executemany(
                "INSERT INTO annotations (uid, document_id, start, end, label, text, note,"
                " annotator, created_at, updated_at, deleted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.close()


def measure(mode: str, db: Path, out: Path, **extra: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", CHILD, mode, str(db), str(out),
                             json.dumps(extra)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 10,000 documents x 100 spans (default 1)")
    parser.add_argument("--formats", default="jsonl",
                        help="comma-separated export formats to time (default jsonl)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the database and outputs here (reused if present)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept")
    args = parser.parse_args()

    documents = max(1, round(DOCUMENTS * args.scale))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"bench-{documents}.db"
    if not db.exists():
        started = time.perf_counter()
        make_database(db, documents, SPANS_PER_DOCUMENT)
        print(f"built {db} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    spans = documents * SPANS_PER_DOCUMENT

    jobs: list[tuple[str, str, dict[str, str]]] = [
        ("floor: sqlite3 JSON query, fetchall", "floor-fetchall", {"sql": FLOOR_SQL}),
        ("floor: sqlite3 JSON query, streamed", "floor-stream", {"sql": FLOOR_SQL}),
    ]
    jobs += [(f"reader export --format {fmt}", "reader", {"format": fmt})
             for fmt in args.formats.split(",")]
    results = {}
    for name, mode, extra in jobs:
        out = workdir / f"out.{extra.get('format', 'floor')}"
        runs = [measure(mode, db, out, **extra) for _ in range(args.repeat)]
        results[name] = {"seconds": min(r["seconds"] for r in runs),
                         "peak_mb": max(r["peak_mb"] for r in runs)}
    floor = min(results[name]["seconds"] for name, _, _ in jobs[:2])
    print(f"\n{documents:,} documents, {spans:,} live spans, best of {args.repeat}\n")
    print(f"{'job':<40} {'seconds':>8} {'x floor':>8} {'peak MB':>8}")
    for name, figures in results.items():
        print(f"{name:<40} {figures['seconds']:>8.2f} {figures['seconds'] / floor:>8.2f}"
              f" {figures['peak_mb']:>8.0f}")
    ours = results["reader export --format jsonl"] if "jsonl" in args.formats else None
    if ours:
        print(f"\ntarget: <= 2.00 x the faster floor, <= 200 MB:"
              f" {ours['seconds'] / floor:.2f} x, {ours['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()

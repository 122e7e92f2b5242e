"""`reader curate --auto` over a corpus two annotators tagged: the first run (accepting what
they agree on into gold) and a second run (nothing left to accept: the idempotent re-run
a nightly job makes), wall clock and CPU of the installed `reader` as a subprocess.

    python benchmarks/bench_curate.py [--documents 2000] [--spans 50]

bob copies alice with noise (80% equal, 10% another label, 10% the end one character
later), so about 80% of their spans agree exactly and go into gold; the rest are the
disagreements left for the screen. No baseline: no other tool curates this database; the
figure to watch is the CPU of a re-run, which a nightly job pays every time."""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
STAMP = "2026-01-01T00:00:00.000Z"


def build(db: Path, documents: int, spans: int) -> int:
    conn = connect(db)
    rng = random.Random(1)
    rows = []
    for number in range(documents):
        text = " ".join(rng.choice(WORDS) for _ in range(500)) + f" {number}"
        document, _ = add_document(conn, LoadedText.from_text(text, f"/d{number}.txt"))
        for _ in range(spans):
            start = rng.randrange(0, len(text) - 20)
            end = start + rng.randrange(1, 15)
            label = rng.choice(["actor", "topic"])
            for who in ("alice", "bob"):
                stop, name = end, label
                draw = rng.random()
                if who == "bob" and draw < 0.1:
                    name = "topic" if label == "actor" else "actor"
                elif who == "bob" and draw < 0.2:
                    stop = end + 1
                rows.append((f"u{len(rows)}", document.id, start, stop, name,
                             text[start:stop], "", who, STAMP, STAMP))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO annotations (uid, document_id, start, end, label, text, note, annotator,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return len(rows)


def timed(db: Path) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader", "curate", "--db", str(db),
                           "--annotators", "alice,bob", "--auto"],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=50, help="per annotator and document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "team.db"
        total = build(db, args.documents, args.spans)
        print(f"{args.documents:,} documents, {total:,} spans; load average"
              f" {os.getloadavg()[0]:.1f}")
        for run in ("first run", "re-run"):
            wall, cpu, said = timed(db)
            print(f"{run}: {wall:.2f} s wall, {cpu:.2f} s CPU: {said}")


if __name__ == "__main__":
    main()

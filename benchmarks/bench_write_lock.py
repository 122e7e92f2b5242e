"""How long a batch writer keeps other writers out: `reader import` of model predictions,
then `reader merge` of that database into a new one, each in its own process, while this
process tries a one-row write every 5 ms without waiting; the longest stretch in which
that failed is how long the TUI would have waited to save a tag.

    python benchmarks/bench_write_lock.py                # 3,000 documents x 1,000 spans
    python benchmarks/bench_write_lock.py --scale 0.1    # quick run

Before staging (one transaction around the whole import) the lock was held for the whole
run; now only for the final write."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCUMENTS = 3000
SPANS_PER_DOCUMENT = 1000
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
         "lambda", "mu"]


def make_predictions(path: Path, documents: int, spans: int) -> None:
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        for number in range(documents):
            words = [rnd.choice(WORDS) for _ in range(spans * 2)] + [f"doc{number}"]
            found, position = [], 0
            for index, word in enumerate(words[:-1]):
                if index % 2 == 0:
                    found.append({"start": position, "end": position + len(word),
                                  "label": rnd.choice("ABC")})
                position += len(word) + 1
            out.write(json.dumps({"text": " ".join(words), "spans": found}) + "\n")


def held(db: Path, command: list[str]) -> tuple[float, float]:
    """(seconds the command ran, longest stretch the write lock could not be had)."""
    for side in db.parent.glob(db.name + "*"):
        side.unlink()
    subprocess.run([sys.executable, "-c", "import sys; from reader.store.database import"
                    " connect; connect(sys.argv[1]).close()", str(db)], check=True)
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    start = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "reader", *command, "--db", str(db)])
    longest, blocked_since = 0.0, None
    while child.poll() is None:
        now = time.monotonic()
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("COMMIT")
            if blocked_since is not None:
                longest, blocked_since = max(longest, now - blocked_since), None
        except sqlite3.OperationalError:
            if blocked_since is None:
                blocked_since = now
        time.sleep(0.005)
    if blocked_since is not None:
        longest = max(longest, time.monotonic() - blocked_since)
    probe.close()
    if child.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({child.returncode})")
    return time.monotonic() - start, longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 3,000 documents x 1,000 spans (default 1)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the files here (reused if present)")
    args = parser.parse_args()
    documents = max(1, round(DOCUMENTS * args.scale))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reader-lock-"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"predictions-{documents}.jsonl"
    if not source.exists():
        make_predictions(source, documents, SPANS_PER_DOCUMENT)
    imported, merged = workdir / "imported.db", workdir / "merged.db"
    print(f"\n{documents:,} documents, {documents * SPANS_PER_DOCUMENT:,} spans\n")
    print(f"{'job':<16} {'seconds':>8} {'lock held (longest)':>20}")
    for name, db, command in (("reader import", imported, ["import", str(source)]),
                              ("reader merge", merged, ["merge", str(imported)])):
        seconds, longest = held(db, command)
        print(f"{name:<16} {seconds:>8.1f} {longest:>19.2f}s", flush=True)


if __name__ == "__main__":
    main()

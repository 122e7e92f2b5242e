"""Import benchmark: `reader import` of reader's own JSONL export (validation, dedup and
events included) side by side with a floor that only parses the same file and inserts the
rows with executemany, no checks, each in its own process.

    python benchmarks/bench_import.py              # 10,000 documents, 1,000,000 spans
    python benchmarks/bench_import.py --scale 0.1  # quick run

Target: at least 100,000 spans per second."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_export import DOCUMENTS, SPANS_PER_DOCUMENT, make_database

CHILD = r"""
import json, resource, sys, time
mode, source, db = sys.argv[1], sys.argv[2], sys.argv[3]
from reader.store.database import connect, transaction
start = time.perf_counter()
if mode == "floor":
    conn = connect(db)
    with transaction(conn), open(source, "rb") as handle:
        for number, line in enumerate(handle, 1):
            record = json.loads(line)
            conn.execute(
                "INSERT INTO documents (id, sha256, source, title, text, meta, created_at,"
                " updated_at) VALUES (?, ?, ?, '', ?, '{}', '', '')",
                (number, record["sha256"], record["source"], record["text"]))
            conn.executemany(
                "INSERT INTO annotations (uid, document_id, start, end, label, text, note,"
                " annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(s["id"], number, s["start"], s["end"], s["label"], s["text"], s["note"],
                  s["annotator"], s["created_at"], s["updated_at"]) for s in record["spans"]])
else:
    from reader.cli import cli
    cli.main(["import", source, "--db", db], standalone_mode=False)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def measure(mode: str, source: Path, db: Path) -> dict[str, float]:
    for path in db.parent.glob(db.name + "*"):
        path.unlink()
    result = subprocess.run([sys.executable, "-c", CHILD, mode, str(source), str(db)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 10,000 documents x 100 spans (default 1)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the files here (reused if present)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept")
    args = parser.parse_args()

    documents = max(1, round(DOCUMENTS * args.scale))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"bench-{documents}.db"
    source = workdir / f"bench-{documents}.jsonl"
    if not db.exists():
        make_database(db, documents, SPANS_PER_DOCUMENT)
    if not source.exists():
        subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db), "-o",
                        str(source)], check=True)
    spans = sum(len(json.loads(line)["spans"]) for line in source.open("rb"))
    target = workdir / "imported.db"

    results = {}
    for name, mode in (("floor: json.loads + executemany, no checks", "floor"),
                       ("reader import", "reader")):
        runs = [measure(mode, source, target) for _ in range(args.repeat)]
        results[name] = {"seconds": min(r["seconds"] for r in runs),
                         "peak_mb": max(r["peak_mb"] for r in runs)}
    print(f"\n{documents:,} documents, {spans:,} spans, "
          f"{source.stat().st_size / 1e6:.0f} MB of JSONL, best of {args.repeat}\n")
    print(f"{'job':<44} {'seconds':>8} {'spans/s':>10} {'peak MB':>8}")
    for name, figures in results.items():
        print(f"{name:<44} {figures['seconds']:>8.2f} {spans / figures['seconds']:>10,.0f}"
              f" {figures['peak_mb']:>8.0f}")
    ours = results["reader import"]
    print(f"\ntarget: >= 100,000 spans/s: {spans / ours['seconds']:,.0f} spans/s")


if __name__ == "__main__":
    main()

"""Import benchmark: `reader import` (validation, dedup and events included) side by side
with a floor that only parses the same file and inserts the rows with executemany, no checks,
each in its own process, on two inputs: model predictions (text and spans with start, end,
label: ids are made on import) and reader's own export (every span with its uuid4 id).

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
                (number, str(number), str(number), record["text"]))
            conn.executemany(
                "INSERT INTO annotations (uid, document_id, start, end, label, text, note,"
                " annotator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(s.get("id") or f"{number:016x}{k:016x}", number, s["start"], s["end"],
                  s["label"], record["text"][s["start"]:s["end"]], s.get("note", ""),
                  s.get("annotator", "a"), "", "") for k, s in enumerate(record["spans"])])
else:
    from reader.cli import cli
    extra = ["--no-history"] if mode == "reader-no-history" else []
    cli.main(["import", source, "--db", db, *extra], standalone_mode=False)
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
    predictions = workdir / f"bench-{documents}-predictions.jsonl"
    if not predictions.exists():
        with source.open("rb") as lines, predictions.open("w", encoding="utf-8") as out:
            for line in lines:
                record = json.loads(line)
                spans = [{"start": s["start"], "end": s["end"], "label": s["label"]}
                         for s in record["spans"]]
                out.write(json.dumps({"text": record["text"], "spans": spans},
                                     ensure_ascii=False) + "\n")
    spans = sum(len(json.loads(line)["spans"]) for line in source.open("rb"))
    target = workdir / "imported.db"

    print(f"\n{documents:,} documents, {spans:,} spans, best of {args.repeat}\n")
    print(f"{'input':<22} {'job':<34} {'seconds':>8} {'spans/s':>10} {'peak MB':>8}")
    for label, path in (("model predictions", predictions), ("reader's own export", source)):
        for name, mode in (("floor: json.loads + executemany", "floor"),
                           ("reader import", "reader"),
                           ("reader import --no-history", "reader-no-history")):
            runs = [measure(mode, path, target) for _ in range(args.repeat)]
            seconds = min(r["seconds"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            print(f"{label:<22} {name:<34} {seconds:>8.2f} {spans / seconds:>10,.0f}"
                  f" {peak:>8.0f}", flush=True)
    print("\ntarget: reader import >= 100,000 spans/s")


if __name__ == "__main__":
    main()

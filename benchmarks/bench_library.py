"""The library screen with 10,000 documents: time to first paint in a real terminal.

Side by side, in one run: a bare Textual hello-world (the floor any Textual app pays),
`reader` with no arguments (the library of everything in the database), and a plain
Textual DataTable listing the same documents. The issue's target: the library appears in
under 0.5 s. Run from the repository root after `pip install .`:

    python benchmarks/bench_library.py [--documents 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from first_paint import (  # the shared pty harness
    PtyProcess,
    compile_reader_bytecode,
    find_reader,
    make_env,
)

HERE = Path(__file__).resolve().parent


def build_database(path: Path, documents: int) -> None:
    from reader.store.database import connect, transaction
    from reader.store.documents import add_documents
    from reader.text.loading import LoadedText

    conn = connect(path)
    texts = [LoadedText.from_text(f"Report {n:05d}: water quality in district {n % 97}\n\n"
                                  f"Body of report {n}.", f"/corpus/report-{n:05d}.txt")
             for n in range(documents)]
    with transaction(conn):
        add_documents(conn, texts)
    conn.close()


def first_paint(argv: list[str], marker: str, db: Path, work: Path) -> float:
    process = PtyProcess(argv, make_env(work, db), work, 120, 40)
    try:
        painted = process.wait_until(lambda text: marker in text, 0, 30, repr(marker))
        return painted - process.started
    finally:
        process.close(b"q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    reader = find_reader(None)
    if reader is None:
        sys.exit("install reader first: pip install .")
    compile_reader_bytecode()
    with tempfile.TemporaryDirectory(prefix="reader-library-") as folder:
        work = Path(folder)
        db = work / "library.db"
        build_database(db, args.documents)
        cases = {
            "hello-world (Textual)": ([sys.executable, str(HERE / "baselines/hello_app.py")],
                                      "Hello"),
            f"reader library, {args.documents:,} documents": ([reader], "Report 00000"),
            f"DataTable baseline, {args.documents:,} documents": (
                [sys.executable, str(HERE / "baselines/datatable_library.py"), str(db)],
                "Report 00000"),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv, marker in cases.values():  # warm-up
            first_paint(argv, marker, db, work)
        for _ in range(args.runs):
            for name, (argv, marker) in cases.items():
                times[name].append(first_paint(argv, marker, db, work))
    print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each, 120x40 pty\n")
    print("| case | first paint median (s) | min (s) |")
    print("|---|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} |")
    library = statistics.median(times[f"reader library, {args.documents:,} documents"])
    print(f"\nreader library first paint: {library:.3f} s (target < 0.5 s): "
          + ("ok" if library < 0.5 else "MISSED"))


if __name__ == "__main__":
    main()

"""Suggestions benchmark (issue 11): `reader suggest` with 10,000 phrase patterns over a
10,000-document corpus, and the suggestions for one 3 MB article, each beside a baseline
measured in the same run.

    python benchmarks/bench_suggest.py              # 10,000 documents, 10,000 patterns
    python benchmarks/bench_suggest.py --scale 0.1  # quick run

Cases:

- corpus: `reader suggest --patterns FILE` as a user runs it (a fresh process: start-up,
  reading every document, matching, staging, the one transaction), on a copy of the same
  database each run; the floor is a process that only reads every document's text from the
  same database; the naive baseline is one compiled regex alternation of every pattern
  (`\\b(?:p1|p2|...)\\b`), timed on a sample of documents and scaled to the corpus.
- 3 MB article: `suggest_all` of the pattern file's source and of a learned source (the
  sample's names) on the 3 MB article of first_paint.py (6,000 paragraphs, 3.7 MB of
  UTF-8), and the same naive regex (on a twentieth of it, scaled), in this process; the
  live learned source of `reader open --suggest` (reader.suggest.learned): its first run,
  one tag and one deletion done incrementally, and one tag done as it was before
  (every span text matched again).

Targets: corpus < 60 s; 3 MB article < 1 s. Wall-clock and CPU times (medians; corpus:
best of --repeat runs): on a busy machine the wall clock counts the other processes' turns
too, the CPU time much less so."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import PEOPLE, PLACES, prose_article, prose_paragraph

DOCUMENTS = 10_000
PATTERNS = 10_000
FIRST = ["Ana", "Boris", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana",
         "Karim", "Lena", "Milan", "Nadia", "Omar", "Petra", "Quinn", "Rosa", "Sami", "Tara"]


def pattern_names(count: int) -> list[str]:
    """`count` distinct names: the sample prose's people and places, then invented
    first-name + surname pairs, a fifth of them a surname alone."""
    rng = random.Random(11)
    names = list(dict.fromkeys([*PEOPLE, *PLACES]))
    seen = set(names)
    while len(names) < count:
        surname = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                          for _ in range(rng.randint(2, 4))).capitalize()
        name = surname if rng.random() < 0.2 else f"{rng.choice(FIRST)} {surname}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names[:count]


def write_corpus(path: Path, documents: int, names: list[str]) -> None:
    """JSONL of `documents` short reports (three paragraphs, about 2 KB) that mention a few
    of `names` each."""
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as out:
        for number in range(documents):
            paragraphs = [prose_paragraph(rng) for _ in range(3)]
            mentions = " ".join(f"{rng.choice(names)} spoke." for _ in range(3))
            text = f"Report {number}\n\n" + "\n\n".join(paragraphs) + f"\n\n{mentions}\n"
            out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")


def write_patterns(path: Path, names: list[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for name in names:
            out.write(json.dumps({"label": "actor", "pattern": name}) + "\n")


CHILD_FLOOR = r"""
import sqlite3, sys, time
start = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])
total = sum(len(text) for (text,) in conn.execute("SELECT text FROM documents"))
print(time.perf_counter() - start)
"""


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes that have ended so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def naive_regex(names: list[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b")


def machine_line() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
            f" {os.cpu_count()} CPUs, {platform.system()} {platform.release()};"
            f" load average {load}")


def corpus_case(args: argparse.Namespace, workdir: Path, names: list[str]) -> None:
    documents = max(1, round(DOCUMENTS * args.scale))
    corpus, patterns = workdir / "corpus.jsonl", workdir / "patterns.jsonl"
    pristine = workdir / "pristine.db"
    write_corpus(corpus, documents, names)
    write_patterns(patterns, names)
    env = {**os.environ, "READER_CONFIG": str(workdir / "reader.toml")}
    (workdir / "reader.toml").write_text('[[labels]]\nname = "actor"\n', encoding="utf-8")
    reader = [sys.executable, "-m", "reader"]
    subprocess.run([*reader, "import", str(corpus), "--db", str(pristine)], check=True,
                   capture_output=True, env=env)
    mb = pristine.stat().st_size / 1e6

    runs: list[float] = []
    cpus: list[float] = []
    floors: list[float] = []
    for _ in range(args.repeat):
        db = workdir / "run.db"
        for leftover in workdir.glob("run.db*"):
            leftover.unlink()
        shutil.copyfile(pristine, db)
        start, cpu = time.perf_counter(), children_cpu()
        subprocess.run([*reader, "suggest", "--db", str(db), "--patterns", str(patterns)],
                       check=True, capture_output=True, env=env)
        runs.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
        floor = subprocess.run([sys.executable, "-c", CHILD_FLOOR, str(db)], check=True,
                               capture_output=True, text=True)
        floors.append(float(floor.stdout))
    conn = sqlite3.connect(workdir / "run.db")
    (stored,) = conn.execute("SELECT count(*) FROM suggestions").fetchone()
    texts = [text for (text,) in conn.execute(
        "SELECT text FROM documents ORDER BY id LIMIT ?", (args.sample,))]
    conn.close()
    regex = naive_regex(names)
    start = time.perf_counter()
    for text in texts:
        sum(1 for _ in regex.finditer(text))
    naive = (time.perf_counter() - start) * documents / len(texts)

    print(f"\ncorpus: {documents:,} documents ({mb:.0f} MB database), {len(names):,} phrase"
          f" patterns, {stored:,} suggestions stored; best of {args.repeat}")
    print(f"  {'':<52} {'wall':>8}   {'CPU':>8}")
    print(f"  {'reader suggest --patterns (whole command)':<52} {min(runs):>8.2f} s"
          f" {min(cpus):>8.2f} s")
    print(f"  {'floor: read every text from SQLite':<52} {min(floors):>8.2f} s")
    print(f"  {f'naive regex alternation ({len(texts)} documents, scaled)':<52}"
          f" {naive:>8.2f} s")
    print("  target: reader suggest < 60 s")


def hand_over(article: str, first: Any, tagged: str) -> Callable[[], int]:
    """What the UI thread does with a learned run's result (`use_suggestions`), in a
    session on a scratch database: a tag's suggestions shown over the first run's."""
    from reader.annotate.session import AnnotationSession
    from reader.store.annotations import AnnotationStore
    from reader.store.database import connect
    from reader.store.documents import add_document
    from reader.text.loading import LoadedText

    conn = connect(Path(tempfile.mkdtemp(prefix="reader-bench-hand-over-")) / "a.db")
    document, _ = add_document(conn, LoadedText.from_text(article, "/article.txt"))
    session = AnnotationSession(AnnotationStore(conn, document.id, "bench"), article)
    session.reload()
    session.load_suggestions()
    states = [first.changed({(tagged, "topic"): 1}), first]
    session.use_suggestions(first.suggestions)

    def job() -> int:  # each run shows the other state: a tag, then its undo
        states.reverse()
        session.use_suggestions(states[0].suggestions)
        return len(session.suggestions)

    return job


def article_case(args: argparse.Namespace, names: list[str]) -> None:
    from reader.suggest.learned import learn
    from reader.suggest.sources import PhraseSource, learned_source, suggest_all
    from reader.text.matching import PhraseIndex

    article = prose_article(args.paragraphs, seed=3)
    rng = random.Random(9)
    article += "\n".join(f"{rng.choice(names)} and {rng.choice(PEOPLE)} met."
                         for _ in range(200))
    mb = len(article.encode("utf-8")) / 1e6
    patterns = PhraseSource("patterns:patterns.jsonl",
                            PhraseIndex((name, "actor") for name in names))
    learned = learned_source([(name, "actor", 1) for name in [*PEOPLE, *PLACES]])
    regex = naive_regex(names)

    def median(job: object, runs: int) -> tuple[float, float, int]:
        times, cpu_times, count = [], [], 0
        for _ in range(runs):
            start, cpu = time.perf_counter(), time.process_time()
            count = job()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
        return statistics.median(times), statistics.median(cpu_times), count

    sample = article[:len(article) // 20]  # the naive regex takes too long on all of it

    # The live learned source (`reader open --suggest`): its first run, then one edit, done
    # incrementally and, as before it was, by matching every span text again.
    rows = [(name, "actor", 1) for name in [*PEOPLE, *PLACES]]
    first = learn(article, 1, rows)
    assert first is not None
    tagged = " ".join(article.split()[40:42])  # a span text tagged for the first time
    cases = [
        (f"suggest_all: {len(names):,} patterns", lambda: len(suggest_all([patterns],
                                                                          article))),
        (f"suggest_all: learned ({len(learned.index)} span texts)",
         lambda: len(suggest_all([learned], article))),
        ("suggest_all: both", lambda: len(suggest_all([patterns, learned], article))),
        ("live learned: first run (learn)", lambda: len(learn(article, 1, rows).suggestions)),
        (f"live learned: a tag of {tagged!r}, incremental",
         lambda: len(replace(first, found=dict(first.found)).changed(
             {(tagged, "topic"): 1}).suggestions)),
        ("live learned: a deletion, incremental",
         lambda: len(first.changed({(PEOPLE[0], "actor"): -1}).suggestions)),
        ("live learned: a tag, every span text again (before)",
         lambda: len(suggest_all([learned_source([*rows, (tagged, "topic", 1)])], article))),
        ("live learned: handing a tag's result to the screen", hand_over(article, first,
                                                                          tagged)),
    ]
    print(f"\n3 MB article: {mb:.1f} MB, median of {args.runs}")
    print(f"  {'':<52} {'wall':>8}   {'CPU':>8}    {'found':>8}")
    for name, job in cases:
        seconds, cpu, count = median(job, args.runs)
        print(f"  {name:<52} {seconds:>8.3f} s {cpu:>8.3f} s  {count:>8,}")
    seconds, cpu, count = median(lambda: sum(1 for _ in regex.finditer(sample)), 1)
    print(f"  {f'naive regex alternation of {len(names):,} (a 20th, x20)':<52}"
          f" {seconds * 20:>8.3f} s {cpu * 20:>8.3f} s  {count * 20:>8,}")
    print("  target: < 1 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the 10,000 documents (default 1)")
    parser.add_argument("--patterns", type=int, default=PATTERNS)
    parser.add_argument("--paragraphs", type=int, default=6000,
                        help="paragraphs of the 3 MB article (default 6000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of reader suggest")
    parser.add_argument("--runs", type=int, default=5, help="runs per 3 MB case")
    parser.add_argument("--sample", type=int, default=200,
                        help="documents the naive regex is timed on")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--only", choices=("article", "corpus"), default=None,
                        help="run one case only")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reader-bench-suggest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    names = pattern_names(args.patterns)
    print(machine_line())
    if args.only != "corpus":
        article_case(args, names)
    if args.only != "article":
        corpus_case(args, workdir, names)


if __name__ == "__main__":
    main()

"""Benchmark search in a 100 MB article (issue 8: typing `treaty` froze the UI for 377 s;
a full search of 100 MB must complete in under 1 s), side by side with the old search.

    python benchmarks/bench_search.py             # 100 MB, median of 3 runs per case
    python benchmarks/bench_search.py --mb 10 --runs 1

The article is prose from `make_samples.prose_article` (with its curly quotes, so the text
is not latin-1 throughout), repeated to the size asked. The baseline is the old code, copied
here from `ArticleView.search` (git show 598fc98:reader/ui/widgets/article_view.py): one
`re.finditer` over the whole text, a list of Match tuples, run on the UI thread for every
key typed in the search bar. The new search is `reader.text.search.Search`, run the way
the worker runs it: a chunk at a time. "UI waits" is the longest a thread standing for the
UI waited to wake up while the search ran in another thread (median over the runs; it
sleeps 1 ms at a time, so 1 ms is the floor). The old search held the UI thread for all of
"old s". Old and new runs alternate, and every run of the new search is checked to find
exactly the old matches.
The byte path builds two small tables on its first use (about 0.1 s, once per process); a
warm-up search pays for them before the timed runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_samples import prose_article

from reader.text.search import CHUNK_SIZE, Search

QUERIES = [
    ("treaty", "the issue's query; not in this prose"),
    ("pumping station", "a phrase"),
    ("water", "a common word"),
    ("Water", "a capital: exact case"),
    ("the", "about 2 million matches"),
]
TYPED = "treaty"  # typed key by key: the old code searched every prefix


class Match(NamedTuple):
    start: int
    end: int


def old_search(text: str, query: str) -> list[Match]:
    """The old `ArticleView.search`, verbatim."""
    if not query:
        return []
    flags = 0 if any(char.isupper() for char in query) else re.IGNORECASE
    pattern = re.compile(re.escape(query), flags)
    return [Match(m.start(), m.end()) for m in pattern.finditer(text)]


def new_search(text: str, query: str) -> Search:
    """The new search as the worker runs it, a chunk at a time."""
    search = Search(text, query)
    for _fraction in search.steps():
        pass
    return search


def longest_ui_wait(text: str, query: str) -> float:
    """Run the new search in a thread, as the worker does, while this (the "UI") thread
    wakes every millisecond; the longest gap between two wake-ups is the longest a key or
    a repaint would wait (seconds). The GIL is what makes it more than a millisecond."""
    worker = threading.Thread(target=new_search, args=(text, query))
    longest = 0.0
    worker.start()
    before = time.perf_counter()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        longest = max(longest, now - before)
        before = now
    worker.join()
    return longest


T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def peak_mb(run: Callable[[], object]) -> float:
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def build(megabytes: float) -> str:
    base = prose_article(3000)
    size = int(megabytes * 1_000_000)
    text = (base * (size // len(base) + 1))[:size]
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="article size in MB (code points)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (median)")
    args = parser.parse_args()

    started = time.perf_counter()
    text = build(args.mb)
    print(f"article: {len(text):,} code points, {len(text.encode()) / 1e6:.0f} MB of UTF-8, "
          f"built in {time.perf_counter() - started:.1f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}\n")

    new_search(text[:2 * CHUNK_SIZE], "warm")  # the byte path's one-off tables (~0.1 s)
    print(f"{'query':<18} {'matches':>10} {'old s':>7} {'new s':>7} {'speed-up':>8} "
          f"{'UI waits':>12}")
    for query, note in QUERIES:
        old_times: list[float] = []
        new_times: list[float] = []
        waits: list[float] = []
        for _ in range(args.runs):
            seconds, old = timed(partial(old_search, text, query))
            old_times.append(seconds)
            seconds, search = timed(partial(new_search, text, query))
            new_times.append(seconds)
            waits.append(longest_ui_wait(text, query))
            assert [tuple(m) for m in search.result] == [tuple(m) for m in old], query
        old_s, new_s = statistics.median(old_times), statistics.median(new_times)
        print(f"{query!r:<18} {len(old):>10,} {old_s:>7.3f} {new_s:>7.3f} "
              f"{old_s / new_s:>7.1f}× {statistics.median(waits) * 1000:>9.1f} ms   {note}")

    # Typing the query key by key: the old code searched each prefix on the UI thread; the
    # new one waits for typing to pause (150 ms) and searches once, in the worker.
    prefixes = [TYPED[:n] for n in range(1, len(TYPED) + 1)]
    typing_old, _ = timed(lambda: [old_search(text, prefix) for prefix in prefixes])
    typing_new, _ = timed(partial(new_search, text, TYPED))
    print(f"\ntyping {TYPED!r} key by key: old {typing_old:.1f} s of frozen UI "
          f"({len(prefixes)} searches); new: one search of {typing_new:.2f} s in the worker")

    old_mb = peak_mb(partial(old_search, text, "the"))
    new_mb = peak_mb(partial(new_search, text, "the"))
    print(f"memory for the matches of 'the': old {old_mb:.0f} MB (a list of tuples), "
          f"new {new_mb:.0f} MB (an array of starts)")


if __name__ == "__main__":
    main()

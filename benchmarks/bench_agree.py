"""Benchmark `reader agree` on a big two-annotator database (issue 5: 10,000 documents and
1,000,000 spans in under 10 s), side by side with a naive baseline.

    python benchmarks/bench_agree.py              # the full size
    python benchmarks/bench_agree.py --scale 0.1  # a tenth of it, for a quick run

The database is written straight with SQL (the store API would take minutes for a million
spans); annotator "bob" copies "ann" with realistic noise: most spans equal, some with
another label, shifted boundaries, dropped or extra. The naive baseline is the obvious
code (every span against every span of the document, every token against every span); it
runs on a sample of documents and is extrapolated linearly (it is worse than linear in
the spans per document, so the extrapolation flatters it). It also cross-checks figures:
on that sample its overall F1 and kappa must equal ours."""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.store.database import connect, now_iso, transaction
from reader.team.agreement import compare
from reader.text.loading import text_sha256
from reader.text.tokens import tokenize

FULL_DOCUMENTS = 10_000
SPANS_PER_DOCUMENT = 100  # both annotators together: 1,000,000 spans at full size
TARGET_SECONDS = 10.0
LABELS = ["PER", "ORG", "LOC", "DATE", "MISC"]
WORDS = [
    "the", "minister", "said", "on", "monday", "that", "talks", "with", "officials", "in",
    "moscow", "would", "continue", "despite", "tension", "over", "sanctions", "energy",
    "prices", "and", "war", "ukraine", "europe", "agreed", "a", "new", "plan", "for", "trade",
    "border", "security", "after", "meeting", "lavrov", "mirzoyan", "armenia", "russia",
]


def make_text(rng: random.Random) -> str:
    """About 3,000 characters of sentences, like a news article."""
    sentences = []
    length = 0
    while length < 3000:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 25))]
        sentence = " ".join(words).capitalize() + rng.choice([".", ".", "?", ",", ";"])
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def annotate(rng: random.Random, text: str, count: int) -> tuple[list, list]:
    """Spans of ann and a noisy copy for bob, token-aligned, `count` in all on average."""
    tokens = tokenize(text)
    per_annotator = count // 2
    step = max(len(tokens) // per_annotator, 2)
    ann = []
    for index in range(per_annotator):
        first = min(index * step, len(tokens) - 1)
        last = min(first + rng.randint(0, min(3, step - 1)), len(tokens) - 1)
        ann.append((tokens[first].start, tokens[last].end, rng.choice(LABELS)))
    bob = []
    for start, end, label in ann:
        roll = rng.random()
        if roll < 0.70:
            bob.append((start, end, label))
        elif roll < 0.80:
            bob.append((start, end, rng.choice([name for name in LABELS if name != label])))
        elif roll < 0.90:
            bob.append((start, max(end - 1, start + 1), label))
        else:
            spot = tokens[rng.randrange(len(tokens))]
            bob.append((spot.start, spot.end, rng.choice(LABELS)))
    return ann, bob


def build(path: Path, documents: int, seed: int = 5) -> dict[int, tuple[str, list, list]]:
    """Write the database; return a small sample (id -> text, ann, bob) for the baseline."""
    rng = random.Random(seed)
    conn = connect(path)
    stamp = now_iso()
    sample: dict[int, tuple[str, list, list]] = {}
    uid = 0
    with transaction(conn):
        for document_id in range(1, documents + 1):
            text = make_text(rng)
            conn.execute(
                "INSERT INTO documents (id, sha256, source, title, text, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (document_id, text_sha256(text), f"bench://{document_id}",
                 f"document {document_id}", text, stamp, stamp),
            )
            ann, bob = annotate(rng, text, SPANS_PER_DOCUMENT)
            rows = []
            for annotator, spans in (("ann", ann), ("bob", bob)):
                for start, end, label in spans:
                    uid += 1
                    rows.append((f"{uid:032x}", document_id, start, end, label,
                                 text[start:end], annotator, stamp, stamp))
            conn.executemany(
                "INSERT INTO annotations (uid, document_id, start, end, label, text, annotator,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            if document_id <= 100:
                sample[document_id] = (text, ann, bob)
    conn.close()
    return sample


def naive(sample: dict[int, tuple[str, list, list]]) -> tuple[float, float, float]:
    """The obvious agreement code: (exact F1, partial F1, kappa) by nested loops."""
    exact = partial_a = partial_b = count_a = count_b = 0
    labels_a: list[str] = []
    labels_b: list[str] = []
    for text, ann, bob in sample.values():
        ann_set, bob_set = set(ann), set(bob)
        count_a += len(ann_set)
        count_b += len(bob_set)
        exact += sum(1 for span in ann_set if span in bob_set)
        partial_a += sum(
            1 for a in ann_set if any(a[2] == b[2] and a[0] < b[1] and b[0] < a[1] for b in bob_set)
        )
        partial_b += sum(
            1 for b in bob_set if any(a[2] == b[2] and a[0] < b[1] and b[0] < a[1] for a in ann_set)
        )
        for token in tokenize(text):
            for spans, out in ((ann_set, labels_a), (bob_set, labels_b)):
                covering = [s for s in spans if s[0] < token.end and token.start < s[1]]
                out.append(min(covering)[2]
                           if covering else "O")
    total = len(labels_a)
    agree = sum(1 for x, y in zip(labels_a, labels_b, strict=True) if x == y)
    categories = set(labels_a) | set(labels_b)
    expected = sum(labels_a.count(c) * labels_b.count(c) for c in categories)
    kappa = (total * agree - expected) / (total * total - expected)
    recall, precision = partial_a / count_a, partial_b / count_b
    return (2 * exact / (count_a + count_b), 2 * precision * recall / (precision + recall), kappa)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of `reader agree`")
    args = parser.parse_args()
    documents = max(int(FULL_DOCUMENTS * args.scale), 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        sample = build(path, documents)
        (spans,) = connect(path).execute("SELECT COUNT(*) FROM annotations").fetchone()
        print(f"built {documents:,} documents, {spans:,} spans in "
              f"{time.perf_counter() - started:.1f} s")

        modes = {
            "reader agree --jobs 1 (one process)": ["--jobs", "1"],
            "reader agree (default: one per CPU)": [],
            "reader agree --json": ["--json"],
        }
        timings: dict[str, tuple[float, float]] = {}
        for name, extra in modes.items():
            command = ["reader", "agree", "--db", str(path), *extra]
            best = (float("inf"), 0.0)
            for _ in range(args.runs):
                before = _children_cpu()
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                wall = time.perf_counter() - started
                best = min(best, (wall, _children_cpu() - before))
            timings[name] = best
            if "--json" in extra:
                overall = json.loads(done.stdout)["pairs"][0]["overall"]

        started = time.perf_counter()
        naive_figures = naive(sample)
        naive_seconds = (time.perf_counter() - started) * documents / len(sample)
        ours = compare(
            {k: v[0] for k, v in sample.items()},
            [(k, *span) for k, v in sample.items() for span in v[1]],
            [(k, *span) for k, v in sample.items() for span in v[2]],
        ).overall
        ours_figures = (ours.exact_f1, ours.partial_f1, ours.kappa)
        if any(abs(x - y) > 1e-12 for x, y in zip(ours_figures, naive_figures, strict=True)):
            sys.exit(f"figures differ on the sample: ours {ours_figures}, naive {naive_figures}")

    target = TARGET_SECONDS * args.scale
    print(f"\n{'what':<48} {'seconds':>9} {'cpu s':>7} {'target':>8}")
    for name, (seconds, cpu) in timings.items():
        label = f"{name}, best of {args.runs}"
        print(f"{label:<48} {seconds:>9.2f} {cpu:>7.2f} {target:>8.1f}")
    print(f"{'naive baseline, one process (extrapolated)':<48} {naive_seconds:>9.2f}")
    print("(cpu s: user + system time of the command and its worker processes)")
    print(f"\noverall: exact F1 {overall['exact_f1']:.3f}, partial F1 {overall['partial_f1']:.3f},"
          f" token kappa {overall['kappa']:.3f}, unitizing alpha {overall['alpha_u']:.3f};"
          f" naive figures (F1, kappa) match ours on "
          f"{len(sample)} documents")


if __name__ == "__main__":
    main()

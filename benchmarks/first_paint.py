"""First paint, key repaint and peak memory of `reader open`, side by side with Textual baselines.

Run from the repository root with reader installed: `python benchmarks/first_paint.py`
(`--help` for options). Everything runs in a real pseudo-terminal of a fixed size, in one go,
cases interleaved round by round so that machine noise hits them all alike.

Method
- First paint: the time from spawning the process until a marker (the opening words of the
  article's first body paragraph, or "Hello") appears in the terminal output. ANSI escape
  sequences are stripped from the whole output before searching, so text that Textual writes
  as several styled segments is still found.
- reader runs get a throwaway READER_DB, HOME and XDG folders. One untimed warm-up open per
  file stores the document; each timed "reopen" run starts from a fresh copy of that database
  (reading position at the top). "first open" runs start from an empty database each time.
- Key repaint (3 MB cases): once the first screen is up and the output has been quiet for
  100 ms, a key is sent and timed until the expected content has arrived (for G, the words of
  the article's last paragraph; for PgDn, at least 40 new visible characters) and the output
  has then been quiet for 30 ms; the figure is the time of the last byte of that burst.
  Three PgDn presses, then G, per run.
- Peak memory: VmHWM (peak resident set) of the process from /proc/PID/status, read just
  before sending q (Linux only).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import platform
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from make_samples import prose_article  # noqa: E402  (a sibling script, not a package)

SMALL_ARTICLE = ROOT / "sample_articles" / "mirzoyan-lavrov-moscow-meeting.txt"
LAST_PARAGRAPH = "Closing note: this is the last paragraph of the benchmark article."
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, clipboard, hyperlinks
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS and other string sequences
    r"|\x1b[@-Z\\-_]|\x1b[ -/][@-~]"  # two- and three-byte escapes
)
PAGE_DOWN = b"\x1b[6~"


def visible(raw: bytes) -> str:
    """What the terminal output says once the escape sequences are taken out."""
    return ANSI.sub("", raw.decode("utf-8", errors="replace"))


class RunFailed(Exception):
    """One run did not get where it should; the message says how far it got."""


class PtyProcess:
    """A program running in a pseudo-terminal of a given size, with its output timestamped."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, cols: int,
                 rows: int) -> None:
        self.argv = argv
        self.raw = bytearray()
        self.last_output = 0.0
        self.eof = False
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd

    def read_some(self, timeout: float) -> bool:
        """Wait up to `timeout` for output and take it in; False if nothing came."""
        if self.eof:
            time.sleep(max(timeout, 0))
            return False
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError as error:  # EIO: the program closed the terminal (it exited)
            if error.errno != errno.EIO:
                raise
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.raw += chunk
        self.last_output = time.perf_counter()
        return True

    def wait_until(self, condition: Callable[[str], bool], since: int, timeout: float,
                   what: str) -> float:
        """Read until `condition` holds for the visible output after byte `since`; returns
        the time it first held (perf_counter)."""
        deadline = time.perf_counter() + timeout
        while True:
            if condition(visible(bytes(self.raw[since:]))):
                return self.last_output
            if self.eof:
                raise RunFailed(f"exited (status {self.close()}) before {what}; "
                                f"output: {self.tail()}")
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise RunFailed(f"no {what} after {timeout:.0f}s; output: {self.tail()}")
            self.read_some(min(remaining, 0.5))

    def settle(self, quiet: float, max_wait: float = 3.0) -> float:
        """Read until the output has been quiet for `quiet` seconds; the last byte's time."""
        deadline = time.perf_counter() + max_wait
        while not self.eof:
            remaining = quiet - (time.perf_counter() - self.last_output)
            if remaining <= 0 or time.perf_counter() > deadline:
                break
            self.read_some(remaining)
        return self.last_output

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def peak_rss_mb(self) -> float | None:
        """VmHWM, the peak resident set size, in MB (None where /proc is not available)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else None

    def tail(self, chars: int = 300) -> str:
        text = " ".join(visible(bytes(self.raw)).split())
        return repr(text[-chars:]) if text else "(nothing)"

    def close(self, quit_key: bytes | None = None, timeout: float = 5.0) -> int | None:
        """Ask the program to quit (or kill it), drain its output and reap it."""
        if quit_key is not None and not self.eof:
            with contextlib.suppress(OSError):
                self.send(quit_key)
        deadline = time.perf_counter() + timeout
        while not self.eof and time.perf_counter() < deadline:
            self.read_some(0.1)
        status = self._reap(block=False)
        if status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            status = self._reap(block=True)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        return status

    def _reap(self, block: bool) -> int | None:
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return getattr(self, "_status", None)
        if pid == 0:
            return None
        self._status = os.waitstatus_to_exitcode(status)
        return self._status


@dataclass
class Case:
    """One row of the table: a command, the marker that means "painted", and its set-up."""

    label: str
    argv: list[str]
    marker: str
    db: str = "none"  # "none", "reopen" (copy of the warm database) or "fresh" (empty)
    keys: dict[str, tuple[bytes, str | None]] = field(default_factory=dict)
    quit_key: bytes = b"q"
    paint: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    key_times: dict[str, list[float]] = field(default_factory=dict)
    error: str | None = None


def body_marker(text: str) -> str:
    """The opening words of the first paragraph after the title: a paragraph starts a
    screen line, so its first words are never split by wrapping."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    words: list[str] = []
    for word in lines[1].split():
        words.append(word)
        if len(" ".join(words)) >= 25:
            break
    return " ".join(words)


def find_reader(explicit: str | None) -> str | None:
    """The installed reader next to this Python (skipping e.g. pyenv's shim), else PATH's."""
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "reader"
    return str(beside) if beside.exists() else shutil.which("reader")


def make_env(home: Path, db: Path | None) -> dict[str, str]:
    """The inherited environment minus what would change the app's size or behaviour."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("COLUMNS", "LINES", "TMUX", "READER_CONFIG")
           and not key.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), READER_ANNOTATOR="bench")
    if db is not None:
        env["READER_DB"] = str(db)
    return env


def copy_database(template: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")


def forget_reading_positions(db: Path | None) -> None:
    """The warm-up pressed keys (G), and reader remembers where each reader left off; every
    timed reopen must start at the top like a first visit, so the template forgets that."""
    if db is None or not db.exists():
        return
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM progress")


def run_once(case: Case, args: argparse.Namespace, work: Path, template: Path | None,
             run_id: str, record: bool = True) -> Path | None:
    """One run of `case`; records its figures (unless a warm-up) and returns its database."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{run_id}-", dir=work))
    db = run_dir / "annotations.db" if case.db != "none" else None
    if case.db == "reopen" and template is not None and db is not None:
        copy_database(template, db)
    process = PtyProcess(case.argv, make_env(run_dir, db), run_dir, args.cols, args.rows)
    try:
        painted = process.wait_until(lambda text: case.marker in text, 0, args.timeout,
                                     f"first paint ({case.marker!r})")
        paint = painted - process.started
        key_times: dict[str, float] = {}
        for name, (key, expected) in case.keys.items():
            process.settle(quiet=0.1)
            since, sent = len(process.raw), time.perf_counter()
            process.send(key)
            if expected is None:  # PgDn: at least 40 new visible characters
                process.wait_until(lambda text: len("".join(text.split())) >= 40, since,
                                   args.timeout, f"repaint after {name}")
            else:
                process.wait_until(lambda text, e=expected: e in text, since, args.timeout,
                                   f"repaint after {name} showing {expected!r}")
            key_times[name] = process.settle(quiet=0.03) - sent
        rss = process.peak_rss_mb()
    except RunFailed:
        process.close()
        raise
    status = process.close(case.quit_key)
    if status not in (0, None):
        raise RunFailed(f"exit status {status} after quitting; {process.tail()}")
    if record:
        case.paint.append(paint)
        if rss is not None:
            case.rss.append(rss)
        for name, seconds in key_times.items():
            case.key_times.setdefault(name.split("#")[0], []).append(seconds)
    return db


def build_cases(args: argparse.Namespace, reader: str | None, big: Path) -> list[Case]:
    python = sys.executable
    hello = str(HERE / "baselines" / "hello_app.py")
    textarea = str(HERE / "baselines" / "textarea_app.py")
    small_marker = body_marker(args.small.read_text(encoding="utf-8"))
    big_marker = body_marker(big.read_text(encoding="utf-8"))
    pages = {f"PgDn#{n}": (PAGE_DOWN, None) for n in range(3)}
    reader_keys = {**pages, "G": (b"G", LAST_PARAGRAPH)}
    textarea_keys = reader_keys  # the baseline app binds G to the end of the document
    cases = [
        Case("hello-world (Textual)", [python, hello], "Hello"),
        Case("TextArea baseline, 3 KB", [python, textarea, str(args.small)], small_marker),
        Case("TextArea baseline, 3 MB", [python, textarea, str(big)], big_marker,
             keys=textarea_keys if not args.no_keys else {}),
    ]
    if reader is not None and not args.baselines_only:
        cases += [
            Case("reader open, 3 KB", [reader, "open", str(args.small)], small_marker, "reopen"),
            Case("reader open, 3 MB", [reader, "open", str(big)], big_marker, "reopen",
                 keys=reader_keys if not args.no_keys else {}),
            Case("reader first open, 3 KB", [reader, "open", str(args.small)], small_marker,
                 "fresh"),
            Case("reader first open, 3 MB", [reader, "open", str(big)], big_marker, "fresh"),
        ]
    return cases


def median_min(values: list[float], scale: float = 1.0, digits: int = 3) -> tuple[str, str]:
    if not values:
        return "n/a", "n/a"
    return (f"{statistics.median(values) * scale:.{digits}f}",
            f"{min(values) * scale:.{digits}f}")


def report(cases: list[Case], args: argparse.Namespace, big: Path) -> None:
    import textual

    print(f"\nfirst paint in a {args.cols}x{args.rows} pty, {args.runs} runs each; "
          f"Python {platform.python_version()}, Textual {textual.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}")
    print(f"3 KB article: {args.small.name} ({args.small.stat().st_size:,} bytes); "
          f"3 MB article: generated, {big.stat().st_size:,} bytes\n")
    print("| case | first paint median (s) | min (s) | peak RSS median (MB) | runs |")
    print("|---|---:|---:|---:|---:|")
    for case in cases:
        median, minimum = median_min(case.paint)
        rss = f"{statistics.median(case.rss):.0f}" if case.rss else "n/a"
        print(f"| {case.label} | {median} | {minimum} | {rss} | {len(case.paint)} |")

    keyed = [case for case in cases if case.key_times]
    if keyed:
        print("\n| case | key | repaint median (ms) | min (ms) | max (ms) | samples |")
        print("|---|---|---:|---:|---:|---:|")
        for case in keyed:
            for key, times in case.key_times.items():
                median, minimum = median_min(times, 1000, 1)
                print(f"| {case.label} | {key} | {median} | {minimum} | "
                      f"{max(times) * 1000:.1f} | {len(times)} |")

    by_label = {case.label: case for case in cases}

    def ratio(top: str, bottom: str, target: float) -> None:
        a, b = by_label.get(top), by_label.get(bottom)
        if a is None or b is None or not a.paint or not b.paint:
            print(f"  {top} / {bottom}: n/a (target <= {target})")
            return
        value = statistics.median(a.paint) / statistics.median(b.paint)
        verdict = "ok" if value <= target else "MISSED"
        print(f"  {top} / {bottom}: {value:.2f} (target <= {target}) {verdict}")

    print("\nratios of medians:")
    ratio("reader open, 3 MB", "reader open, 3 KB", 1.1)
    ratio("reader open, 3 MB", "TextArea baseline, 3 MB", 0.25)
    ratio("reader open, 3 KB", "hello-world (Textual)", 1.2)
    reader_big = by_label.get("reader open, 3 MB")
    if reader_big is not None and (reader_big.key_times or reader_big.rss):
        for key, times in reader_big.key_times.items():
            slowest = statistics.median(times) * 1000
            print(f"  reader 3 MB {key} repaint median: {slowest:.1f} ms (target < 50) "
                  f"{'ok' if slowest < 50 else 'MISSED'}")
        if reader_big.rss:
            peak = max(reader_big.rss)
            print(f"  reader 3 MB peak RSS (max over runs): {peak:.0f} MB (target <= 150) "
                  f"{'ok' if peak <= 150 else 'MISSED'}")
    for case in cases:
        if case.error:
            print(f"\n{case.label} FAILED: {case.error}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--size", default="120x40", help="terminal COLSxROWS (default 120x40)")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds a run may take to paint (or repaint) before it fails")
    parser.add_argument("--reader", default=None,
                        help="the reader command (default: the one installed with this Python)")
    parser.add_argument("--small", type=Path, default=SMALL_ARTICLE,
                        help="the small article (default: the 3 KB sample)")
    parser.add_argument("--paragraphs", type=int, default=6000,
                        help="paragraphs in the generated big article (default 6000, ~3 MB)")
    parser.add_argument("--baselines-only", action="store_true",
                        help="skip the reader cases (to check the harness itself)")
    parser.add_argument("--no-keys", action="store_true", help="skip the key repaint timings")
    args = parser.parse_args()
    args.cols, args.rows = (int(part) for part in args.size.lower().split("x"))
    return args


def compile_reader_bytecode() -> None:
    """`pip install .` leaves compiled bytecode; an editable install under
    PYTHONDONTWRITEBYTECODE has none, and would pay ~40 ms compiling reader at every start.
    Measure reader as installed: make sure its bytecode exists."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("reader")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=1)


def main() -> None:
    args = parse_args()
    reader = find_reader(args.reader)
    compile_reader_bytecode()
    if reader is None and not args.baselines_only:
        print("reader is not installed (pip install .); running the baselines only",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        work = Path(folder)
        big = work / "big-article.txt"
        text = prose_article(args.paragraphs, seed=3, title="Benchmark Article: a Long Report",
                             sentences=(3, 5))
        big.write_text(text + "\n" + LAST_PARAGRAPH + "\n", encoding="utf-8")
        cases = build_cases(args, reader, big)

        # Warm-up: one untimed run per case (disk cache, bytecode); for reader it also
        # stores each document, and that database is what every "reopen" run starts from.
        templates: dict[str, Path | None] = {}
        for case in cases:
            key = case.argv[-1]
            try:
                db = run_once(case, args, work, templates.get(key), "warmup", record=False)
            except RunFailed as failure:
                case.error = str(failure)
                print(f"{case.label}: warm-up failed, skipping: {failure}", file=sys.stderr)
                continue
            if case.db == "reopen":
                forget_reading_positions(db)
                templates[key] = db

        live = [case for case in cases if case.error is None]
        for round_number in range(args.runs):
            print(f"round {round_number + 1}/{args.runs}", file=sys.stderr)
            for case in live:
                if case.error is not None:  # failed in an earlier round: give up on it
                    continue
                try:
                    run_once(case, args, work, templates.get(case.argv[-1]),
                             f"r{round_number}")
                except RunFailed as failure:
                    case.error = str(failure)
                    print(f"{case.label}: run failed: {failure}", file=sys.stderr)
        report(cases, args, big)


if __name__ == "__main__":
    main()

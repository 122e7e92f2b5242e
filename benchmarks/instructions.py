"""Instructions executed until the first paint, counted by valgrind's callgrind.

Run from the repository root: `python benchmarks/instructions.py` (`--help` for options).
Wall-clock start-up on a shared machine moves by ±20% between runs; the number of
instructions a process executes does not, so this is the figure to compare a change by.

Method
- Each case runs under `valgrind --tool=callgrind` in a pseudo-terminal of 120x40 (the real
  Linux driver, as in `first_paint.py`), with PYTHONHASHSEED=0.
- A small wrapper (`stop_at.py`) starts the program as its console script
  would, and ends the process (`os._exit`) at a stage:
  - `imports`: once the entry module is imported (textual.app for hello-world; reader.cli,
    the entry point, for reader: `reader open FILE` starts without click, so next to nothing);
  - `app`: when `App.run` is called (for reader: config, file and database work done);
  - `paint`: when the text written to the terminal, escape sequences removed, first
    contains the marker (the article's opening words, or "Hello").
- The total is callgrind's "summary" line (instructions, Ir).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from first_paint import (  # noqa: E402  (a sibling script, not a package)
    LAST_PARAGRAPH,
    SMALL_ARTICLE,
    body_marker,
    compile_reader_bytecode,
    copy_database,
    find_reader,
    forget_reading_positions,
    make_env,
)
from make_samples import prose_article  # noqa: E402

STAGES = ("imports", "app", "paint")


def count(argv: list[str], env: dict[str, str], cwd: Path, out: Path) -> int:
    """Run `argv` under callgrind in a 120x40 pty; the instructions it executed."""
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
               f"--log-file={out}.log", *argv]
    pid, fd = pty.fork()
    if pid == 0:
        try:
            import fcntl
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.chdir(cwd)
            os.execvpe(command[0], command, env)
        finally:
            os._exit(127)
    while True:  # drain the output until the program is gone
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                if not os.read(fd, 1 << 16):
                    break
            except OSError:
                break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    summary = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
    if os.waitstatus_to_exitcode(status) != 0 or summary is None:
        raise SystemExit(f"{' '.join(argv)} failed: {Path(f'{out}.log').read_text()[-2000:]}")
    return int(summary.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", default=",".join(STAGES),
                        help="comma-separated stages to count (default: all)")
    parser.add_argument("--cases", default="hello,3kb,3mb",
                        help="comma-separated cases: hello, 3kb, 3mb (default: all three)")
    args = parser.parse_args()
    reader = find_reader(None)
    if reader is None:
        raise SystemExit("reader is not installed beside this Python")
    compile_reader_bytecode()
    stop_at = str(HERE / "stop_at.py")
    stages = args.stages.split(",")
    with tempfile.TemporaryDirectory(prefix="reader-instructions-") as folder:
        work = Path(folder)
        big = work / "big-article.txt"
        big.write_text(prose_article(6000, seed=3, title="Benchmark Article: a Long Report",
                                     sentences=(3, 5)) + "\n" + LAST_PARAGRAPH + "\n",
                       encoding="utf-8")
        template = work / "template.db"
        articles = {"3kb": SMALL_ARTICLE, "3mb": big}
        for article in articles.values():  # stored once, as every timed run reopens it
            subprocess.run([sys.executable, stop_at, "app", "-", reader, "reader.cli", "open",
                            str(article)], env=make_env(work, template), cwd=work, check=True)
        forget_reading_positions(template)
        cases = {
            "hello": ("hello-world (Textual)", "Hello", str(HERE / "baselines" / "hello_app.py"),
                      "textual.app", []),
            **{key: (f"reader open, {key[:-2]} {key[-2:].upper()}",
                     body_marker(article.read_text(encoding="utf-8")), reader, "reader.cli",
                     ["open", str(article)]) for key, article in articles.items()},
        }
        print("instructions (millions) until each stage, 120x40 pty")
        print("| case | " + " | ".join(stages) + " |")
        print("|---|" + "---:|" * len(stages))
        for key in args.cases.split(","):
            label, marker, script, module, rest = cases[key]
            cells = []
            for stage in stages:
                run_dir = Path(tempfile.mkdtemp(dir=work))
                db = run_dir / "annotations.db"
                copy_database(template, db)
                env = {**make_env(run_dir, db), "PYTHONHASHSEED": "0"}
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                total = count([sys.executable, stop_at, stage, marker, script, module, *rest],
                              env, run_dir, run_dir / "callgrind.out")
                cells.append(f"{total / 1e6:,.0f}")
            print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

"""Where `reader open`'s start-up time goes, stage by stage, beside Textual's hello world.

Run from the repository root with reader installed: `python benchmarks/startup_profile.py`.
Each run is a fresh Python process (imports are what start-up pays for), the two apps
interleaved round by round; the medians are printed as a table. The first paint here is
Textual's headless one (the first refresh after mount): the full pty measurement is
`first_paint.py`; this script says which stage the difference comes from.

Stages (cumulative clock from the process's own start, `time.perf_counter` at each point):
- imports: what the entry point imports before anything runs (click and reader.cli for
  reader; textual.app for hello world);
- app imports: reader.ui.app and the store and text modules `launch` uses;
- database: open (and migrate if needed), read the file, store or find the document;
- first paint: App constructed, mounted, and its first frame rendered (headless).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "sample_articles" / "mirzoyan-lavrov-moscow-meeting.txt"

HELLO = r"""
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static
t1 = time.perf_counter()

class Hello(App[None]):
    def compose(self):
        yield Static("Hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        self.painted = time.perf_counter()
        self.exit()

app = Hello()
app.run(headless=True, size=(120, 40))
import json
print(json.dumps({"imports": t1 - t0, "app imports": t1 - t0, "database": t1 - t0,
                  "first paint": app.painted - t0}))
"""

READER = r"""
import time
t0 = time.perf_counter()
import click, reader.cli
t1 = time.perf_counter()
from pathlib import Path
from reader.annotate.labels import Config
from reader.store.database import connect
from reader.store.documents import add_document, get_progress
from reader.text.loading import load_text
from reader.ui.app import Session, make_app
t2 = time.perf_counter()
loaded = load_text(Path(ARTICLE))
conn = connect(Path(DB))
document, _ = add_document(conn, loaded)
session = Session(conn=conn, document=document, annotator="bench", config=Config(),
                  progress=get_progress(conn, document.id, "bench"))
t3 = time.perf_counter()
app = make_app(session)

def painted():
    app.painted = time.perf_counter()
    app.exit()

app.call_later(lambda: app.call_after_refresh(painted))
app.run(headless=True, size=(120, 40))
import json
print(json.dumps({"imports": t1 - t0, "app imports": t2 - t0, "database": t3 - t0,
                  "first paint": app.painted - t0}))
"""


def run(code: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    stages: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return stages


def main(runs: int = 9) -> None:
    import compileall

    compileall.compile_dir(ROOT / "reader", quiet=1)  # as `pip install .` leaves it
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        reader_code = READER.replace("ARTICLE", repr(str(ARTICLE))).replace("DB", repr(str(db)))
        run(reader_code)  # stores the document and warms the bytecode cache
        results: dict[str, list[dict[str, float]]] = {"hello world": [], "reader": []}
        for _ in range(runs):
            results["hello world"].append(run(HELLO))
            results["reader"].append(run(reader_code))
    stages = ["imports", "app imports", "database", "first paint"]
    print(f"headless start-up, {runs} runs each, medians in ms (cumulative from process start)")
    print("| stage | hello world | reader | reader - hello |")
    print("|---|---:|---:|---:|")
    for stage in stages:
        hello = statistics.median(r[stage] for r in results["hello world"]) * 1000
        ours = statistics.median(r[stage] for r in results["reader"]) * 1000
        print(f"| {stage} | {hello:.0f} | {ours:.0f} | {ours - hello:+.0f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)

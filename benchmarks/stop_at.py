"""Run a program as its console script would, and end the process at a stage of its start.

Used by `instructions.py` under valgrind: `python stop_at.py STAGE MARKER SCRIPT MODULE
ARGS...`. It imports only what the program imports anyway, so it adds next to nothing to
the count. Stages: `imports` (MODULE imported), `app` (`App.run` called), `paint` (the
terminal output, escape sequences removed, contains MARKER)."""

from __future__ import annotations

import os
import re
import runpy
import sys

ANSI = re.compile(  # as in first_paint.py
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[@-Z\\-_]|\x1b[ -/][@-~]"
)


def main(stage: str, marker: str, script: str, module: str, argv: list[str]) -> None:
    if stage == "imports":
        __import__(module)
        os._exit(0)
    from textual.app import App
    from textual.drivers.linux_driver import LinuxDriver

    if stage == "app":
        App.run = lambda self, *args, **kwargs: os._exit(0)  # type: ignore[method-assign]
    else:
        written: list[str] = []
        original = LinuxDriver.write

        def write(self: LinuxDriver, data: str) -> None:
            original(self, data)
            written.append(data)
            if marker in ANSI.sub("", "".join(written)):
                self.flush()
                os._exit(0)

        LinuxDriver.write = write  # type: ignore[method-assign]
    sys.argv = [script, *argv]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])

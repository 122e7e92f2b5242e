"""End-to-end harness: the installed `reader` command in a real terminal (tmux).

What runs is what users run: the console script installed by `pip install .`, in a detached
tmux session of a fixed size, with its own tmux server (private socket, no user tmux.conf)
and a throwaway HOME, XDG folders and READER_DB, so the developer's data is never touched.

Fixtures:

- ``terminal``: a :class:`TmuxTerminal`, not yet running anything. Typical use::

      @pytest.mark.e2e
      def test_opens_article(terminal, sample_articles):
          terminal.run("open", str(sample_articles / "mirzoyan-lavrov-moscow-meeting.txt"))
          screen = terminal.wait_for("Mirzoyan and Lavrov")   # polls capture-pane
          terminal.send_keys("G")                             # tmux key names
          terminal.wait_for("last words of the article")
          terminal.send_keys("q")
          assert terminal.wait_for_exit() == 0

  ``send_keys`` takes tmux key names ("j", "G", "Enter", "Escape", "Space", "PageDown",
  "C-d", "Up"); ``type_text`` sends a string literally (for search queries). ``capture``
  returns the screen as text, one line per row. ``wait_for``/``wait_until`` poll it until
  the text appears (or the predicate holds) and fail with the last screen shown.
  ``resize(width, height)`` changes the window size. ``db_path`` is the database in use.
- ``reader_env``: the isolated environment (dict) for running `reader` with subprocess.
- ``installed_reader``: the path of the installed `reader` console script.
- ``sample_articles``: the repository's sample_articles/ folder.

Tests here are skipped only when tmux is missing (CI installs it); a missing `reader` command
is a failure, because then the package was not installed the way the README says.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

WIDTH, HEIGHT = 100, 30
POLL_SECONDS = 0.05
TMUX_CONF = """\
set -g default-terminal "xterm-256color"
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 2000
"""
# Variables from the developer's shell that would leak into the app under test. pytest-xdist
# workers set COLUMNS=80 and LINES=24, which Textual takes over the real pane size.
LEAKY_VARIABLES = ("TMUX", "TMUX_PANE", "READER_CONFIG", "READER_ANNOTATOR", "READER_DEBUG",
                   "COLUMNS", "LINES")


class TmuxTerminal:
    """One detached tmux session of a fixed size running `reader` (see the module docstring)."""

    def __init__(self, reader: Path, env: dict[str, str], workdir: Path,
                 width: int = WIDTH, height: int = HEIGHT) -> None:
        self.reader = reader
        self.env = env
        self.workdir = workdir
        self.width = width
        self.height = height
        # A short private socket path: unix sockets are limited to ~100 bytes.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="rdr-tmux-"))
        self._socket = self._socket_dir / "s"
        self._config = self._socket_dir / "tmux.conf"
        self._config.write_text(TMUX_CONF)
        self._status_file = self._socket_dir / "exit-status"
        self._started = False

    @property
    def db_path(self) -> Path:
        return Path(self.env["READER_DB"])

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this terminal's private server; returns its stdout."""
        command = ["tmux", "-u", "-S", str(self._socket), "-f", str(self._config), *args]
        result = subprocess.run(command, env=self.env, capture_output=True, text=True,
                                timeout=10, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(command)} failed: {result.stderr.strip()}")
        return result.stdout

    def run(self, *args: str) -> None:
        """Start `reader ARGS` in the pane, replacing whatever ran there before."""
        if not self._started:
            # A placeholder first, so the pane has its final size before reader starts.
            self.tmux("new-session", "-d", "-s", "reader", "-x", str(self.width),
                      "-y", str(self.height), "-c", str(self.workdir), "sleep 86400")
            self._started = True
        # The exit code goes to a file (tmux 3.3 sometimes loses #{pane_dead_status}), and the
        # short sleep keeps the pty open until tmux has read the last output (it can drop
        # what a quickly exiting program printed).
        self._status_file.unlink(missing_ok=True)
        status = shlex.quote(str(self._status_file))
        command = (f"{shlex.join([str(self.reader), *args])}; echo $? > {status}.tmp;"
                   f" mv {status}.tmp {status}; sleep 0.2")
        self.tmux("respawn-pane", "-k", "-t", "reader", "-c", str(self.workdir), command)

    def send_keys(self, *keys: str) -> None:
        """Press keys, given as tmux key names: "j", "G", "Enter", "C-d", "PageDown"..."""
        self.tmux("send-keys", "-t", "reader", *keys)

    def type_text(self, text: str) -> None:
        """Type `text` literally, character by character (no key-name lookup)."""
        self.tmux("send-keys", "-t", "reader", "-l", text)

    def capture(self, scrollback: bool = False) -> str:
        """The visible screen as text, one line per row. `scrollback` adds the lines that
        scrolled off the top and rejoins wrapped lines: for plain command output, not for
        full-screen apps."""
        flags = ["-J", "-S", "-"] if scrollback else []
        return self.tmux("capture-pane", "-p", *flags, "-t", "reader")

    def wait_until(self, predicate: Callable[[str], bool], timeout: float = 10.0,
                   what: str = "condition", scrollback: bool = False) -> str:
        """Poll the screen until `predicate(screen)` holds; return that screen. Fails with the
        last screen shown, and early if the program exited without satisfying it."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture(scrollback=scrollback)
            if predicate(screen):
                return screen
            dead = self.exit_status()
            if dead is not None:  # its last output may still be on the way to the screen
                time.sleep(0.3)
                screen = self.capture(scrollback=scrollback)
                if predicate(screen):
                    return screen
            if dead is not None or time.monotonic() > deadline:
                state = f"program exited with {dead}" if dead is not None else f"{timeout}s passed"
                pytest.fail(f"waiting for {what}: {state}; screen was:\n{screen}")
            time.sleep(POLL_SECONDS)

    def wait_for(self, text: str, timeout: float = 10.0, scrollback: bool = False) -> str:
        """Poll the screen until `text` is on it; return that screen."""
        return self.wait_until(lambda screen: text in screen, timeout, repr(text), scrollback)

    def exit_status(self) -> int | None:
        """The program's exit code once it has exited, else None (128 + N for signal N, as
        a shell reports it)."""
        try:
            return int(self._status_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def wait_for_exit(self, timeout: float = 10.0) -> int:
        """Wait for the program to exit and return its exit code."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                pytest.fail(f"program still running after {timeout}s; screen:\n{self.capture()}")
            time.sleep(POLL_SECONDS)
        return status

    def resize(self, width: int, height: int) -> None:
        """Resize the window; the app gets SIGWINCH as in a real terminal."""
        self.tmux("resize-window", "-t", "reader", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def close(self) -> None:
        """Kill the private tmux server (and with it the program) and remove its socket."""
        if self._started:
            subprocess.run(["tmux", "-S", str(self._socket), "kill-server"], env=self.env,
                           capture_output=True, timeout=10, check=False)
        shutil.rmtree(self._socket_dir, ignore_errors=True)


def _find_reader() -> Path | None:
    """The `reader` installed next to the running Python, else the first one on PATH."""
    beside_python = Path(sys.executable).parent / "reader"
    if beside_python.exists():
        return beside_python
    found = shutil.which("reader")
    return Path(found) if found else None


@pytest.fixture(scope="session")
def installed_reader() -> Path:
    reader = _find_reader()
    if reader is None:
        pytest.fail("the `reader` command is not installed: run `pip install '.[test]'` first")
    return reader


@pytest.fixture
def reader_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose HOME, XDG folders and READER_DB all live under tmp_path."""
    env = {key: value for key, value in os.environ.items() if key not in LEAKY_VARIABLES}
    home = tmp_path / "home"
    for name in ("home", "home/.config", "home/.local/share", "home/.cache", "home/.state"):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".state"),
        READER_DB=str(tmp_path / "annotations.db"),
        READER_ANNOTATOR="e2e",
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    return env


@pytest.fixture
def terminal(installed_reader: Path, reader_env: dict[str, str],
             tmp_path: Path) -> Iterator[TmuxTerminal]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it via .ci/run)")
    workdir = tmp_path / "work"
    workdir.mkdir()
    session = TmuxTerminal(installed_reader, reader_env, workdir)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session")
def sample_articles() -> Path:
    return Path(__file__).resolve().parents[2] / "sample_articles"

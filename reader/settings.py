"""What reader remembers for the person at the terminal across runs (today: the theme chosen
in the command palette), in a small JSON file that reader alone writes.

Why a file of its own: the reading position belongs to a document and an annotator, so it
lives beside them in the database; a theme belongs to the user, whichever database `--db`
names, so it lives once per user, in the user data folder (`reader where` shows it). And not
in `reader.toml`: that file is the user's own, and reader never rewrites what it did not
write. A settings file that is not reader's (not a JSON object) is left alone and said so."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from reader.errors import ReaderError

MAX_SETTINGS_BYTES = 64 * 1024  # a few names; more means it is some other file


class Settings(NamedTuple):
    """What is remembered. (A NamedTuple: defined on every start, where it costs ~0.5
    million instructions to a frozen dataclass's 3 million.)"""

    theme: str | None = None


class SettingsFile:
    """The settings at `path`: read once at start, rewritten whole (atomically) on a change."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[Settings, str | None]:
        """The settings (defaults when there is no file yet), and what was wrong with the
        file, if anything, in one line (the defaults are used then)."""
        try:
            data = self._read()
        except ReaderError as error:
            return Settings(), str(error)
        theme = data.get("theme")
        return Settings(theme=theme if isinstance(theme, str) and theme else None), None

    def remember(self, *, theme: str) -> str | None:
        """Write `theme` into the file, keeping what else it holds; the problem in one line
        if it could not be written (nothing was changed then)."""
        try:
            data = self._read()
            data["theme"] = theme
            import json

            from reader.formats.atomic import atomic_file  # only when something changes

            # A symlinked settings file (kept with dotfiles) stays a link: its target is
            # what gets replaced.
            target = self.path.resolve() if self.path.is_symlink() else self.path
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(target, shown=self.path) as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
        except ReaderError as error:
            return str(error)
        except OSError as error:
            return f"{self.path}: {error.strerror or error}"
        return None

    def _read(self) -> dict[str, object]:
        """The file's object ({} when there is none); ReaderError when it is not ours."""
        if not self.path.exists() and not self.path.is_symlink():
            return {}
        import json  # only when there is a file: not before the first paint of a first run

        from reader.text.loading import read_regular

        raw = read_regular(self.path, MAX_SETTINGS_BYTES)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            raise ReaderError(f"{self.path} is not reader's settings file (not a JSON"
                              " object): left as it is, the theme is not remembered")
        return data

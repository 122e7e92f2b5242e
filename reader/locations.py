"""Where reader keeps its files: one place to look them up, so tests can point elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reader"
DB_ENV = "READER_DB"
CONFIG_ENV = "READER_CONFIG"
CONFIG_FILE_NAME = "reader.toml"


def data_dir() -> Path:
    """The per-user data folder (not created here: only writing creates it)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def settings_path() -> Path:
    """What reader remembers for the user across runs (the theme): `reader.settings`."""
    return data_dir() / "settings.json"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def datasets_doc() -> Path:
    """docs/datasets.md, which `reader export --help` points to: inside the installed package
    (the wheel copies it to `reader/docs/`), or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "docs" / "datasets.md"
    return installed if installed.is_file() else package.parent / "docs" / "datasets.md"


def default_db_path() -> Path:
    """`READER_DB` wins over the platform's data folder."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "annotations.db"


def config_candidates(cwd: Path | None = None, *, check_override: bool = True) -> list[Path]:
    """Config files in the order they are looked for: an explicit override, the current
    folder's `reader.toml`, then the user config folder's. An override that names no file
    is an error (a typo there would otherwise quietly give the default labels), unless
    `check_override` is off, for `reader where` to show it."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        path = Path(override).expanduser()
        if check_override and not os.path.lexists(path):
            from reader.errors import ReaderError

            raise ReaderError(f"{CONFIG_ENV} points to {path}, which does not exist")
        return [path]
    here = (cwd or Path.cwd()) / CONFIG_FILE_NAME
    return [here, config_dir() / CONFIG_FILE_NAME]


def default_annotator() -> str:
    """`READER_ANNOTATOR`, else the login name, else a placeholder that is never empty."""
    name = os.environ.get("READER_ANNOTATOR")
    if name:
        return name
    try:
        import getpass

        return getpass.getuser() or "annotator"
    except Exception:  # getuser raises when no login name can be found (containers)
        return "annotator"

"""What reader remembers across runs (the theme): a small file only reader writes, which
keeps what else it holds, leaves a file that is not its own alone, and keeps a symlink a
symlink."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.settings import Settings, SettingsFile


def test_no_file_is_the_defaults_and_remembering_creates_it(tmp_path: Path) -> None:
    settings = SettingsFile(tmp_path / "data" / "reader" / "settings.json")
    assert settings.load() == (Settings(), None)
    assert settings.remember(theme="nord") is None
    assert settings.load() == (Settings(theme="nord"), None)


def test_remembering_keeps_what_else_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "nord", "future": [1, 2]}')
    assert SettingsFile(path).remember(theme="gruvbox") is None
    assert json.loads(path.read_text()) == {"theme": "gruvbox", "future": [1, 2]}


def test_a_file_that_is_not_readers_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for body in ("not json at all", "[1, 2]", '"nord"', "\xff\xfe"):
        path.write_bytes(body.encode("latin-1"))
        settings, problem = SettingsFile(path).load()
        assert settings == Settings() and problem is not None and "not reader's" in problem
        assert "not reader's" in (SettingsFile(path).remember(theme="nord") or "")
        assert path.read_bytes() == body.encode("latin-1")
    path.unlink()
    path.mkdir()  # a folder where the file would be: said, not crashed on
    assert SettingsFile(path).load()[1] is not None
    assert SettingsFile(path).remember(theme="nord") is not None


def test_a_theme_that_is_not_text_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": 3}')
    assert SettingsFile(path).load() == (Settings(), None)


def test_a_symlinked_settings_file_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "reader-settings.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / "settings.json"
    os.symlink(target, link)
    assert SettingsFile(link).remember(theme="nord") is None
    assert link.is_symlink() and json.loads(target.read_text()) == {"theme": "nord"}

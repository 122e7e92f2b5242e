"""The installed `reader` command in a real terminal (tmux) and as a plain subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reader import __version__

pytestmark = pytest.mark.e2e


def test_version_in_terminal(terminal) -> None:
    terminal.run("--version")
    terminal.wait_for(f"reader, version {__version__}", scrollback=True)
    assert terminal.wait_for_exit() == 0


def test_where_shows_isolated_paths_in_terminal(terminal) -> None:
    terminal.run("where")
    screen = terminal.wait_for("data dir:", scrollback=True)
    assert f"database: {terminal.db_path}" in screen
    assert f"config:   {terminal.workdir / 'reader.toml'} (absent)" in screen
    assert f"data dir: {terminal.env['XDG_DATA_HOME']}" in screen
    assert terminal.wait_for_exit() == 0


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return {"missing": tmp_path / "no-such-article.txt", "directory": folder, "binary": binary}


@pytest.mark.parametrize("case", ["missing", "directory", "binary"])
def test_bad_path_is_one_line_error(case: str, installed_reader: Path,
                                    reader_env: dict[str, str], tmp_path: Path) -> None:
    path = _bad_inputs(tmp_path)[case]
    before = path.read_bytes() if path.is_file() else None
    result = subprocess.run([str(installed_reader), "open", str(path)], env=reader_env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=30,
                            stdin=subprocess.DEVNULL, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: error: "), result.stderr
    assert str(path.name) in lines[0]
    assert not Path(reader_env["READER_DB"]).exists(), "a refused file must not create the db"
    if before is not None:
        assert path.read_bytes() == before

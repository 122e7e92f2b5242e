"""Hostile and careless input files: nothing hangs, nothing is read without limit, and each
problem is one line on stderr with exit 1 (issue 8: items 6 and 13, and the smaller ones).

Whatever could block (a FIFO) or never end (/dev/zero) runs `reader` in a subprocess with a
timeout, so a regression fails the test instead of hanging the suite."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.cli import main
from reader.errors import ReaderError, one_line
from reader.text.loading import load_text

TIMEOUT = 20


def run_reader(*args: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL)


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> tuple[int, str]:
    """`reader ARGS` in this process, as the console script runs it: (exit code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["reader", *args])
    code: int | str | None = 0
    try:
        main()
    except SystemExit as leaving:
        code = leaving.code
    assert isinstance(code, int)
    return code, capsys.readouterr().err


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("reader: error: "), stderr
    assert "\x1b" not in lines[0]
    return lines[0]


def assert_refused(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 1, result.stderr
    assert needle in one_error_line(result.stderr)


# --- item 6: only regular files are read, and never without limit -----------------------

@pytest.mark.parametrize("args", [("open", "{fifo}.txt"), ("import", "{fifo}.jsonl"),
                                  ("open", "{fifo}.jsonl"), ("open", "{link}")])
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path, args: tuple[str, str]) -> None:
    for suffix in (".txt", ".jsonl"):
        os.mkfifo(tmp_path / f"fifo{suffix}")
    (tmp_path / "link").symlink_to(tmp_path / "fifo.txt")
    db = tmp_path / "db.sqlite"
    command, target = args
    path = target.format(fifo=tmp_path / "fifo", link=tmp_path / "link")
    result = run_reader(command, path, "--db", str(db))
    assert_refused(result, f"{path}: not a regular file (a FIFO)")
    assert not db.exists()


@pytest.mark.parametrize("command", ["open", "import"])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused(tmp_path: Path, command: str, device: str) -> None:
    result = run_reader(command, device, "--db", str(tmp_path / "db.sqlite"))
    assert_refused(result, f"{device}: not a regular file (a character device)")


def test_a_symlink_loop_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    for command in ("open", "import"):
        result = run_reader(command, str(tmp_path / "a.txt"), "--db", str(tmp_path / "db"))
        assert_refused(result, "symlink loop")


def test_a_file_that_grows_while_read_is_read_only_to_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size checked before reading may be out of date: the read itself is bounded."""
    from reader.text import loading

    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    monkeypatch.setattr(loading, "MAX_BYTES", 1000)
    monkeypatch.setattr(loading, "check_regular", lambda path: 10)  # "small" when checked
    read: list[int] = []
    real_open = loading.open_regular

    def counting_open(path: Path) -> Any:
        handle = real_open(path)
        real_read = handle.read

        def read_some(size: int = -1) -> bytes:
            data = real_read(size)
            read.append(len(data))
            return data
        setattr(handle, "read", read_some)  # noqa: B010 (mypy: no method assignment)
        return handle

    monkeypatch.setattr(loading, "open_regular", counting_open)
    with pytest.raises(ReaderError, match="over the"):
        load_text(path)
    assert sum(read) <= 1001


def test_unreadable_files_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Tests run as root, who may read anything: the refusal of the OS is simulated."""
    article = tmp_path / "secret.txt"
    article.write_text("private words\n")
    real_open = os.open

    def refusing(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    with pytest.raises(ReaderError, match=r"secret\.txt: permission denied"):
        load_text(article)


def test_click_usage_errors_are_one_line(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, stderr = run_main(monkeypatch, capsys, "open", "--no-such-option")
    assert code == 2
    assert "--no-such-option" in one_error_line(stderr)


# --- item 13: user errors, not internal errors ------------------------------------------

@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "hex", "bz2", "uu", "quopri"])
def test_a_codec_that_is_not_a_text_encoding_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        encoding: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text("hello\n")
    db = tmp_path / "db.sqlite"
    code, stderr = run_main(monkeypatch, capsys, "open", str(article), "--encoding", encoding,
                            "--db", str(db))
    assert code == 1
    assert f"{encoding} is not a text encoding" in one_error_line(stderr)
    assert not db.exists()


def import_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str], content: bytes, *extra: str,
                name: str = "in.jsonl") -> tuple[int, str, Path]:
    path = tmp_path / name
    path.write_bytes(content)
    code, stderr = run_main(monkeypatch, capsys, "import", str(path), "--db",
                            str(tmp_path / "db.sqlite"), *extra)
    return code, stderr, path


HOSTILE_RECORDS = [
    ("[" * 100_000 + "]" * 100_000, ":1: JSON nested more than"),
    ('{"text": "x", "meta": ' + "[" * 500 + "]" * 500 + "}", ":1: JSON nested more than"),
    ('{"text": "x", "meta": {"n": ' + "9" * 5000 + "}}", ":1: a number has more than 4300"),
    ('{"text": "a\\ud800b"}', ":1: a string holds a lone surrogate \\ud800"),
    ('{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "\\udfff"}]}',
     ":1: a string holds a lone surrogate \\udfff"),
    ('{"text": "ab", "meta": {"\\ud83d": 1}}', ":1: a string holds a lone surrogate"),
]


@pytest.mark.parametrize(("record", "needle"), HOSTILE_RECORDS,
                         ids=["deep", "deep-meta", "huge-int", "surrogate-text",
                              "surrogate-label", "surrogate-key"])
def test_hostile_json_is_a_one_line_user_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        record: str, needle: str) -> None:
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, record.encode() + b"\n")
    assert code == 1, stderr
    line = one_error_line(stderr)
    assert f"{path}{needle}" in line
    assert "internal error" not in line


def test_hostile_json_in_a_label_studio_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for record, needle in HOSTILE_RECORDS:
        task = record.replace('{"text": ', '{"data": {"text": ', 1) + "}"
        code, stderr, _path = import_file(tmp_path, monkeypatch, capsys,
                                          f"[\n{task}\n]\n".encode(), name="ls.json")
        assert code == 1, stderr
        assert needle.removeprefix(":1") in one_error_line(stderr)


def test_a_surrogate_pair_is_one_character_and_a_lone_half_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pair = b'{"text": "smile \\ud83d\\ude00", "spans": [{"start": 6, "end": 7, "label": "E"}]}'
    code, stderr, _path = import_file(tmp_path, monkeypatch, capsys, pair + b"\n")
    assert code == 0, stderr
    assert "1 new span" in stderr
    lone = pair.replace(b"\\ude00", b"")
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, lone + b"\n")
    assert code == 1
    assert f"{path}:1: a string holds a lone surrogate \\ud83d" in one_error_line(stderr)


def test_a_record_over_the_size_limit_is_refused_without_reading_it_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from reader.formats import sources

    monkeypatch.setattr(sources, "MAX_RECORD_BYTES", 1000)
    monkeypatch.setattr(sources, "_CHUNK", 100)
    longest: list[int] = []
    real_lines = sources._lines

    def watched(handle: Any) -> Any:
        real_readline = handle.readline

        def readline(size: int = -1) -> bytes:
            assert 0 < size <= 1001  # never "the whole line, however long"
            line: bytes = real_readline(size)
            longest.append(len(line))
            return line
        setattr(handle, "readline", readline)  # noqa: B010
        return real_lines(handle)

    monkeypatch.setattr(sources, "_lines", watched)
    big = json.dumps({"text": "y" * 50_000}).encode()
    good = json.dumps({"text": "fine"}).encode()
    content = good + b"\n" + big + b"\n" + good.replace(b"fine", b"also fine") + b"\n"
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, content)
    assert code == 1
    assert f"{path}:2: record is over the 1000 byte limit" in one_error_line(stderr)
    assert max(longest) <= 1001
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, content, "--skip-invalid")
    assert code == 0, stderr
    assert "imported 2 new documents" in stderr  # the lines after the long one are read


def test_a_huge_bad_value_is_named_in_a_short_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("x" * 1_000_000, ["y" * 100_000] * 100):
        record = {"text": "ab", "spans": [{"start": bad, "end": 1, "label": "L"}]}
        code, stderr, path = import_file(tmp_path, monkeypatch, capsys,
                                         json.dumps(record).encode() + b"\n")
        assert code == 1
        line = one_error_line(stderr)
        assert f"{path}:1: span 1 start must be an integer, not " in line
        assert len(line) < len(str(path)) + 500


# --- the smaller items ------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_file_with_a_bom_is_decoded(tmp_path: Path, codec: str) -> None:
    text = "Ararat 👩‍👩‍👧 café\r\nline two\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + text.encode(codec))
    loaded = load_text(path)
    assert loaded.text == text
    assert loaded.title == "Ararat 👩‍👩‍👧 café"


def test_a_whitespace_only_file_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n\t\r\n  \n")
    with pytest.raises(ReaderError, match="nothing to read"):
        load_text(path)


@pytest.mark.parametrize("content", [b"", b"\n  \n", codecs.BOM_UTF8 + b"\n"])
def test_importing_an_empty_file_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        content: bytes) -> None:
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, content)
    assert code == 1
    assert f"{path}: file is empty, nothing to import" in one_error_line(stderr)
    assert not (tmp_path / "db.sqlite").exists()


def test_an_empty_label_studio_array_is_nothing_to_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, b"[ ]\n", name="ls.json")
    assert code == 1
    assert f"{path}: no records, nothing to import" in one_error_line(stderr)


def test_a_jsonl_file_whose_first_line_is_an_array_is_one_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, stderr, path = import_file(tmp_path, monkeypatch, capsys, b'[1, 2]\n{"text": "a"}\n')
    assert code == 1
    assert f"{path}:1: record must be a JSON object, not list" in one_error_line(stderr)


@pytest.mark.parametrize(("line", "column"), [
    ('{"text": "abc",', 16),
    ('{"text": "abc", "spans": [{"start": 0, "e', 40),
    ('{"text": "ab\tc"', 13),
])
def test_json_error_columns_on_a_cut_off_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        line: str, column: int) -> None:
    for ending in (b"\n", b"\r\n", b""):
        code, stderr, path = import_file(tmp_path, monkeypatch, capsys,
                                         line.encode() + ending)
        assert code == 1
        error = one_error_line(stderr)
        assert f"{path}:1: invalid JSON: " in error
        assert f"(column {column})" in error
        assert " at at " not in error


def test_a_file_name_with_a_newline_or_escape_stays_on_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    name = "evil\nname\x1b]0;PWNED\x07.jsonl"
    code, stderr, _path = import_file(tmp_path, monkeypatch, capsys, b"", name=name)
    assert code == 1
    line = one_error_line(stderr)
    assert "evil\\nname\\x1b]0;PWNED\\x07.jsonl" in line
    assert "\x07" not in line


def test_one_line_escapes_controls_and_keeps_text() -> None:
    assert one_line("plain café 👩‍👩‍👧") == "plain café 👩‍👩‍👧"
    assert one_line("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert one_line("\x1b[31m\x9b\x7f\u202eevil") == "\\x1b[31m\\x9b\\x7f\\u202eevil"
    assert one_line("name\udcff") == "name\\udcff"


def test_the_database_can_be_given_before_the_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import reader.ui.launch

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(reader.ui.launch, "launch", lambda **kwargs: calls.append(kwargs))
    db = tmp_path / "mine.db"
    code, stderr = run_main(monkeypatch, capsys, "--db", str(db), "--annotator", "ann")
    assert code == 0, stderr
    assert calls[0]["db_path"] == db and calls[0]["annotator"] == "ann"
    code, stderr = run_main(monkeypatch, capsys, "--db", str(db), "--annotator", "x", "where")
    assert code == 1
    assert "--annotator goes after the command" in one_error_line(stderr)


def test_where_honours_a_database_given_before_the_command(tmp_path: Path) -> None:
    result = run_reader("--db", str(tmp_path / "mine.db"), "where")
    assert result.returncode == 0, result.stderr
    assert f"database: {tmp_path / 'mine.db'}" in result.stdout
    hostile = run_reader("where", env={"READER_CONFIG": "/tmp/\x1b]0;PWNED\x07.toml"})
    assert "\x1b" not in hostile.stdout
    assert "config:   /tmp/\\x1b]0;PWNED\\x07.toml (absent)" in hostile.stdout


def test_a_missing_reader_config_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "typo.toml"
    monkeypatch.setenv("READER_CONFIG", str(missing))
    code, stderr = run_main(monkeypatch, capsys, "open", str(tmp_path / "absent.txt"))
    assert code == 1
    assert f"READER_CONFIG points to {missing}, which does not exist" in one_error_line(stderr)
    where = run_reader("where", env={"READER_CONFIG": str(missing)})
    assert where.returncode == 0
    assert f"config:   {missing} (absent)" in where.stdout


def test_a_reader_config_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "reader.toml"
    os.mkfifo(fifo)
    result = run_reader("open", str(tmp_path / "absent.txt"), env={"READER_CONFIG": str(fifo)})
    assert_refused(result, f"{fifo}: not a regular file (a FIFO)")

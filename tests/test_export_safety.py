"""`reader export -o` never destroys what reader did not write: user folders, the database,
device nodes, FIFOs and symlinks survive; a killed folder swap or a full disk loses nothing."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import select
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import pytest
from golden.corpus import GOLDEN, build

import reader.formats.records as records
from reader.cli import main
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.summary import Summary

EXPORT = (GOLDEN / "export.jsonl").read_bytes()
MARKER = ".reader-export"


class Run(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.db"
    build(path).close()
    return path


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
           ) -> Callable[..., Run]:
    """`reader ARGS...` in this process, through the real entry point (exit code and all)."""

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["reader", *args])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def one_line_error(run: Run, *needles: str) -> str:
    assert run.code == 1, run
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: error: "), run.err
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def brat_ids(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.txt")}


# 1. a brat export replaces only a folder reader wrote, or an empty one


def user_brat_project(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    (folder / "draft.txt").write_text("my unsaved draft\n")
    (folder / "draft.ann").write_text("T1\tPER 0 2\tmy\n")
    (folder / "annotation.conf").write_text("[entities]\nPER\n")
    return snapshot(folder)


def test_a_folder_of_user_brat_files_survives(db: Path, tmp_path: Path,
                                              reader: Callable[..., Run]) -> None:
    out = tmp_path / "project"
    before = user_brat_project(out)
    run = reader("export", "--db", str(db), "--format", "brat", "-o", str(out))
    one_line_error(run, str(out), "--force")
    assert snapshot(out) == before
    assert leftovers(tmp_path, "project") == []


def test_an_empty_folder_is_filled(db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    assert len(brat_ids(out)) == 3 and (out / MARKER).exists()


def test_a_previous_export_is_replaced_and_carries_a_marker(
        db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    out = tmp_path / "brat"
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    marker = json.loads((out / MARKER).read_text("utf-8"))
    assert marker["format"] == "brat" and marker["reader"]
    assert len(brat_ids(out)) == 3
    done = reader("export", "--db", str(db), "--format", "brat", "-o", str(out),
                  "--status", "done")
    assert done.code == 0
    assert len(brat_ids(out)) == 1 and len(list(out.glob("*.ann"))) == 1  # stale ones gone
    assert (out / MARKER).exists()
    assert leftovers(tmp_path, "brat") == []


def test_a_marker_alone_does_not_make_other_files_replaceable(
        db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    out = tmp_path / "brat"
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    (out / "thesis.tex").write_text("precious")
    one_line_error(reader("export", "--db", str(db), "--format", "brat", "-o", str(out)),
                   "thesis.tex", "--force")
    assert (out / "thesis.tex").read_text() == "precious"
    fake = tmp_path / "fake"
    user_brat_project(fake)
    (fake / MARKER).write_text(json.dumps({"format": "conll", "reader": "0"}))
    one_line_error(reader("export", "--db", str(db), "--format", "brat", "-o", str(fake)),
                   "--force")
    assert (fake / "draft.txt").exists()


def test_an_export_edited_since_is_not_replaced(db: Path, tmp_path: Path,
                                               reader: Callable[..., Run]) -> None:
    out = tmp_path / "brat"
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    signed = (out / MARKER).stat().st_ctime_ns
    while time.time_ns() < signed + 50_000_000:  # past the file system's clock tick
        time.sleep(0.01)
    edited = next(out.glob("*.ann"))
    with edited.open("a") as ann:  # as brat's own editor would save a new annotation
        ann.write("T99\tPER 0 1\tA\n")
    before = snapshot(out)
    one_line_error(reader("export", "--db", str(db), "--format", "brat", "-o", str(out)),
                   edited.name, "changed", "--force")
    assert snapshot(out) == before


def test_force_replaces_a_user_folder(db: Path, tmp_path: Path,
                                      reader: Callable[..., Run]) -> None:
    out = tmp_path / "project"
    user_brat_project(out)
    run = reader("export", "--db", str(db), "--format", "brat", "-o", str(out), "--force")
    assert run.code == 0, run.err
    assert not (out / "draft.txt").exists() and len(brat_ids(out)) == 3
    assert leftovers(tmp_path, "project") == []
    help_text = reader("export", "--help").out
    assert "--force" in help_text


def test_a_symlinked_export_folder_stays_a_link(db: Path, tmp_path: Path,
                                                reader: Callable[..., Run]) -> None:
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real)
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(link)).code == 0
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(link)).code == 0
    assert link.is_symlink() and len(brat_ids(real)) == 3


# 2. the database (and its journals) is never an output


@pytest.mark.parametrize("kind", ["db", "wal", "shm", "journal", "symlink", "hardlink",
                                  "dangling-to-wal", "relative"])
def test_output_onto_the_database_is_refused(db: Path, tmp_path: Path, kind: str,
                                             reader: Callable[..., Run],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = db.read_bytes()
    output: Path | str
    if kind in ("db", "wal", "shm", "journal"):
        output = db if kind == "db" else Path(f"{db}-{kind}")
    elif kind == "symlink":
        output = tmp_path / "innocent.jsonl"
        output.symlink_to(db)
    elif kind == "hardlink":
        output = tmp_path / "innocent.jsonl"
        os.link(db, output)
    elif kind == "dangling-to-wal":
        output = tmp_path / "innocent.jsonl"
        output.symlink_to(f"{db}-wal")
    else:
        monkeypatch.chdir(tmp_path)
        output = db.name
    run = reader("export", "--db", str(db), "-o", str(output))
    one_line_error(run, "database")
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists() or kind == "wal"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_folder_holding_the_database_is_never_replaced(db: Path, tmp_path: Path,
                                                         reader: Callable[..., Run]) -> None:
    before = db.read_bytes()
    run = reader("export", "--db", str(db), "--format", "brat", "-o", str(tmp_path), "--force")
    one_line_error(run, "database")
    assert db.read_bytes() == before


def test_standard_output_onto_the_database_is_refused(db: Path) -> None:
    before = db.read_bytes()
    with db.open("ab") as appended:
        result = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db)],
                                stdout=appended, stderr=subprocess.PIPE, text=True,
                                timeout=60, check=False)
    assert result.returncode == 1 and "database" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert db.read_bytes() == before


# 3. devices, FIFOs and symlinks are written through, never replaced


def make_char_device(path: Path, minor: int) -> Path:
    """A private copy of /dev/null (minor 3) or /dev/full (minor 7), or skip."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except OSError as error:  # not root, or a nodev mount
        pytest.skip(f"cannot make a device node: {error}")
    return path


def test_a_character_device_is_written_through(db: Path, tmp_path: Path,
                                               reader: Callable[..., Run]) -> None:
    null = make_char_device(tmp_path / "null", 3)
    assert reader("export", "--db", str(db), "-o", str(null)).code == 0
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert leftovers(tmp_path, "null") == []


def test_dev_null(db: Path, reader: Callable[..., Run]) -> None:
    run = reader("export", "--db", str(db), "-o", "/dev/null")
    assert run.code == 0, run.err
    assert "to /dev/null" in run.err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def _stdout_link(tmp_path: Path) -> Path:
    """What /dev/stdout is on Linux: a symlink to the process's file descriptor 1."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    return link


@pytest.mark.parametrize("target", ["/dev/stdout", "private"])
def test_standard_output_by_name_is_written_through(db: Path, tmp_path: Path,
                                                    target: str) -> None:
    name = target if target == "/dev/stdout" else str(_stdout_link(tmp_path))
    log = tmp_path / "log.txt"
    log.write_bytes(b"kept\n")
    command = [sys.executable, "-m", "reader", "export", "--db", str(db), "-o", name]
    piped = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert piped.returncode == 0 and piped.stdout == EXPORT
    with log.open("ab") as appended:  # `>> log`: appended to, never truncated or replaced
        assert subprocess.run(command, stdout=appended, timeout=60, check=False).returncode == 0
    assert log.read_bytes() == b"kept\n" + EXPORT
    if target == "private":
        assert Path(name).is_symlink()


def _read_fifo(fifo: Path, process: subprocess.Popen[bytes]) -> bytes:
    """Everything written into the FIFO until its writer closes it (or never opened it)."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    process.wait(timeout=60)
    return b"".join(chunks)


def test_a_fifo_receives_the_stream_and_stays_a_fifo(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "export", "--db", str(db), "-o", str(fifo)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    received = _read_fifo(fifo, process)
    assert process.returncode == 0
    assert received == EXPORT
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symlink_to_a_file_stays_a_link_and_its_target_is_replaced(
        db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "real.jsonl"
    target.write_text("previous\n")
    target.chmod(0o640)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(Path("data") / "real.jsonl")
    assert reader("export", "--db", str(db), "-o", str(link)).code == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("data") / "real.jsonl")
    assert target.read_bytes() == EXPORT
    assert target.stat().st_mode & 0o777 == 0o640
    dangling = tmp_path / "next.jsonl"
    dangling.symlink_to(tmp_path / "data" / "new.jsonl")
    assert reader("export", "--db", str(db), "-o", str(dangling)).code == 0
    assert dangling.is_symlink() and (tmp_path / "data" / "new.jsonl").read_bytes() == EXPORT


def test_a_symlink_into_a_missing_folder_is_a_clear_error(
        db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "nowhere" / "out.jsonl")
    one_line_error(reader("export", "--db", str(db), "-o", str(link)), "does not exist")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_sockets_and_block_devices_are_refused(db: Path, tmp_path: Path,
                                              reader: Callable[..., Run],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # socket paths are short
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock")
    try:
        one_line_error(reader("export", "--db", str(db), "-o", "sock"), "socket")
        assert stat.S_ISSOCK(os.lstat("sock").st_mode)
    finally:
        server.close()
    try:
        os.mknod("block", stat.S_IFBLK | 0o600, os.makedev(7, 200))
    except OSError:
        return
    one_line_error(reader("export", "--db", str(db), "-o", "block"), "block device")
    assert stat.S_ISBLK(os.lstat("block").st_mode)


# 4. the brat folder swap: never a moment without a folder, recovery after a kill

KILLED = textwrap.dedent("""
    import errno, os, shutil, sys
    import reader.formats.atomic as atomic

    def die_at(real, count):
        calls = [0]
        def call(*args, **kwargs):
            calls[0] += 1
            if calls[0] >= count:
                os._exit(9)  # like kill -9: no cleanup, no finally
            return real(*args, **kwargs)
        return call

    os.replace = die_at(os.replace, 2)  # old code: the second rename of the swap
    os.rename = die_at(os.rename, 2)
    shutil.rmtree = die_at(shutil.rmtree, 1)  # right after the swap, before the cleanup
    if os.environ.get("NO_EXCHANGE"):
        def unsupported(*args, **kwargs):
            raise OSError(errno.EINVAL, "no RENAME_EXCHANGE here")
        atomic._rename_exchange = unsupported
    from reader.cli import main
    sys.argv = ["reader", *sys.argv[1:]]
    main()
""")


def killed_swap(db: Path, out: Path, exchange: bool) -> None:
    env = dict(os.environ)
    if not exchange:
        env["NO_EXCHANGE"] = "1"
    process = subprocess.run(
        [sys.executable, "-c", KILLED, "export", "--db", str(db), "--format", "brat",
         "-o", str(out)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode == 9, process.stderr


def test_a_kill_during_the_swap_leaves_a_folder(db: Path, tmp_path: Path,
                                                reader: Callable[..., Run]) -> None:
    out = tmp_path / "brat"
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out),
                  "--status", "done").code == 0
    killed_swap(db, out, exchange=True)
    assert len(brat_ids(out)) == 3  # the swap happened in one step: the new export is there
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    assert len(brat_ids(out)) == 3


def _failing_rows(*args: Any, **kwargs: Any) -> Iterator[ExportRow]:
    rows = iter(records.iter_export_rows(*args, **kwargs))
    yield next(rows)
    raise RuntimeError("disk on fire")


def test_without_exchange_the_next_export_restores_the_folder(
        db: Path, tmp_path: Path, reader: Callable[..., Run],
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "brat"
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out),
                  "--status", "done").code == 0
    before = snapshot(out)
    killed_swap(db, out, exchange=False)
    assert not out.exists()  # killed between the two renames of the fallback
    killed = leftovers(tmp_path, "brat")  # as after any kill -9: the new export's temporary
    with monkeypatch.context() as patch:
        patch.setattr(records, "iter_export_rows", _failing_rows)
        assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 2
    assert snapshot(out) == before  # restored before anything else happened
    assert reader("export", "--db", str(db), "--format", "brat", "-o", str(out)).code == 0
    assert len(brat_ids(out)) == 3
    assert leftovers(tmp_path, "brat") == [name for name in killed if name.endswith(".tmp")]


# 5. a full disk: one line, nothing written, the previous file intact


def _full_disk(code: int) -> Callable[..., None]:
    def export(rows: Any, out: IO[str] | Path, summary: Summary,
               options: ExportOptions) -> None:
        if isinstance(out, Path):
            (out / "partial.txt").write_text("half")
        else:
            out.write("half a line")
        raise OSError(code, os.strerror(code))

    return export


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_disk_full_is_one_line_and_keeps_the_previous_output(
        db: Path, tmp_path: Path, reader: Callable[..., Run], monkeypatch: pytest.MonkeyPatch,
        fmt: str, code: int) -> None:
    import dataclasses
    import importlib

    out = tmp_path / ("brat" if fmt == "brat" else "out.jsonl")
    assert reader("export", "--db", str(db), "--format", fmt, "-o", str(out)).code == 0
    before = snapshot(out) if fmt == "brat" else out.read_bytes()
    module = importlib.import_module(f"reader.formats.{fmt}")
    exporter = dataclasses.replace(module.FORMAT.exporter, write=_full_disk(code))
    monkeypatch.setattr(module, "FORMAT", dataclasses.replace(module.FORMAT, exporter=exporter))
    run = reader("export", "--db", str(db), "--format", fmt, "-o", str(out))
    assert one_line_error(run) == f"reader: error: disk full: nothing was written to {out}"
    assert (snapshot(out) if fmt == "brat" else out.read_bytes()) == before
    assert leftovers(tmp_path, out.name) == []


def test_a_full_device_is_one_line(db: Path, tmp_path: Path, reader: Callable[..., Run]) -> None:
    full = make_char_device(tmp_path / "full", 7)
    one_line_error(reader("export", "--db", str(db), "-o", str(full)), "disk full", str(full))
    assert stat.S_ISCHR(full.lstat().st_mode)


def test_standard_output_on_a_full_disk_is_one_line(db: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
                                check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "reader: error: disk full: standard output is incomplete"]


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KB file system, when this test runs as root and may mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk(db: Path, tiny_tmpfs: Path, reader: Callable[..., Run]) -> None:
    out = tiny_tmpfs / "out.jsonl"
    out.write_text("previous export\n")
    with (tiny_tmpfs / "filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"x" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    run = reader("export", "--db", str(db), "-o", str(out))
    assert one_line_error(run) == f"reader: error: disk full: nothing was written to {out}"
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == ["filler", "out.jsonl"]


class _LibcWithout:
    """The C library as an old glibc or musl shows it: no renameat2 wrapper, only syscall."""

    real = ctypes.CDLL(None, use_errno=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.syscall = self.real.syscall


@pytest.mark.parametrize("libc", ["wrapper", "syscall"])
def test_rename_exchange_swaps_two_folders(tmp_path: Path, libc: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.formats import atomic

    if libc == "syscall":
        monkeypatch.setattr(ctypes, "CDLL", _LibcWithout)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "one").write_text("1")
    (second / "two").write_text("2")
    try:
        atomic._rename_exchange(first, second)
    except OSError as error:
        if error.errno in (errno.EINVAL, errno.ENOSYS):
            pytest.skip(f"no RENAME_EXCHANGE here: {error}")
        raise
    assert [p.name for p in first.iterdir()] == ["two"]
    assert [p.name for p in second.iterdir()] == ["one"]
    with pytest.raises(FileNotFoundError):
        atomic._rename_exchange(first, tmp_path / "missing")

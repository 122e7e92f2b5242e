"""Decoding is exact, and every bad input is refused with one clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from strategies import tricky_text

from reader.errors import ReaderError
from reader.text.loading import MAX_BYTES, load_text


@given(tricky_text)
def test_text_is_exactly_the_decoded_file(text: str) -> None:
    import tempfile

    text = text.replace("\x00", "")
    if not text or text.isspace():  # refused as "nothing to read"
        text = "x" + text
    if text.startswith("\ufeff"):
        text = "a" + text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.txt"
        path.write_bytes(text.encode("utf-8"))
        assert load_text(path).text == text


def test_bom_is_dropped_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffone\r\ntwo\tthree\r".encode())
    loaded = load_text(path)
    assert loaded.text == "one\r\ntwo\tthree\r"
    assert loaded.title == "one"


def test_other_encodings(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("café crème".encode("latin-1"))
    assert load_text(path, "latin-1").text == "café crème"
    with pytest.raises(ReaderError, match="not valid utf-8 at byte 3"):
        load_text(path)
    with pytest.raises(ReaderError, match="unknown encoding"):
        load_text(path, "klingon")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReaderError, match=message):
        load_text(path)


@pytest.mark.parametrize(("content", "encoding"), [
    (b"a\x00b", "utf-8"),
    ("\ufeffa\x00b".encode("utf-8"), "utf-8"),
    ("\ufeffa\x00b".encode("utf-16"), "utf-8"),
    ("a\x00b".encode("latin-1"), "latin-1"),
    (b"a\x00b", "utf-8-sig"),
])
def test_a_nul_character_is_refused_in_every_encoding(tmp_path: Path, content: bytes,
                                                      encoding: str) -> None:
    """UTF-8 is checked for NUL bytes before decoding, the others after."""
    path = tmp_path / "nul.txt"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match="binary"):
        load_text(path, encoding)


def test_directory_and_oversized_file(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="is a directory"):
        load_text(tmp_path)
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: no 100 MB written to disk
        handle.seek(MAX_BYTES)
        handle.write(b"x")
    with pytest.raises(ReaderError, match="over the 100 MB limit"):
        load_text(big)


@given(tricky_text)
def test_the_hash_of_a_file_is_the_hash_of_its_text(text: str) -> None:
    """load_text hashes the file's bytes; that must equal the hash of the decoded text."""
    import tempfile

    from reader.text.loading import text_sha256

    text = "x" + text.replace("\x00", "")  # a leading U+FEFF would be taken for a BOM
    with tempfile.TemporaryDirectory() as folder:
        for bom in (b"", b"\xef\xbb\xbf"):
            path = Path(folder) / "a.txt"
            path.write_bytes(bom + text.encode("utf-8"))
            loaded = load_text(path)
            assert loaded.sha256 == text_sha256(loaded.text)

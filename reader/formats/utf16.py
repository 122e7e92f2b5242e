"""Code-point offsets to and from UTF-16 code units, which JavaScript tools (doccano) count.

They differ only after characters outside the Basic Multilingual Plane (most emoji), which
take two UTF-16 units; a UTF-16 offset between those two units names no character."""

from __future__ import annotations

from bisect import bisect_left


class Utf16Offsets:
    def __init__(self, text: str) -> None:
        astral = [number for number, char in enumerate(text) if ord(char) > 0xFFFF]
        self._astral = astral
        self._unit_starts = [position + count for count, position in enumerate(astral)]

    def to_utf16(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def to_codepoints(self, offset: int) -> int:
        """The code-point offset of a UTF-16 offset; ValueError inside a surrogate pair."""
        before = bisect_left(self._unit_starts, offset)
        if before and self._unit_starts[before - 1] + 1 == offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
        return offset - before

"""Errors a user can act on: the CLI prints them as one line, never a traceback."""

from __future__ import annotations

import re

from reader.text.sanitize import UNSAFE


class ReaderError(Exception):
    """A problem with the user's input or environment, told in one plain sentence."""


# C0 and C1 controls, DEL, bidi controls, line and paragraph separators, and lone
# surrogates (undecodable file-name bytes): anything that could break the line, move the
# cursor, start an escape sequence or reorder what the reader sees. The one list, shared
# with the screen's sanitiser (which shows them as pictures instead of escapes).
_UNSAFE = UNSAFE
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


INSTALL_SPACY = ("pip install spacy (or, in reader's source folder, pip install '.[spacy]';"
                 " the extra is not on the package index)")


def one_line(text: str) -> str:
    """`text` as one terminal-safe line: controls are shown as escapes (`\\n`, `\\x1b`),
    so a file name or a record cannot split an error line or reach the terminal raw."""
    return _UNSAFE.sub(_escape, text)

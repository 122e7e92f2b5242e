"""The one sanitiser for data on its way to the terminal.

Text, titles, file names, labels, notes and annotator names come from files and databases
other people made. Written raw, an ESC in any of them is a terminal command (set the window
title, write the clipboard, move the cursor), and a bidi override reorders what the reader
sees. So every such character is replaced by a visible one-cell stand-in, one code point
for one code point: offsets into the sanitised string are offsets into the data, and a
stand-in takes the cell a cursor expects. The article pane (`reader.text.cells`) draws with
the same mapping.

- C0 controls (U+0000–U+001F) become their Unicode control pictures (ESC is ␛, LF is ␊);
  DEL is ␡. Tabs and line breaks too: the callers here are one-line places; the article
  pane, which lays out real lines, handles tabs and breaks itself before asking.
- C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B) have no pictures: they become �.
- Bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E,
  U+200F, U+061C) become ⇄, so text cannot be reordered behind the reader's back.
- The line and paragraph separators U+2028/U+2029 become ␤ (some terminals break the line);
  a lone surrogate (an undecodable byte of a file name) becomes � (it cannot be encoded for
  the terminal at all).

`reader.errors.one_line` escapes the same characters (as `\x1b`, `\u202e`) in one-line
error messages, where the exact code is what a user needs to find the culprit.

Nothing here parses markup: callers hand the result to Rich `Text` or Textual `Content`,
never to a markup parser (see `escape_markup` for the one place a parser is unavoidable)."""

from __future__ import annotations

import re
from functools import cache

# Every character the terminal could take for a command, or that reorders text invisibly.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
SEPARATORS = "\u2028\u2029"
SURROGATES = "\ud800-\udfff"
UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}{SEPARATORS}{SURROGATES}]")
BIDI_PICTURE = "\u21c4"  # ⇄
SEPARATOR_PICTURE = "\u2424"  # ␤
REPLACEMENT = "\ufffd"  # �, for C1 controls and lone surrogates
ELLIPSIS = "…"


def control_picture(char: str) -> str:
    """The one-cell visible stand-in for one unsafe character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code <= 0x9F or 0xD800 <= code <= 0xDFFF:
        return REPLACEMENT
    if code in (0x2028, 0x2029):
        return SEPARATOR_PICTURE
    return BIDI_PICTURE


def _picture(match: re.Match[str]) -> str:
    return control_picture(match.group())


def safe_text(text: str) -> str:
    """`text` with every unsafe character replaced by its picture (same length)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_picture, text)


def safe_line(text: str, max_cells: int) -> str:
    """`safe_text(text)` cut to at most `max_cells` terminal cells, ending in … when cut.

    Only as much of `text` as could fit is looked at, so a multi-megabyte span costs what
    a word does."""
    from rich.cells import cell_len, set_cell_size  # Rich only when measuring

    if max_cells <= 0:
        return ""
    window = text[: 4 * max_cells + 8]  # zero-width marks aside, more than can ever fit
    shown = safe_text(window)
    if len(window) == len(text) and cell_len(shown) <= max_cells:
        return shown
    return set_cell_size(shown, max_cells - 1).rstrip(" ") + ELLIPSIS


@cache
def _raw_in_json() -> re.Pattern[str]:
    """What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 only. Such characters
    can only be inside JSON strings, where a \\uXXXX escape means the same character.
    Compiled on first use (~4 million instructions: not worth paying in `reader open`)."""
    return re.compile(f"[\\x7f-\\x9f{BIDI_CONTROLS}{SEPARATORS}{SURROGATES}]")


def terminal_json(dumped: str) -> str:
    """JSON from `json.dumps(..., ensure_ascii=False)` with DEL, C1 and bidi controls,
    line separators and lone surrogates written as `\\uXXXX` escapes: the same JSON value,
    nothing raw for the terminal."""
    return _raw_in_json().sub(lambda match: f"\\u{ord(match.group()):04x}", dumped)


def pad(text: str, cells: int) -> str:
    """`text` padded with spaces to `cells` terminal cells (left-aligned columns)."""
    from rich.cells import cell_len

    return text + " " * max(cells - cell_len(text), 0)


def escape_markup(text: str) -> str:
    """`text` for a place that can only take Textual content markup (the command palette).

    Textual's own `escape` misses tags such as `[$accent]` and `[ red]`; this escapes every
    `[` (Textual takes only the backslash right before a `[` as an escape, so the others
    stay literal)."""
    return safe_text(text).replace("[", "\\[")

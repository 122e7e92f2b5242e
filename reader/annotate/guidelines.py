"""The annotation guidelines: a Markdown file read once at start, and which of its headings
is the section of a label. Textual-free; the panel that shows them is
`reader.ui.widgets.guidelines_panel`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from reader.errors import ReaderError

MAX_GUIDELINES_BYTES = 2 * 1024 * 1024  # guidelines are pages of prose, never megabytes


class Guidelines(NamedTuple):
    path: Path
    text: str


def load_guidelines(path: Path) -> Guidelines:
    """The guidelines file, or one sentence saying why it cannot be shown (a missing file,
    a folder, a FIFO, too big, not UTF-8), before the database is opened."""
    from reader.text.loading import read_regular

    try:
        data = read_regular(path, MAX_GUIDELINES_BYTES)
    except ReaderError as error:
        raise ReaderError(f"guidelines: {error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReaderError(f"guidelines: {path}: not valid UTF-8 (byte {error.start})") from None
    return Guidelines(path, text)


_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?\s+)")
_DECORATION = "`*_\"'“”‘’[]()"


def _plain(title: str) -> str:
    title = _NUMBERING.sub("", title.strip())
    return " ".join(title.strip(_DECORATION + " ").casefold().split())


def is_label_heading(title: str, label: str) -> bool:
    """Whether a heading starts the section of `label`: `Actor`, `2. actor`, `` `actor` ``
    or `Actor — who acts or speaks` are; `Actors and topics` and `Factors` are not."""
    plain, name = _plain(title), " ".join(label.casefold().split())
    if not name or not plain.startswith(name):
        return False
    rest = plain[len(name):]
    return not rest or not (rest[0].isalnum() or rest[0] == "_")


def label_heading(titles: list[str], label: str) -> int | None:
    """The index of the first heading in `titles` that is `label`'s section."""
    return next((index for index, title in enumerate(titles)
                 if is_label_heading(title, label)), None)

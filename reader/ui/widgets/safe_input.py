"""An Input that shows control and bidi characters of its value as pictures.

A note read from someone else's database is edited in place: its value must stay exactly
what is stored (Enter on an unchanged note changes nothing), yet what is drawn must not
carry its escape sequences to the terminal. The sanitiser maps one code point to one
one-cell code point, so the cursor and selection indexes stay those of the value."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Input

from reader.text.sanitize import safe_text


class SafeInput(Input):
    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(safe_text(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(safe_text(self.value[:position]))

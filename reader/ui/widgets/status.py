"""The two lines under the article: the label legend and the status of cursor and saving.

Everything shown here that came from data (label names and descriptions, annotators,
quotes) goes through `safe_text` and into `Text` objects: never markup, never raw."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from reader.annotate.labels import Label, RelationType
from reader.text.sanitize import safe_line, safe_text
from reader.ui.status_text import fit_words

LEGEND_MAX_ROWS = 2
CHIP_MAX = 24  # cells: one label with a very long name leaves room for the others
UNDER_CURSOR_SHOWN = 3  # descriptions of what is under the cursor, at most
UNDER_CURSOR_MIN = 20  # cells: a description cut shorter than this says little


Chip = Label | RelationType  # a key, a name and a colour
RELATION_HINT = "enter: pick relation · esc: cancel"


def _chip(label: Chip) -> str:
    key = f"{label.key} " if label.key else ""
    return f" {key}{safe_line(label.name, CHIP_MAX)} "


def legend_rows(labels: tuple[Chip, ...], width: int,
                max_rows: int = LEGEND_MAX_ROWS, hint: str | None = None,
                doc_labels: tuple[str, ...] = (),
                keys: tuple[str, str] = ("enter", "?")) -> list[Text]:
    """Label chips laid out in at most `max_rows` rows of `width` cells, then the labels of
    the whole document (`# relevant`), then the hint.

    Labels past the ninth have no number key: the hint says Enter picks any label, and
    chips that do not fit are counted as "+N more" rather than silently cut. `keys` are
    the picker's and the help's (the user's, after `[keys]` in the config)."""
    if hint is None:
        keyless = any(label.key is None for label in labels)
        pick, help_key = keys
        hint = (f"{pick}: any label (keys only 1-9) · {help_key}: help" if keyless
                else f"{pick}: pick label · {help_key}: help")
    rows: list[Text] = [Text()]
    for index, label in enumerate(labels):
        chip = _chip(label)
        needed = cell_len(chip) + 2
        left = len(labels) - index
        last_row = len(rows) == max_rows
        # On the last row keep room for "+N more" if anything would still follow.
        reserve = len(f"+{left - 1} more") + 2 if last_row and left > 1 else 0
        if rows[-1].cell_len + needed + reserve > width and rows[-1].cell_len:
            if last_row:
                rows[-1].append(f"+{left} more", style="bold")
                rows[-1].append("  ")
                break
            rows.append(Text())
        rows[-1].append(chip, style=f"bold black on {label.color}")
        rows[-1].append("  ")
    shown = safe_line(", ".join(doc_labels), CHIP_MAX * 2) if doc_labels else ""
    tail = f"# {shown}  " if shown else ""
    if rows[-1].cell_len + cell_len(tail + hint) > width and len(rows) < max_rows:
        rows.append(Text())
    rows[-1].append(tail, style="bold")
    rows[-1].append(hint, style="dim")
    for row in rows:
        row.no_wrap = True
        row.overflow = "ellipsis"
    return rows


class Legend(Static):
    """Label chips: key, colour and name, so the keys never need remembering. While a
    relation is pending the number keys pick relation labels, and it shows those."""

    DEFAULT_CSS = """
    Legend { height: auto; max-height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, labels: tuple[Label, ...], *,
                 keys: tuple[str, str] = ("enter", "?"), **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.labels = labels
        self.keys = keys  # the label picker's and the help's
        self.relations: tuple[RelationType, ...] | None = None
        self.doc_labels: tuple[str, ...] = ()
        tooltip = Text()
        for index, label in enumerate(labels):
            if index:
                tooltip.append("\n")
            tooltip.append(f"{label.key or 'enter'}  {safe_text(label.name)}")
            if label.description:
                tooltip.append(f": {safe_text(label.description)}")
        self.tooltip = tooltip

    def show_relations(self, relations: tuple[RelationType, ...] | None) -> None:
        """The relation labels on the number keys (a relation is pending), or None: back to
        the span labels."""
        if relations != self.relations:
            self.relations = relations
            self.refresh(layout=True)

    def show_doc_labels(self, names: tuple[str, ...]) -> None:
        """The labels this annotator gave the whole document (`#` changes them)."""
        if names != self.doc_labels:
            self.doc_labels = names
            self.refresh(layout=True)

    def _rows(self, width: int) -> list[Text]:
        if self.relations is not None:
            return legend_rows(self.relations, max(width, 1), hint=RELATION_HINT)
        return legend_rows(self.labels, max(width, 1), doc_labels=self.doc_labels,
                           keys=self.keys)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows(width))

    def render(self) -> Text:
        return Text("\n").join(self._rows(self.content_size.width))


class StatusLine(Static):
    """Where the cursor is, what it is on, and what was last saved.

    Room goes first to what just happened (the message, and the save state, "saved ✓",
    which is never cut), then to what is under the cursor, then to the position. What
    must be shortened is cut after a whole word, with an ellipsis; what has no room left
    is dropped (under the cursor: counted as "+N")."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel-darken-1; padding: 0 1; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mode = ""
        self.where = ""
        self.under_cursor: list[str] = []
        self.message = ""
        self.state = ""
        self.hidden = 0  # more under the cursor than `under_cursor` holds

    def show(self, *, mode: str | None = None, where: str | None = None,
             under_cursor: list[str] | None = None, message: str | None = None,
             state: str | None = None, hidden: int = 0) -> None:
        if mode is not None:
            self.mode = mode
        if where is not None:
            self.where = where
        if under_cursor is not None:
            self.under_cursor = under_cursor
            self.hidden = hidden
        if message is not None:
            self.message = message
        if state is not None:
            self.state = state
        self.refresh()

    def render(self) -> Text:
        room = self.content_size.width or 10_000
        mode = f" {safe_text(self.mode)} " if self.mode else ""
        state = self.state and ((" · " if self.message else "  ") + safe_text(self.state))
        room -= cell_len(mode) + (1 if mode else 0) + cell_len(state)

        message = "  " + fit_words(self.message, room - 2) if self.message else ""
        room -= cell_len(message)
        under: list[str] = []
        for description in self.under_cursor[:UNDER_CURSOR_SHOWN]:
            if room - 2 < min(cell_len(description), UNDER_CURSOR_MIN):
                break  # neither whole nor long enough to say something
            under.append("  " + fit_words(description, room - 2))
            room -= cell_len(under[-1])
        more = len(self.under_cursor) + self.hidden - len(under)
        more_text = f" +{more}" if more and room >= len(f" +{more}") else ""
        room -= cell_len(more_text)
        where = _fit_position(self.where, room)

        text = Text(no_wrap=True, overflow="ellipsis")
        if mode:
            text.append(mode, style="bold reverse")
            text.append(" ")
        pieces = [(where, "dim"), *((d, "bold") for d in under), (more_text, ""),
                  (message + state, "italic")]
        first = True
        for piece, style in pieces:
            if piece and first:  # the first piece shown needs no gap before it
                piece, first = piece.lstrip(" "), False
            text.append(piece, style=style)
        return text


def _fit_position(where: str, room: int) -> str:
    """The position's parts ("doc 2/40 · done 7/40", "12:5", "30%", "spans 8") that fit,
    the last ones dropped first."""
    parts = safe_text(where).split("  ")
    while parts and cell_len("  ".join(parts)) > room:
        parts.pop()
    return "  ".join(parts)

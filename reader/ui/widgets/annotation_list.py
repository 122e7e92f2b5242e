"""The sidebar: the document's annotations in text order, each followed by the relations it
heads ("↳ by → actor “Ana”"), filterable by label (a span's or a relation's).

The mouse can relate too: a span row ends in a "→" cell (click it, or right-click the row,
to start a relation from that span; then click the other span's row to make it) and one's
own relation rows end in a "✕" cell that deletes the relation.

Its list draws only the rows on screen (LineList), so twenty thousand annotations open
and update as fast as twenty."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from reader.annotate.span_index import Span
from reader.store.relations import Relation
from reader.text.sanitize import safe_line
from reader.ui.widgets.line_list import LineList


class RelationRow(NamedTuple):
    """A relation in the list, under the row of its head; Enter goes to its child."""

    relation: Relation
    head: Span
    child: Span


ListRow = Span | RelationRow

ACTION_CELLS = 3  # the " → " / " ✕ " cell at the right end of a row
RELATE, RELATING_FROM, DELETE = " → ", " ● ", " ✕ "
IDLE_HELP = "{filter} filter · {back} back · {jump} jump\nclick → relate · ✕ delete"
PENDING_HELP = "click the other span · ● or esc cancels"
# The screen's bindings a printable key may still reach from the list (help, undo, on
# whatever keys `[keys]` gave them); other keys the list does not bind itself go to the
# filter, so typing in the list never reaches the article's keys (`c`).
SCREEN_BINDINGS = frozenset({"app.help", "history.undo"})


class SpanList(LineList[ListRow]):
    """One annotation a row: its label as a coloured chip, the text it covers, a note mark;
    under it the relations it heads. `x`, `a`, the label keys and `y` act on the row's
    annotation (not on the article's cursor); the cells at the right end relate or delete
    with the mouse (see the module's docstring)."""

    BINDINGS = [
        Binding("x", "delete", "Delete", id="annotation.delete"),
        Binding("a", "note", "Note", show=False, id="annotation.note"),
        Binding("y", "copy_text", "Copy text", show=False, id="copy.text"),
        Binding("escape", "back", "Back to the article", show=False, id="list.back"),
        *(Binding(str(n), f"tag('{n}')", f"Tag with label {n}", show=False,
                  id=f"list.tag{n}") for n in range(1, 10)),
    ]

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | {"span-list--action"}

    DEFAULT_CSS = """
    SpanList > .span-list--action { text-style: bold; background: $accent 40%; }
    """

    def __init__(self, text: str, colors: dict[str, str],
                 relation_colors: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.text = text
        self.label_colors = colors
        self.relation_colors = relation_colors or {}
        self.relating_from: str | None = None  # the uid of the span a relation is pending from

    def _action(self, row: ListRow) -> str:
        """The clickable cell a row ends in ("" for none: others' spans and relations)."""
        if isinstance(row, RelationRow):
            return DELETE if row.head.own else ""  # a relation joins its annotator's spans
        if not row.own:
            return ""
        return RELATING_FROM if row.uid == self.relating_from else RELATE

    def _covered(self, span: Span, room: int) -> str:
        shown_end = min(span.end, span.start + 4 * room + 8)  # never slice more than fits
        covered = self.text[span.start:shown_end].replace("\r", " ").replace("\n", " ")
        covered = safe_line(covered, room)
        if shown_end < span.end and cell_len(covered) < room and not covered.endswith("…"):
            covered += "…"
        return covered

    def render_row(self, row: ListRow, width: int, style: Style) -> list[Segment]:
        action = self._action(row)
        if not action:
            return self._row_content(row, width, style)
        room = max(width - ACTION_CELLS, 1)
        action_style = style + self.get_component_rich_style("span-list--action", partial=True)
        return [*Segment.adjust_line_length(self._row_content(row, room, style), room, style),
                Segment(action, action_style)]

    def _row_content(self, row: ListRow, width: int, style: Style) -> list[Segment]:
        if isinstance(row, RelationRow):
            return self._render_relation(row, width, style)
        span = row
        color = self.label_colors.get(span.label, "grey50")
        chip = f" {safe_line(span.label, max(width // 3, 4))} "
        extra = (" ✎" if span.note else "") + \
            ("" if span.own else f" ({safe_line(span.annotator, max(width // 4, 4))})")
        room = max(width - cell_len(chip) - 1 - cell_len(extra), 1)
        covered = self._covered(span, room)
        return [Segment(chip, style + Style.parse(f"bold black on {color}")),
                Segment(" " + covered, style), Segment(extra, style + Style(bold=True))]

    def _render_relation(self, row: RelationRow, width: int, style: Style) -> list[Segment]:
        """`↳ by → actor “Ana”`: the head is the row above (or its text, filtered out)."""
        relation, child = row.relation, row.child
        color = self.relation_colors.get(relation.label, "grey50")
        chip = f" {safe_line(relation.label, max(width // 4, 4))} "
        target = f" → {safe_line(child.label, max(width // 4, 4))} "
        extra = "" if child.own else f" ({safe_line(relation.annotator, max(width // 4, 4))})"
        room = max(width - 2 - cell_len(chip) - cell_len(target) - cell_len(extra), 1)
        return [Segment("↳ ", style + Style(dim=True)),
                Segment(chip, style + Style.parse(f"bold black on {color}")),
                Segment(target, style), Segment(self._covered(child, room), style),
                Segment(extra, style + Style(bold=True))]

    def choose(self, row: ListRow) -> None:
        span = row.child if isinstance(row, RelationRow) else row
        self.post_message(AnnotationList.Jump(span))

    def action_delete(self) -> None:
        if self.rows:
            self.post_message(AnnotationList.Delete(self.rows[self.cursor_row]))

    def _row_span(self) -> Span | None:
        """The highlighted row's span (a relation row: its child, where Enter goes)."""
        if not self.rows:
            return None
        row = self.rows[self.cursor_row]
        return row.child if isinstance(row, RelationRow) else row

    def action_note(self) -> None:
        span = self._row_span()
        if span is not None:
            self.post_message(AnnotationList.Note(span))

    def action_copy_text(self) -> None:
        span = self._row_span()
        if span is not None:
            self.post_message(AnnotationList.Copy(span))

    def action_tag(self, key: str) -> None:
        span = self._row_span()
        if span is not None:
            self.post_message(AnnotationList.Tag(span, key))

    def action_back(self) -> None:
        self.post_message(AnnotationList.Back())

    def on_key(self, event: events.Key) -> None:
        """Typing in the list filters it: a printable key the list does not bind goes to the
        filter box instead of on to the article's bindings."""
        if not event.is_printable or event.character is None:
            return
        # The active bindings have the user's keys (`[keys]`); the class's have the defaults.
        active = self.screen.active_bindings.get(event.key)
        if active is None or not (active.node is self or
                                  active.binding.id in SCREEN_BINDINGS):
            event.stop()
            event.prevent_default()
            parent = self.parent
            if isinstance(parent, AnnotationList):
                parent.type_in_filter(event.character)

    def on_click(self, event: events.Click) -> None:
        """A click on a row's "→" or "✕" cell, a right or ctrl click on a span row, or, while
        a relation is pending, a click on another span row: relate or delete (else the
        plain click of LineList: the cursor, a double click jumps)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self._header_rows:
            return
        index = round(self.scroll_y) + offset.y - self._header_rows
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        on_action = bool(self._action(row)) and \
            offset.x >= self.scrollable_content_region.width - ACTION_CELLS
        message: Message | None = None
        if isinstance(row, RelationRow):
            message = AnnotationList.Delete(row) if on_action else None
        elif on_action or event.button == 3 or event.ctrl or (
                self.relating_from not in (None, row.uid) and event.chain == 1):
            message = AnnotationList.Relate(row)
        if message is None:
            return
        event.prevent_default()  # not also LineList's click (a double click would jump)
        event.stop()
        self.cursor_row = index
        self.refresh()
        self.post_message(message)


class AnnotationList(Vertical):
    """Enter (or a double click) on an item jumps to that annotation (a relation: to its
    child); `x`, `a`, the label keys and `y` ask the screen to act on it; Escape in the
    filter goes back to the rows, in the rows back to the article."""

    BINDINGS = [Binding("escape", "focus_rows", "Back to the list", show=False,
                        id="list.filter_back")]

    DEFAULT_CSS = """
    AnnotationList { width: 44; dock: right; border-left: tall $panel; display: none; }
    AnnotationList.-visible { display: block; }
    AnnotationList > Static { height: 1; background: $panel; padding: 0 1; }
    AnnotationList > Input { border: none; height: 1; padding: 0 1; }
    AnnotationList > Input:focus { border: none; }
    AnnotationList > #annotation-help { color: $text-muted; height: auto; }
    """

    class Jump(Message):
        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    class Delete(Message):
        """`x` (or a click on "✕") on a row: delete that span (and its relations) or that
        relation."""

        def __init__(self, row: ListRow) -> None:
            super().__init__()
            self.row = row

    class Note(Message):
        """`a` on a row: edit the note of `span`."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    class Copy(Message):
        """`y` on a row: copy the text `span` covers."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    class Tag(Message):
        """A label key on a row: toggle that key's label on `span`'s range (as the key
        does on a selection in the article)."""

        def __init__(self, span: Span, key: str) -> None:
            super().__init__()
            self.span = span
            self.key = key

    class Back(Message):
        """Escape in the list: back to the article (or cancel a pending relation)."""

    class Relate(Message):
        """A click on a span row's "→" (or a right click): start a relation from `span`, or
        end the pending one on it; on the span it is pending from, cancel it."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, text: str, colors: dict[str, str],
                 relation_colors: dict[str, str] | None = None, *,
                 keys: tuple[str, str, str] = ("/", "esc", "enter"),
                 **kwargs: object) -> None:
        """`keys`: the filter's, the way back's and the jump's, for the help line (the
        user's, after `[keys]` in the config)."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = text
        self.label_colors = colors
        self.relation_colors = relation_colors or {}
        filter_key, back, jump = keys
        self.idle_help = Text(IDLE_HELP.format(filter=filter_key, back=back, jump=jump))
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.label_filter = ""

    def compose(self) -> ComposeResult:
        yield Static("Annotations", id="annotation-count")
        yield Input(placeholder="filter by label…", id="label-filter")
        yield SpanList(self.text, self.label_colors, self.relation_colors,
                       id="annotation-options")
        yield Static(self.idle_help, id="annotation-help")

    def set_relating(self, head: Span | None) -> None:
        """A relation is pending from `head` (None: none is): mark its row, say how to end it."""
        if not self.is_mounted:
            return
        options = self.query_one(SpanList)
        options.relating_from = head.uid if head is not None else None
        options.refresh()
        self.query_one("#annotation-help", Static).update(
            PENDING_HELP if head is not None else self.idle_help)

    def update_spans(self, spans: list[Span], relations: Iterable[Relation] = ()) -> None:
        self.spans = spans
        self.relations = list(relations)
        if self.is_mounted:
            self._rebuild()

    def on_show(self) -> None:
        self._rebuild()

    @on(Input.Changed, "#label-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.label_filter = event.value.strip().lower()
        self._rebuild()

    @on(Input.Submitted, "#label-filter")
    def _filter_done(self) -> None:
        self.query_one(SpanList).focus()

    def type_in_filter(self, character: str) -> None:
        """A key typed in the rows: it starts (or goes on with) the filter."""
        field = self.query_one("#label-filter", Input)
        field.focus()
        field.insert_text_at_cursor(character)

    def focus_filter(self) -> None:
        self.query_one("#label-filter", Input).focus()

    def focus_rows(self) -> None:
        self.query_one(SpanList).focus()

    def action_focus_rows(self) -> None:
        self.focus_rows()

    def shown_spans(self) -> list[Span]:
        wanted = self.label_filter
        return [s for s in self.spans if not wanted or wanted in s.label.lower()]

    def shown_rows(self) -> list[ListRow]:
        """The spans the filter lets through, each followed by the relations it heads that
        the filter lets through (a relation is shown by its own label)."""
        wanted = self.label_filter
        by_uid = {span.uid: span for span in self.spans} if self.relations else {}
        headed: dict[str, list[RelationRow]] = {}
        for relation in self.relations:
            head, child = by_uid.get(relation.head_uid), by_uid.get(relation.child_uid)
            if head is not None and child is not None and \
                    (not wanted or wanted in relation.label.lower()):
                headed.setdefault(head.uid, []).append(RelationRow(relation, head, child))
        rows: list[ListRow] = []
        for span in self.spans:
            if not wanted or wanted in span.label.lower():
                rows.append(span)
            rows.extend(headed.get(span.uid, ()))
        return rows

    def _rebuild(self) -> None:
        rows = self.shown_rows()
        self.query_one(SpanList).set_rows(rows)
        spans = sum(1 for row in rows if isinstance(row, Span))
        relations = len(rows) - spans
        count = self.query_one("#annotation-count", Static)
        text = f"Annotations: {spans}" + (f" of {len(self.spans)}"
                                          if spans != len(self.spans) else "")
        if self.relations:
            text += f" · relations: {relations}" + (
                f" of {len(self.relations)}" if relations != len(self.relations) else "")
        count.update(text)

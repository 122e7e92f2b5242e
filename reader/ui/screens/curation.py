"""The curation screen (`reader curate` without `--auto`): the disagreements one by one, each
annotator's version side by side, to choose one into the gold layer, edit it first (its
boundaries, its label) or reject them all; `u` takes the latest decision back.

It gets a `CurationSession` (the disagreements, and the decisions' writes) in its
constructor; writes run in a thread, so the screen never waits for the database. Texts,
labels, notes and names are data: shown as sanitised `Text`, never as markup."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reader.annotate.labels import Config
from reader.store.annotations import ChangedElsewhere
from reader.team.curation import CurationSession, Shown
from reader.text.sanitize import safe_text
from reader.ui.notify import tell
from reader.ui.widgets.footer import ReaderFooter
from reader.ui.widgets.title_bar import TitleBar

CONTEXT = 80  # characters of text shown on each side of a disagreement
KINDS = {"span": "spans", "relation": "relations", "doc_label": "document labels"}


class CurationScreen(Screen[None]):
    DEFAULT_CSS = """
    CurationScreen #curation-body { height: 1fr; padding: 0 1; }
    CurationScreen #curation-context { margin: 1 0; }
    CurationScreen #curation-versions { height: auto; }
    CurationScreen .version {
        width: 1fr; height: auto; min-height: 4; border: round $foreground 30%;
        padding: 0 1; margin-right: 1;
    }
    CurationScreen .version.selected { border: heavy $accent; }
    CurationScreen #curation-status { height: 1; padding: 0 1; background: $panel; }
    """

    BINDINGS = [
        Binding("left,h", "select(-1)", "Previous version", id="curate.left"),
        Binding("right,l", "select(1)", "Next version", id="curate.right"),
        Binding("enter,c", "choose", "Choose", id="curate.choose"),
        Binding("e", "edit", "Edit label", id="curate.edit"),
        Binding("left_square_bracket", "nudge('start', -1)", "Start earlier",
                show=False, id="curate.start_earlier"),
        Binding("right_square_bracket", "nudge('start', 1)", "Start later",
                show=False, id="curate.start_later"),
        Binding("left_curly_bracket", "nudge('end', -1)", "End earlier",
                show=False, id="curate.end_earlier"),
        Binding("right_curly_bracket", "nudge('end', 1)", "End later",
                show=False, id="curate.end_later"),
        Binding("x", "reject", "Reject", id="curate.reject"),
        Binding("u", "undo", "Undo", id="curate.undo"),
        Binding("n,j,down", "move(1)", "Next", id="curate.next"),
        Binding("p,k,up", "move(-1)", "Previous", id="curate.previous"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, session: CurationSession, config: Config,
                 keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.session = session
        self.config = config
        self.keymap = keymap or {}
        self.index = self._next_open(0, 1) if len(session) else 0
        self.selected = 0  # which version, in the item's order
        self.drafts: dict[tuple[int, str], Any] = {}  # (index, annotator) -> edited key
        self.busy = False  # a decision is being written
        self.message = ""

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="⚖")
        with VerticalScroll(id="curation-body"):
            yield Static(id="curation-heading")
            yield Static(id="curation-context")
            yield Static(id="curation-gold")
            yield Horizontal(id="curation-versions")
        yield Static(id="curation-status")
        yield ReaderFooter()

    async def on_mount(self) -> None:
        self.title = f"Curation into {safe_text(self.session.gold)}"
        self.sub_title = f"curator {safe_text(self.session.curator)}"
        await self.show()

    # --- drawing ------------------------------------------------------------------------

    @property
    def current(self) -> Shown | None:
        return self.session.shown[self.index] if len(self.session) else None

    def annotators(self) -> list[str]:
        shown = self.current
        return [annotator for annotator, _keys in shown.item.versions] if shown else []

    async def show(self) -> None:
        """Draw the disagreement at `self.index`: heading, context, versions, status."""
        shown = self.current
        versions = self.query_one("#curation-versions", Horizontal)
        await versions.remove_children()
        if shown is None:
            self.query_one("#curation-heading", Static).update(
                Text("Nothing to curate: every disagreement is decided."))
            self.query_one("#curation-context", Static).update("")
            self.query_one("#curation-gold", Static).update("")
            self._status()
            return
        item = shown.item
        heading = Text()
        heading.append(f"{KINDS[item.kind]} · ", style="bold")
        heading.append(safe_text(shown.title))
        self.query_one("#curation-heading", Static).update(heading)
        self.query_one("#curation-context", Static).update(self._context_text(shown))
        self.query_one("#curation-gold", Static).update(self._gold_text(shown))
        panels = []
        for number, (annotator, keys) in enumerate(item.versions):
            panel = Static(self._version(shown, annotator, keys), classes="version")
            # Text, not str: a border title string is parsed as markup, a name is data
            panel.border_title = Text(f"{number + 1} {safe_text(annotator)}")
            if number == self.selected:
                panel.add_class("selected")
            panels.append(panel)
        await versions.mount_all(panels)
        self._status()

    def _context_text(self, shown: Shown) -> Text:
        """The text around the disagreement, its stretch reversed (a document label's
        disagreement: the document's opening)."""
        text, item = shown.text, shown.item
        if item.kind == "doc_label":
            return Text(safe_text(text[:2 * CONTEXT]) + ("…" if len(text) > 2 * CONTEXT
                                                          else ""), style="dim")
        low, high = max(0, item.start - CONTEXT), min(len(text), item.end + CONTEXT)
        shown_text = Text("…" if low else "", style="dim")
        shown_text.append(safe_text(text[low:item.start]))
        shown_text.append(safe_text(text[item.start:item.end]), style="reverse")
        shown_text.append(safe_text(text[item.end:high]))
        shown_text.append("…" if high < len(text) else "", style="dim")
        return shown_text

    def _gold_text(self, shown: Shown) -> Text:
        """What gold has in this stretch already, or (a document label disagreement) the
        labels gold gives the document: with a single-choice label set, a second one is
        the curator's to weigh."""
        if shown.item.kind == "relation":
            return Text()
        line = Text()
        if shown.item.kind == "doc_label":
            line.append(f"{safe_text(self.session.gold)} labels the document: ", style="bold")
            labels = self.session.gold_labels(self.index)
            if not labels:
                line.append("nothing yet", style="dim italic")
            for label in labels:
                line.append_text(self._label(label))
                line.append(" ")
            return line
        line.append(f"{safe_text(self.session.gold)} has here: ", style="bold")
        found = self.session.gold_near(self.index)
        if not found:
            line.append("nothing yet", style="dim italic")
        for number, key in enumerate(found):
            if number:
                line.append("  ")
            line.append_text(self._span(shown.text, key))
        return line

    def _label(self, name: str) -> Text:
        colors = {label.name: label.color for label in self.config.labels}
        colors.update({kind.name: kind.color for kind in self.config.relations})
        color = colors.get(name, "grey50")
        label = Text()  # the colour on the name only, not on what is appended after it
        label.append(f" {safe_text(name)} ", style=f"bold black on {color}")
        return label

    def _span(self, text: str, key: Any) -> Text:
        start, end, label = key
        line = self._label(label)
        line.append(f" “{safe_text(text[start:end])}” [{start}:{end}]")
        return line

    def _version(self, shown: Shown, annotator: str, keys: tuple[Any, ...]) -> Text:
        """One annotator's version: each span (label, text, offsets, note), relation or
        label; an edit in progress shown in its place."""
        text, item = shown.text, shown.item
        lines = Text()
        draft = self.drafts.get((self.index, annotator))
        if not keys:
            lines.append("(nothing here)", style="dim italic")
        for key in keys:
            if lines:
                lines.append("\n")
            if item.kind == "span":
                lines.append_text(self._span(text, draft if draft is not None else key))
                note = self.session.note(item.document_id, annotator, key)
                if note:
                    lines.append("\nnote: ", style="dim")
                    lines.append(safe_text(note), style="italic")
            elif item.kind == "relation":
                head, child, label = draft if draft is not None else key
                lines.append_text(self._span(text, head))
                lines.append(" —")
                lines.append_text(self._label(label))
                lines.append("→ ")
                lines.append_text(self._span(text, child))
            else:
                lines.append_text(self._label(key))
        if draft is not None:
            lines.append("\n(edited: enter puts this into gold)", style="bold")
        return lines

    def _status(self) -> None:
        total = len(self.session)
        parts = [f"disagreement {self.index + 1} of {total}" if total else "0 of 0",
                 f"decided {self.session.decided}"]
        state = self.session.states.get(self.index)
        if state is not None:
            parts.append(f"this one: {state} (u undoes)")
        if self.busy:
            parts.append("saving…")
        if self.message:
            parts.append(self.message)
        self.query_one("#curation-status", Static).update(Text(safe_text(" · ".join(parts))))

    # --- moving -------------------------------------------------------------------------

    def _next_open(self, start: int, step: int) -> int:
        """The first undecided disagreement from `start` on (wrapping), else `start`."""
        total = len(self.session)
        for offset in range(total):
            index = (start + step * offset) % total
            if index not in self.session.states:
                return index
        return start % total

    async def action_move(self, step: int) -> None:
        if len(self.session):
            self.index = (self.index + step) % len(self.session)
            self.selected = 0
            self.message = ""
            await self.show()

    async def action_select(self, step: int) -> None:
        count = len(self.annotators())
        if count:
            self.selected = (self.selected + step) % count
            await self.show()

    async def action_nudge(self, end: str, step: int) -> None:
        """Move the selected version's start or end by one character (a version of one
        span): the edit goes into gold on enter."""
        shown = self.current
        if shown is None or shown.item.kind != "span":
            return
        annotator = self.annotators()[self.selected]
        keys = shown.item.version(annotator)
        if len(keys) != 1:
            self.message = "boundaries are edited on a version of one span"
            self._status()
            return
        start, stop, label = self.drafts.get((self.index, annotator), keys[0])
        if end == "start":
            start += step
        else:
            stop += step
        if 0 <= start < stop <= len(shown.text):
            self._set_draft(annotator, keys[0], (start, stop, label))
        await self.show()

    def _set_draft(self, annotator: str, original: Any, key: Any) -> None:
        if key == original:
            self.drafts.pop((self.index, annotator), None)
        else:
            self.drafts[(self.index, annotator)] = key

    # --- deciding -----------------------------------------------------------------------

    def _can_decide(self) -> bool:
        if self.current is None or self.busy:
            return False
        if self.index in self.session.states:
            self.message = "decided already: u takes it back"
            self._status()
            return False
        return True

    def action_choose(self) -> None:
        if not self._can_decide():
            return
        annotator = self.annotators()[self.selected]
        draft = self.drafts.get((self.index, annotator))
        if draft is not None:
            self._write("edit", annotator, draft)
        else:
            self._write("choose", annotator, None)

    def action_reject(self) -> None:
        if self._can_decide():
            self._write("reject", "", None)

    def action_edit(self) -> None:
        """Pick a label for the selected version (one span or one relation), then it goes
        into gold as edited."""
        shown = self.current
        if not self._can_decide() or shown is None:
            return
        annotator = self.annotators()[self.selected]
        keys = shown.item.version(annotator)
        if shown.item.kind == "doc_label" or len(keys) != 1:
            self.message = "edit works on a version of one span or one relation"
            self._status()
            return
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        draft = self.drafts.get((self.index, annotator), keys[0])
        if shown.item.kind == "span":
            names = [label.name for label in self.config.labels]
        else:
            names = [kind.name for kind in self.config.relations]
        for _who, others in shown.item.versions:
            for key in others:
                if key[-1] not in names:
                    names.append(key[-1])

        def picked(label: str | None) -> None:
            if label is not None:
                self._set_draft(annotator, keys[0], (*draft[:-1], label))
                self.action_choose()

        self.app.push_screen(ChooseScreen(f"label for {annotator}'s version",
                                          [Choice(name, name) for name in names]), picked)

    async def action_undo(self) -> None:
        if self.busy:
            return
        self.busy = True
        self._status()
        self._undo()

    @work(thread=True, group="curate")
    def _undo(self) -> None:
        try:
            index = self.session.undo()
        except ChangedElsewhere as error:
            self.app.call_from_thread(self._written, None, f"not undone: {error}")
            return
        self.app.call_from_thread(self._written, index, "nothing to undo" if index is None
                                  else "undone")

    def _write(self, what: str, annotator: str, key: Any) -> None:
        self.busy = True
        self._status()
        self._decide(self.index, what, annotator, key)

    @work(thread=True, group="curate")
    def _decide(self, index: int, what: str, annotator: str, key: Any) -> None:
        """Write one decision off the UI thread (another process may hold the lock)."""
        try:
            if what == "choose":
                self.session.choose(index, annotator)
            elif what == "edit":
                self.session.edit(index, annotator, key)
            else:
                self.session.reject(index)
        except (ChangedElsewhere, ValueError) as error:
            self.app.call_from_thread(self._written, None, f"not saved: {error}")
            return
        self.app.call_from_thread(self._decided, index)

    def _decided(self, index: int) -> None:
        self.busy = False
        self.message = f"saved: {self.session.states[index]}"
        if len(self.session.states) < len(self.session):
            self.index = self._next_open(index, 1)
        self.selected = 0
        self.call_next(self.show)

    def _written(self, index: int | None, message: str) -> None:
        self.busy = False
        self.message = message
        if index is not None:
            self.index, self.selected = index, 0
        self.call_next(self.show)

    # --- the rest -----------------------------------------------------------------------

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(
            [("Curation", [b for b in self.BINDINGS if isinstance(b, Binding)])],
            self.config.labels, keymap=self.keymap))

    def action_quit(self) -> None:
        if self.busy:
            tell(self.app, "a decision is being saved; q again in a moment")
            return
        self.app.exit()

"""The annotation guidelines beside the article (Prodigy shows them on a key, INCEpTION and
doccano in a panel): the labels with their keys and descriptions from the config, then the
guidelines file rendered by Textual's Markdown widget, opened at the section of the label
under the cursor when the file has a heading per label. `/` searches it (smart case, as the
article's search), n / N go from match to match.

The file is data: control characters are shown as pictures before the Markdown widget sees
it, links are not opened, and the file's name and the labels are Text, never markup."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from reader.annotate.guidelines import Guidelines, label_heading
from reader.annotate.labels import Label
from reader.text.sanitize import safe_line, safe_text
from reader.text.search import compile_query
from reader.ui.keymap import key_for
from reader.ui.scrolling import page_bindings, scroll_page

NO_FILE = ("No guidelines file. Name one with guidelines = \"GUIDELINES.md\" in the config"
           " (next to it) or reader open --guidelines FILE; a heading per label (## actor)"
           " opens at the label under the cursor.")


LAYOUT_TRIES = 20  # refreshes to wait for the guidelines' blocks to be laid out
NARROW = 90  # columns: below, the guidelines take the whole width while they are open


def displayable(text: str) -> str:
    """The guidelines' Markdown with every character the terminal could take for a command
    shown as its picture (line breaks and tabs kept as Markdown needs them)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    return "\n".join(safe_text(line) for line in lines)


class GuidelinesPanel(Vertical):
    """Docked at the right of the article; the keys of the article still act while it is
    open, except those it binds itself (scrolling, its search, Escape)."""

    DEFAULT_CSS = """
    GuidelinesPanel {
        dock: right; width: 50%; min-width: 36; max-width: 96;
        border-left: tall $panel; display: none;
    }
    GuidelinesPanel.-visible { display: block; }
    GuidelinesPanel.-full { width: 100%; max-width: 100%; border-left: none; }
    GuidelinesPanel > .guidelines-bar { height: 1; background: $panel; padding: 0 1; }
    GuidelinesPanel > #guidelines-label { height: auto; padding: 0 1; }
    GuidelinesPanel > Input { border: none; height: 1; padding: 0 1; display: none; }
    GuidelinesPanel > Input.-active { display: block; }
    GuidelinesPanel > Input:focus { border: none; }
    GuidelinesPanel > VerticalScroll { height: 1fr; scrollbar-gutter: stable; }
    GuidelinesPanel > VerticalScroll:focus { background-tint: $foreground 3%; }
    GuidelinesPanel #guidelines-labels { padding: 0 1; }
    GuidelinesPanel #guidelines-missing { padding: 1 1; color: $text-muted; }
    GuidelinesPanel MarkdownBlock.-match { background: $warning 25%; }
    GuidelinesPanel MarkdownBlock.-current { background: $warning 60%; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back to the article", id="guidelines.back"),
        Binding("slash", "search", "Search the guidelines", id="guidelines.search"),
        Binding("n", "step(1)", "Next match", show=False, id="guidelines.next"),
        Binding("N", "step(-1)", "Previous match", show=False, id="guidelines.previous"),
        *page_bindings("guidelines"),
    ]

    def __init__(self, guidelines: Guidelines | None, labels: tuple[Label, ...], *,
                 keymap: dict[str, str] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guidelines = guidelines
        self.labels = labels
        self.keymap = keymap or {}
        self.label: str | None = None  # the label whose section is wanted
        self._return_focus: Widget | None = None
        self._matches: list[MarkdownBlock] = []
        self._current: int | None = None
        self._ready = guidelines is None  # the Markdown has mounted its blocks

    # --- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        name = self.guidelines.path.name if self.guidelines else "no file"
        yield Static(Text(f"Guidelines · {safe_line(name, 60)}", style="bold"),
                     classes="guidelines-bar")
        yield Static(id="guidelines-label")
        yield Input(placeholder="search the guidelines (smart case) — enter, n / N, esc",
                    id="guidelines-search")
        with VerticalScroll(id="guidelines-scroll"):
            yield Static(self._labels_table(), id="guidelines-labels")
            if self.guidelines is None:
                yield Static(Text(NO_FILE), id="guidelines-missing")
            else:
                yield Markdown(displayable(self.guidelines.text), open_links=False,
                               id="guidelines-text")
        yield Static(id="guidelines-status", classes="guidelines-bar")

    def _labels_table(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for label in self.labels:
            # Text cells, not str: a Table parses str cells as markup.
            table.add_row(Text(label.key or ""),
                          Text(f" {safe_text(label.name)} ", style=f"bold black on {label.color}"),
                          Text(safe_text(label.description) or "(no description)",
                               style="" if label.description else "dim"))
        return table

    def on_mount(self) -> None:
        self._hint()
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Beside the article when there is room, over it in a narrow terminal (half of
        60 columns is too little to read either)."""
        self.set_class(self.screen.size.width < NARROW, "-full")

    def _hint(self, message: str | None = None) -> None:
        def key(binding_id: str, default: str) -> str:
            return key_for(self.keymap, binding_id, default)

        self.query_one("#guidelines-status", Static).update(Text(message or (
            f"{key('guidelines.search', 'slash')} search · {key('guidelines.back', 'escape')}"
            f" back · {key('guidelines.toggle', 'i')} close")))

    # --- showing -------------------------------------------------------------------------

    def toggle(self, label: str | None, back_to: Widget) -> None:
        """Open at `label`'s section and take the focus; with the focus here, close."""
        scroll = self.query_one("#guidelines-scroll")
        if self.has_class("-visible") and self.has_focus_within:
            self.remove_class("-visible")
            self.screen.set_focus(back_to)
            return
        self._return_focus = back_to
        self.add_class("-visible")
        # At once, not `focus()`: the keys already queued behind `i` are meant for here.
        self.screen.set_focus(scroll)
        self.show_label(label)

    def show_label(self, label: str | None) -> None:
        """Say what the label is (its description) and scroll to its section, if any."""
        self.label = label
        chosen = next((item for item in self.labels if item.name == label), None)
        line = self.query_one("#guidelines-label", Static)
        if chosen is None:
            line.update(Text("No label under the cursor: the labels and the guidelines.",
                             style="dim"))
        else:
            line.update(Text.assemble(
                Text(f" {safe_text(chosen.name)} ", style=f"bold black on {chosen.color}"),
                " ", Text(safe_text(chosen.description) or "(no description in the config)")))
        if self._ready:
            self.call_after_refresh(self._scroll_to_label)

    def _scroll_to_label(self, tries: int = LAYOUT_TRIES) -> None:
        scroll = self.query_one("#guidelines-scroll", VerticalScroll)
        heading = self.heading_of(self.label)
        if heading is None:
            scroll.scroll_home(animate=False)
            return
        if not heading.virtual_region.height and tries:
            # Mounted but not laid out yet (the Markdown mounts its blocks in batches):
            # where it will be is known after the next refresh.
            self.call_after_refresh(self._scroll_to_label, tries - 1)
            return
        scroll.scroll_to_widget(heading, top=True, animate=False)

    def heading_of(self, label: str | None) -> Widget | None:
        """The heading of `label`'s section in the guidelines, if they have one."""
        if label is None or self.guidelines is None:
            return None
        markdown = self.query_one(Markdown)
        contents = markdown.table_of_contents
        index = label_heading([title for _level, title, _id in contents], label)
        if index is None:
            return None
        return markdown.query_one(f"#{contents[index][2]}")

    @on(Markdown.TableOfContentsUpdated)
    def _markdown_ready(self) -> None:
        """The blocks are mounted: now there is a section to go to."""
        self._ready = True
        self.call_after_refresh(self._scroll_to_label)

    # --- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Escape: out of the search box, then back to the article (the panel stays beside
        it; over it, in a narrow terminal, it closes)."""
        field = self.query_one("#guidelines-search", Input)
        if field.has_focus:
            field.remove_class("-active")
            self.screen.set_focus(self.query_one("#guidelines-scroll"))
            return
        if self.has_class("-full"):  # over the article: it would stay out of sight
            self.remove_class("-visible")
        if self._return_focus is not None:
            self.screen.set_focus(self._return_focus)

    def action_scroll(self, where: str) -> None:
        scroll_page(self.query_one("#guidelines-scroll", VerticalScroll), where)

    def action_search(self) -> None:
        field = self.query_one("#guidelines-search", Input)
        field.add_class("-active")
        self.screen.set_focus(field)  # at once: the query typed right behind `/` goes in

    @on(Input.Changed, "#guidelines-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.find(event.value)

    @on(Input.Submitted, "#guidelines-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.query_one("#guidelines-scroll"))

    def find(self, query: str) -> int:
        """Mark every block of the guidelines the query is in and go to the first.
        Returns the number of blocks found."""
        for block in self._matches:
            block.remove_class("-match", "-current")
        self._matches, self._current = [], None
        if not query or self.guidelines is None:
            self._hint()
            return 0
        pattern = compile_query(query)
        self._matches = [block for block in self.query_one(Markdown).query(MarkdownBlock)
                         if not block.query(MarkdownBlock) and pattern.search(_plain(block))]
        for block in self._matches:
            block.add_class("-match")
        if not self._matches:
            self._hint(f"not found: {safe_line(query, 40)}")
            return 0
        self._go(0)
        return len(self._matches)

    def action_step(self, step: int) -> None:
        if not self._matches:
            self._hint("no search: press "
                       f"{key_for(self.keymap, 'guidelines.search', 'slash')} to search")
            return
        current = self._current if self._current is not None else -1
        self._go((current + step) % len(self._matches))

    def _go(self, index: int) -> None:
        if self._current is not None:
            self._matches[self._current].remove_class("-current")
        self._current = index
        block = self._matches[index]
        block.add_class("-current")
        self.query_one("#guidelines-scroll", VerticalScroll).scroll_to_widget(
            block, top=True, animate=False)
        self._hint(f"match {index + 1}/{len(self._matches)}")


def _plain(block: MarkdownBlock) -> str:
    """What a block shows (its source, for one that draws no text of its own: a table)."""
    content = block.content
    plain = content.plain if isinstance(content, Content) else ""
    return plain or block.source or ""


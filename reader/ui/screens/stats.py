"""Corpus statistics: progress, the label distribution as a bar chart, relations and
document labels by label, and suggestions by source."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.store.library import CorpusStats
from reader.store.relation_queries import RelationStats
from reader.text.sanitize import safe_text

BAR_WIDTH = 40


def bar(count: int, largest: int, color: str, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar in eighth-block steps, so small differences still show."""
    eighths = round(8 * width * count / largest) if largest else 0
    full, part = divmod(eighths, 8)
    return Text("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else ""), style=color)


def count_table(counts: Mapping[str, int], color_of: Callable[[str], str]) -> Table:
    """Names (as Text: a Table parses str cells as markup), counts and bars, largest
    first: the shape of every per-name table on this screen."""
    table = Table(box=None, show_header=False, padding=(0, 1))
    largest = max(counts.values(), default=0)
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        table.add_row(Text(safe_text(name)), str(count), bar(count, largest, color_of(name)))
    return table


class StatsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen { align: center middle; }
    StatsScreen > VerticalScroll {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,S", "dismiss", "Close", id="stats.close")]

    def __init__(self, stats: CorpusStats, annotator: str,
                 label_colors: dict[str, str], relations: RelationStats | None = None,
                 relation_colors: dict[str, str] | None = None,
                 suggestions: dict[str, dict[str, int]] | None = None,
                 assignments: dict[str, dict[str, int]] | None = None) -> None:
        super().__init__()
        self.assignments = assignments or {}  # per annotator: assigned, done, in progress
        self.suggestions = suggestions or {}  # by source: accepted, rejected, pending
        self.stats = stats
        self.annotator = annotator
        self.label_colors = label_colors
        self.relations = relations
        self.relation_colors = relation_colors or {}

    def compose(self) -> ComposeResult:
        stats = self.stats
        with VerticalScroll():
            done = stats.statuses.get("done", 0)
            progress = Table(box=None, show_header=False, padding=(0, 1))
            largest = max(stats.total, 1)
            for status, color in (("done", "green"), ("in_progress", "yellow"),
                                  ("new", "grey50")):
                count = stats.statuses.get(status, 0)
                progress.add_row(status.replace("_", " "), str(count),
                                 bar(count, largest, color))
            yield Static(Text(f"Progress of {safe_text(self.annotator)}: {done}/{stats.total} done",
                              style="bold"))
            yield Static(progress)
            colors = self.label_colors
            labels = count_table(stats.labels, lambda name: colors.get(name, "white"))
            yield Static(Text(f"\nYour spans by label ({sum(stats.labels.values())})",
                              style="bold"))
            yield Static(labels if stats.labels else Text("no spans yet", style="dim"))
            people = count_table(stats.annotators, lambda _name: "cyan")
            yield Static(Text("\nSpans by annotator", style="bold"))
            yield Static(people if stats.annotators else Text("no spans yet", style="dim"))
            if self.relations is not None:
                yield from self._relations(self.relations)
            if self.suggestions:
                yield from self._suggestions()
            if self.assignments:
                yield from self._assignments()
            yield Static(Text("\nescape closes", style="dim"))

    def _suggestions(self) -> ComposeResult:
        """Per source: what the annotators accepted, rejected, and what still waits (in
        the whole database, as `reader stats`), with the source's precision."""
        table = Table(box=None, padding=(0, 1))
        for column in ("source", "accepted", "rejected", "pending", "precision"):
            table.add_column(column, justify="left" if column == "source" else "right")
        for source, counts in self.suggestions.items():
            decided = counts["accepted"] + counts["rejected"]
            precision = f"{counts['accepted'] / decided:.0%}" if decided else "-"
            table.add_row(Text(safe_text(source)), str(counts["accepted"]),
                          str(counts["rejected"]), str(counts["pending"]), precision)
        yield Static(Text("\nSuggestions by source", style="bold"))
        yield Static(table)

    def _assignments(self) -> ComposeResult:
        """Each annotator's progress through the documents assigned to them (`reader
        assign`), in the whole database: the coordinator's view of the team."""
        table = Table(box=None, padding=(0, 1))
        for column in ("annotator", "assigned", "done", "in progress", ""):
            table.add_column(column, justify="left" if column in ("annotator", "") else "right")
        for name, counts in self.assignments.items():
            table.add_row(Text(safe_text(name)), str(counts["assigned"]), str(counts["done"]),
                          str(counts["in_progress"]),
                          bar(counts["done"], counts["assigned"], "green", width=24))
        yield Static(Text("\nAssignments by annotator", style="bold"))
        yield Static(table)

    def _relations(self, found: RelationStats) -> ComposeResult:
        relations = count_table(found.relations,
                                lambda name: self.relation_colors.get(name, "white"))
        yield Static(Text(f"\nYour relations by label ({sum(found.relations.values())})",
                          style="bold"))
        yield Static(relations if found.relations else Text("no relations yet", style="dim"))
        labels = count_table(found.doc_labels, lambda _name: "magenta")
        yield Static(Text(f"\nYour document labels ({found.labelled}/{self.stats.total}"
                          " documents labelled)", style="bold"))
        yield Static(labels if found.doc_labels else Text("no document labels yet",
                                                         style="dim"))

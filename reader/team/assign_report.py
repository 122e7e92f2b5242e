"""The assignment plan as a coordinator reads it: a table per document and per annotator, or
JSON (`{"documents": {"<public id>": ["alice", ...]}}`) and CSV for scripts. Ids, titles
and names are data: shown as Text, never as markup, with control characters as pictures."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reader.store.assignments import PlannedDocument
from reader.team.assign import AssignOptions, AssignPlan, overlap_target
from reader.text.sanitize import safe_text, terminal_json

TABLE_ROWS = 200


@dataclass(frozen=True)
class PlanView:
    """What the report shows: the selection's documents, the plan for them, every
    assignment in the database afterwards (hash -> annotators) and each annotator's
    progress (`reader.store.assignments.assignment_progress`)."""

    documents: Sequence[PlannedDocument]
    plan: AssignPlan
    everyone: Mapping[str, Sequence[str]]
    progress: Mapping[str, Mapping[str, int]]
    options: AssignOptions

    def people(self) -> list[str]:
        """The annotators named on the command line, then anyone else holding documents."""
        others = sorted(set(self.progress) - set(self.options.annotators))
        return [*self.options.annotators, *others]


def plan_json(view: PlanView) -> str:
    """The documents of the selection by public id, with their annotators; those the caps
    left out under `unassigned`. Safe for a terminal, the same JSON value."""
    assigned = view.plan.assigned
    rows = [f"    {dumps(str(doc.public_id))}: {dumps(list(assigned[doc.sha256]))}"
            for doc in view.documents if doc.sha256 in assigned]
    left = [str(doc.public_id) for doc in view.documents if doc.sha256 not in assigned]
    body = ('{\n  "documents": {' + ("\n" + ",\n".join(rows) + "\n  " if rows else "")
            + f'}},\n  "unassigned": {dumps(left)}\n}}')
    return terminal_json(body)


def dumps(value: object) -> str:
    """One JSON value on one line (a document per line reads and diffs well)."""
    return json.dumps(value, ensure_ascii=False)


def write_csv(view: PlanView, stream: IO[str], shown: bool) -> None:
    """One row per document and annotator (an unassigned document: one row, no annotator),
    and whether this run made it; `shown`: for a terminal, control characters as
    pictures."""
    clean = safe_text if shown else str
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["document", "title", "annotator", "new"])
    for doc in view.documents:
        names = view.plan.assigned.get(doc.sha256, ("",))
        new = "yes" if doc.sha256 in view.plan.new else "no"
        for name in names:
            writer.writerow([clean(str(doc.public_id)), clean(doc.title), clean(name),
                             new if name else ""])


def summary_line(view: PlanView) -> str:
    """The selection in one sentence: how many documents, how many in the overlap sample
    against its target, how many this run placed and left out."""
    plan, options = view.plan, view.options
    count = len(plan.assigned)
    line = f"{count:,} document{'s' * (count != 1)} assigned"
    if options.overlap > 0 or plan.overlap_count:
        share = plan.overlap_count / count if count else 0.0
        line += (f", {plan.overlap_count:,} of them to several annotators ({share:.0%};"
                 f" target {options.overlap:.0%}:"
                 f" {overlap_target(options.overlap, count):,})")
    line += f"; {len(plan.new):,} new in this run"
    if plan.unassigned:
        line += f"; {len(plan.unassigned):,} left unassigned"
    return line


def print_plan(view: PlanView, console: Console) -> None:
    """The documents with their annotators, those this run placed first (at most
    TABLE_ROWS: a table of ten thousand is no plan to read, and JSON or CSV list them
    all), then each annotator's load, then the summary line."""
    ordered = sorted(view.documents, key=lambda doc: doc.sha256 not in view.plan.new)
    documents = Table(title="Assignment plan", title_justify="left")
    documents.add_column("document", no_wrap=True)
    documents.add_column("title", overflow="ellipsis", no_wrap=True, max_width=50)
    documents.add_column("annotators")
    documents.add_column("this run", style="green")
    for doc in ordered[:TABLE_ROWS]:
        names = view.plan.assigned.get(doc.sha256)
        shown = Text(", ".join(safe_text(name) for name in names)) if names \
            else Text("unassigned", style="yellow")
        documents.add_row(Text(safe_text(str(doc.public_id))), Text(safe_text(doc.title)),
                          shown, "new" if doc.sha256 in view.plan.new else "")
    console.print(documents)
    if len(ordered) > TABLE_ROWS:
        console.print(Text(f"… and {len(ordered) - TABLE_ROWS:,} more documents"
                           " (--csv or --json lists them all)", style="dim"))
    console.print(_people_table(view))
    console.print(Text(summary_line(view)))


def _people_table(view: PlanView) -> Table:
    new = [name for key in view.plan.new for name in view.plan.assigned[key]]
    shared = [name for names in view.everyone.values() if len(names) > 1 for name in names]
    table = Table(title="By annotator (every assignment in the database)",
                  title_justify="left")
    for column in ("annotator", "assigned", "new", "in overlap", "done", "in progress"):
        table.add_column(column, justify="left" if column == "annotator" else "right")
    for name in view.people():
        counts = view.progress.get(name, {})
        table.add_row(Text(safe_text(name)), str(counts.get("assigned", 0)),
                      str(new.count(name)), str(shared.count(name)),
                      str(counts.get("done", 0)), str(counts.get("in_progress", 0)))
    return table

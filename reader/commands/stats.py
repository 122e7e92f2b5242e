"""`reader stats`: how far the annotation has got, counted by SQL in the database."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reader.cli import db_option


def _table(title: str, rows: dict[str, int]) -> list[str]:
    """Names from the database, sanitised (an ESC in a label or annotator name would
    otherwise be a terminal command) and aligned by terminal cells."""
    from rich.cells import cell_len

    from reader.text.sanitize import pad, safe_text

    if not rows:
        return [f"{title}: none"]
    names = {name: safe_text(name) for name in rows}
    width = max(cell_len(shown) for shown in names.values())
    return [f"{title}:"] + [f"  {pad(names[name], width)}  {count:>8}"
                            for name, count in rows.items()]


def _suggestions(by_source: dict[str, dict[str, int]]) -> list[str]:
    """Per source: accepted / rejected / pending, and its precision as the annotators
    measured it (accepted out of decided)."""
    from rich.cells import cell_len

    from reader.text.sanitize import pad, safe_text

    if not by_source:
        return ["suggestions: none"]
    names = {source: safe_text(source) for source in by_source}
    width = max(cell_len(shown) for shown in names.values())
    lines = [f"suggestions: {sum(c['total'] for c in by_source.values())}"
             "  (accepted / rejected / pending; precision = accepted of decided)"]
    for source, counts in by_source.items():
        decided = counts["accepted"] + counts["rejected"]
        precision = f"{counts['accepted'] / decided:.0%}" if decided else "-"
        lines.append(f"  {pad(names[source], width)}  {counts['accepted']:>8}"
                     f" {counts['rejected']:>8} {counts['pending']:>8}  precision {precision}")
    return lines


def _assignments(by_annotator: dict[str, dict[str, int]]) -> list[str]:
    """Per annotator: documents assigned (`reader assign`), done, in progress."""
    from rich.cells import cell_len

    from reader.text.sanitize import pad, safe_text

    if not by_annotator:
        return ["assignments: none"]
    names = {name: safe_text(name) for name in by_annotator}
    width = max(cell_len(shown) for shown in names.values())
    count = len(by_annotator)
    lines = [f"assignments: {count} annotator{'s' * (count != 1)}"
             "  (assigned / done / in progress)"]
    for name, counts in by_annotator.items():
        lines.append(f"  {pad(names[name], width)}  {counts['assigned']:>8}"
                     f" {counts['done']:>8} {counts['in_progress']:>8}")
    return lines


@click.command("stats", short_help="Count documents, spans, relations and document labels.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@db_option
def stats(as_json: bool, db_path: Path | None) -> None:
    """Count documents (total, annotated, done), spans per label and per annotator,
    relations and document labels per label, suggestions per source (accepted,
    rejected, pending), and per annotator with assignments: assigned, done, in progress."""
    from reader.cli import existing_db
    from reader.store.counts import database_counts
    from reader.store.database import connect_readonly

    conn = connect_readonly(existing_db(db_path))
    try:
        result = database_counts(conn)
    finally:
        conn.close()
    if as_json:
        from reader.text.sanitize import terminal_json

        click.echo(terminal_json(json.dumps(result, ensure_ascii=False, indent=2)))
        return
    documents, spans = result["documents"], result["spans"]
    relations, doc_labels = result["relations"], result["doc_labels"]
    lines = [
        f"documents: {documents['total']} total, {documents['annotated']} annotated,"
        f" {documents['done']} done",
        f"spans: {spans['total']}",
        *_table("by label", spans["by_label"]),
        *_table("by annotator", spans["by_annotator"]),
        f"relations: {relations['total']}",
        *_table("relations by label", relations["by_label"]),
        f"document labels: {doc_labels['total']} on {doc_labels['documents']} documents",
        *_table("document labels by label", doc_labels["by_label"]),
        *_suggestions(result["suggestions"]),
        *_assignments(result["assignments"]),
    ]
    click.echo("\n".join(lines))

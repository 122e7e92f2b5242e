"""`reader assign`: decide who annotates which document, store it, print the plan, and with
--split write each annotator a database of their own."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader.cli import db_option, existing_db
from reader.commands.group import document_option, status_option
from reader.errors import ReaderError, one_line
from reader.team.assign import AssignOptions
from reader.text.sanitize import safe_text

if TYPE_CHECKING:
    import sqlite3

    from reader.store.assignments import PlannedDocument
    from reader.team.assign_report import PlanView

# An annotator's --split file is NAME.db: a name that is a plain file name everywhere.
SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,99}")
SPLIT_FORMAT = "assign-split"
SPLIT_NOTE = "written by `reader assign --split`; the next one replaces this folder"


def parse_annotators(raw: str) -> tuple[str, ...]:
    """`alice,bob,carol` as names, refused in one line when a name is empty, repeated or
    holds a character no terminal should get."""
    names = tuple(name.strip() for name in raw.split(","))
    if not any(names):
        raise ReaderError("--annotators needs at least one name, e.g. --annotators alice,bob")
    for index, name in enumerate(names):
        if not name:
            raise ReaderError(f"--annotators {safe_text(raw)!r}: an empty name")
        if safe_text(name) != name:
            raise ReaderError(f"--annotators: {safe_text(name)!r} holds control characters")
        if name in names[:index]:
            raise ReaderError(f"--annotators: {name!r} is named twice")
    return names


def check_split_names(names: tuple[str, ...]) -> None:
    """Every annotator's file must be a distinct plain name, also where case is ignored."""
    seen: set[str] = set()
    for name in names:
        if not SAFE_FILE_NAME.fullmatch(name):
            raise ReaderError(f"--split: annotator {name!r} makes no safe file name"
                              " (letters, digits, . _ - + @)")
        if name.lower() in seen:
            raise ReaderError(f"--split: two annotators differ only in case ({name!r})")
        seen.add(name.lower())


@click.command("assign", short_help="Decide who annotates which document (with overlap).")
@click.option("--annotators", required=True, metavar="A,B,C",
              help="Comma-separated annotators to share the documents among.")
@click.option("--overlap", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Share of documents (0-1) given to --per-doc annotators, to measure"
                   " agreement on.")
@click.option("--per-doc", default=2, show_default=True, type=click.IntRange(min=2),
              help="Annotators for each document of the overlap sample.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the draw (with the documents' hashes it decides the plan).")
@click.option("--cap", default=None, type=click.IntRange(min=1),
              help="Most documents one annotator holds (earlier assignments count); what"
                   " the caps cannot take is left unassigned and reported.")
@document_option
@status_option("Only documents with this status (as for `reader export`).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the plan as CSV.")
@click.option("--dry-run", is_flag=True, help="Print the plan without storing it.")
@click.option("--split", "split_dir", type=click.Path(path_type=Path), default=None,
              metavar="DIR", help="Write DIR/NAME.db for each annotator: their documents"
                                  " only (`reader merge` brings the work back).")
@click.option("--force", is_flag=True,
              help="--split only: replace DIR even if reader did not write it.")
@db_option
def assign(annotators: str, overlap: float, per_doc: int, seed: int, cap: int | None,
           documents: tuple[str, ...], status: str | None, as_json: bool, as_csv: bool,
           dry_run: bool, split_dir: Path | None, force: bool, db_path: Path | None) -> None:
    """Assign every document to one annotator and an overlap sample to several,
    deterministically (by each document's text hash and --seed). Earlier assignments are
    kept: run it again after adding documents and only the new ones are placed, where the
    load is least, keeping the overlap share on target."""
    names = parse_annotators(annotators)
    if overlap > 0 and per_doc > len(names):
        raise ReaderError(f"--per-doc {per_doc} needs at least {per_doc} annotators;"
                          f" --annotators names {len(names)}")
    if as_json and as_csv:
        raise ReaderError("--json and --csv: choose one")
    if split_dir is not None:
        if dry_run:
            raise ReaderError("--dry-run writes nothing: leave out --split")
        check_split_names(names)
    elif force:
        raise ReaderError("--force goes with --split")
    options = AssignOptions(names, overlap, per_doc, seed, cap)
    database = existing_db(db_path)
    if split_dir is not None:  # refused before the plan is stored, not after
        _check_split_folder(database, split_dir, force)
    view = _make_plan(database, options, list(documents), status, dry_run)
    _report(view, as_json, as_csv, dry_run)
    if split_dir is not None:
        counts = _split(database, split_dir, names, force)
        files = ", ".join(f"{safe_text(name)}.db ({count:,})"
                          for name, count in zip(names, counts, strict=True))
        click.echo(f"reader: wrote {safe_text(str(split_dir))}: {files}", err=True)


def _chosen(conn: sqlite3.Connection, database: Path, names: list[str],
            status: str | None) -> list[PlannedDocument]:
    """The documents --document and --status pick (all when neither is given)."""
    from reader.store.assignments import documents_to_plan
    from reader.store.documents import documents_named

    ids = None
    if names:
        found = documents_named(conn, names)
        missing = [name for name, numbers in found.items() if not numbers]
        if missing:
            raise ReaderError(f"no document {one_line(missing[0])!r} in {database}")
        ids = sorted({number for numbers in found.values() for number in numbers})
    chosen = documents_to_plan(conn, ids, status)
    if not chosen:
        raise ReaderError(f"no documents to assign in {database}"
                          + (f" with status {status}" if status else ""))
    return chosen


def _make_plan(database: Path, options: AssignOptions, names: list[str],
               status: str | None, dry_run: bool) -> PlanView:
    """Read the selection and the assignments made, plan, and (unless a dry run) store
    the new rows, all in one transaction: two coordinators at once cannot both place a
    document."""
    import contextlib

    from reader.store.assignments import (
        add_assignments,
        assignment_progress,
        assignments_by_hash,
    )
    from reader.store.database import (
        check_integrity,
        connect,
        connect_readonly,
        database_errors,
        now_iso,
        transaction,
    )
    from reader.team.assign import plan_assignments
    from reader.team.assign_report import PlanView

    conn = connect_readonly(database) if dry_run else connect(database)
    try:
        with database_errors(database):
            if not dry_run:
                check_integrity(conn, database)
            with contextlib.nullcontext() if dry_run else transaction(conn):
                chosen = _chosen(conn, database, names, status)
                existing = assignments_by_hash(conn)
                plan = plan_assignments([doc.sha256 for doc in chosen], existing, options)
                by_hash = {doc.sha256: doc.id for doc in chosen}
                if not dry_run:
                    add_assignments(conn, ((by_hash[key], name) for key in sorted(
                        plan.new, key=by_hash.__getitem__) for name in plan.assigned[key]),
                        now_iso())
                everyone = {**existing, **{key: list(plan.assigned[key]) for key in plan.new}}
                progress = assignment_progress(conn)
    finally:
        conn.close()
    if dry_run:  # what the stored plan would add, counted as if it were
        for key in plan.new:
            for name in plan.assigned[key]:
                counts = progress.setdefault(name, {"assigned": 0, "done": 0,
                                                    "in_progress": 0})
                counts["assigned"] += 1
    return PlanView(chosen, plan, everyone, progress, options)


def _split_problem(folder: Path) -> str | None:
    """Why an existing --split folder must not be replaced (None: it may be): reader did
    not write it, or a database in it was opened (and so changed) since."""
    from reader.formats import atomic

    return atomic.previous_export_problem(folder, SPLIT_FORMAT,
                                          lambda name: name.endswith(".db"))


def _check_split_folder(database: Path, folder: Path, force: bool) -> None:
    from reader.formats import atomic

    atomic.refuse_database(folder, database, folder=True)
    atomic.check_folder(folder, _split_problem, force)


def _split(database: Path, folder: Path, names: tuple[str, ...], force: bool) -> list[int]:
    """Each annotator's database in `folder`, written beside it and swapped in at once; a
    folder reader did not write (or whose databases were opened since) is refused."""
    from reader.formats import atomic
    from reader.store.database import connect
    from reader.store.split import write_split

    counts: list[int] = []
    conn = connect(database)
    try:
        with atomic.atomic_folder(folder, SPLIT_FORMAT, _split_problem, force,
                                  note=SPLIT_NOTE) as temp:
            for name in names:
                counts.append(write_split(conn, temp / f"{name}.db", name))
    finally:
        conn.close()
    return counts


def _report(view: PlanView, as_json: bool, as_csv: bool, dry_run: bool) -> None:
    from reader.team.assign_report import plan_json, print_plan, summary_line, write_csv

    if as_json:
        click.echo(plan_json(view))
    elif as_csv:
        write_csv(view, sys.stdout, shown=sys.stdout.isatty())
    else:
        from rich.console import Console

        from reader.commands.agree import PIPED_WIDTH

        print_plan(view, Console() if sys.stdout.isatty() else Console(width=PIPED_WIDTH))
    if as_json or as_csv:
        click.echo(f"reader: {summary_line(view)}", err=True)
    if dry_run:
        click.echo("reader: dry run: nothing was stored", err=True)
    if view.plan.unassigned:
        options = view.options
        click.echo(f"reader: {len(view.plan.unassigned):,} documents left unassigned: every"
                   f" annotator with room holds --cap {options.cap}; add annotators or raise"
                   " --cap and run again (earlier assignments stay)", err=True)

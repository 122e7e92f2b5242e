"""`reader merge OTHER.db`: gather another annotator's database into this one."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli import db_option, resolve_db
from reader.errors import ReaderError


@click.command("merge")
@click.argument("other", type=click.Path(path_type=Path))
@db_option
def merge(other: Path, db_path: Path | None) -> None:
    """Gather another reader database into this one.

    Adds OTHER's documents, annotations, progress and history without duplicates: running
    it again adds nothing. OTHER is only read."""
    import sqlite3

    from reader.store.database import check_integrity, connect
    from reader.team.merge import merge as merge_databases
    from reader.team.merge import open_other, same_file

    path = resolve_db(db_path)
    other = other.expanduser()
    if same_file(other, path):
        raise ReaderError(f"{other}: is the database being merged into")
    source = open_other(other)
    try:
        target = connect(path)
        try:
            check_integrity(target, path)  # never build on a damaged database
            report = merge_databases(target, source, other, path)
        except sqlite3.Error as error:
            raise ReaderError(f"merging {other} failed, nothing was changed: {error}") from None
        finally:
            target.close()
    finally:
        source.close()
    if not report.changed:
        click.echo(f"merged {other}: nothing new")
    else:
        click.echo(
            f"merged {other}: added {report.documents:,} documents, "
            f"{report.annotations:,} annotations, {report.progress:,} progress rows, "
            f"{report.events:,} events; updated {report.annotations_updated:,} annotations, "
            f"{report.progress_updated:,} progress rows"
        )
    if report.skipped:
        click.echo(
            f"skipped {report.skipped:,} rows of {other} that point to a missing document",
            err=True,
        )

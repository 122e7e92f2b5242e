"""`reader export`: the annotated documents as a dataset file (or brat folder), streamed from
the database, written atomically, with a one-line summary of what went where."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from reader.cli import db_option, existing_db
from reader.commands.group import status_option
from reader.errors import ReaderError, one_line
from reader.formats.records import CONLL_DOCS, ExportOptions, ExportRow, Selection
from reader.formats.registry import (
    BinaryExport,
    Export,
    FolderExport,
    TextExport,
    export_format,
    export_names,
)
from reader.formats.summary import Summary
from reader.locations import datasets_doc


@contextlib.contextmanager
def progress_bar(total: int, what: str = "exporting") -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; otherwise nothing at all."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (what, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("export", total=total)
        yield lambda: progress.advance(task)


def _tracked(rows: Iterable[ExportRow], advance: Callable[[], None],
             summary: Summary) -> Iterator[ExportRow]:
    for row in rows:
        summary.offered(row.relation_count, row.doc_label_count)
        yield row
        advance()


@contextlib.contextmanager
def _stdout(binary: bool) -> Iterator[IO[Any]]:
    """Standard output as UTF-8 without newline translation, whatever the locale says; a
    full disk under it is one line."""
    sys.stdout.flush()
    stream = (sys.stdout.buffer if binary
              else io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline=""))
    try:
        yield stream
        stream.flush()
    except OSError as error:
        from reader.formats.atomic import DISK_FULL

        if error.errno not in DISK_FULL:
            raise
        _discard_standard_output()
        raise ReaderError("disk full: standard output is incomplete") from None
    finally:
        if isinstance(stream, io.TextIOWrapper):
            stream.detach()


def _discard_standard_output() -> None:
    """Send what is still buffered for standard output to /dev/null, so that Python's flush
    at exit does not print a second error after ours."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def _target(output: str | None, exporter: Export, fmt: str) -> Path | None:
    if output is not None and output != "-":
        return Path(output).expanduser()
    if isinstance(exporter, FolderExport):
        raise ReaderError(f"the {fmt} format writes a folder: give it with -o FOLDER")
    if isinstance(exporter, BinaryExport) and sys.stdout.isatty():
        raise ReaderError(f"the {fmt} format is binary: give a file with -o FILE")
    return None


def _write(exporter: Export, rows: Iterable[ExportRow], path: Path | None, fmt: str,
           force: bool, summary: Summary, options: ExportOptions) -> None:
    """Hand the rows to the format's writer, on the output its target kind calls for."""
    from reader.formats import atomic

    if isinstance(exporter, FolderExport):
        assert path is not None  # _target refused standard output
        with atomic.atomic_folder(path, fmt, exporter.previous_export_problem,
                                  force) as folder:
            exporter.write(rows, folder, summary, options)
        return
    binary = isinstance(exporter, BinaryExport)
    if (isinstance(exporter, BinaryExport) and exporter.previous_export_problem is not None
            and path is not None and not force):
        atomic.refuse_replacing(path, fmt, exporter.previous_export_problem)
    with _stdout(binary) if path is None else atomic.open_output(path, binary) as stream:
        exporter.write(rows, stream, summary, options)


@click.command("export", short_help="Write the annotations as a dataset file.")
@click.option("-o", "--output", default=None, metavar="FILE|-",
              help="Where to write (default: standard output; a folder for brat).")
@click.option("--format", "fmt", type=click.Choice(export_names()), default="jsonl",
              show_default=True, help=f"Dataset format (each described in {datasets_doc()}).")
@db_option
@click.option("--label", "labels", multiple=True, help="Only spans with this label (repeatable).")
@click.option("--annotator", "annotators", multiple=True,
              help="Only this annotator's spans and progress (repeatable).")
@status_option("Only documents with this export status.")
@click.option("--offsets", type=click.Choice(["utf16", "codepoints"]), default="utf16",
              show_default=True, help="doccano only: offset unit (doccano counts UTF-16).")
@click.option("--spacy-lang", default="xx", show_default=True,
              help="spacy only: language of spacy.blank() used to tokenize.")
@click.option("--conll-docs", type=click.Choice(CONLL_DOCS), default="id", show_default=True,
              help="conll only: before each document a `# newdoc id = ID` line and"
                   " `-DOCSTART- -X- O O` (id), the -DOCSTART- line alone, which"
                   " `spacy convert` also reads (docstart), or nothing (none).")
@click.option("--as", "label_studio_as", type=click.Choice(["annotations", "predictions"]),
              default="annotations", show_default=True,
              help="label-studio only: the spans as annotations, or as predictions"
                   " (machine pre-annotations to review).")
@click.option("--model-version", default=None,
              help="label-studio --as predictions only: the predictions' model_version"
                   " (default: the annotator's name).")
@click.option("--table-sep", type=click.Choice(["comma", "tab"]), default=None,
              help="table only: column separator (default: tab for an -o file ending in"
                   " .tsv, else comma).")
@click.option("--force", is_flag=True,
              help="brat and sqlite only: replace the -o folder or file even if reader did"
                   " not write it (everything in it is deleted).")
def export(output: str | None, fmt: str, db_path: Path | None, labels: tuple[str, ...],
           annotators: tuple[str, ...], status: str | None, offsets: str,
           spacy_lang: str, conll_docs: str, label_studio_as: str, model_version: str | None,
           table_sep: str | None, force: bool) -> None:
    """Export documents and their live spans (offsets in code points, end exclusive)."""
    from reader.formats import atomic
    from reader.formats.records import count_documents, iter_export_rows
    from reader.store.database import connect_readonly
    from reader.store.export_rows import begin_snapshot

    exporter = export_format(fmt)  # imports the format's module (spaCy's only now)
    path = _target(output, exporter, fmt)
    selection = Selection(labels, annotators, status)
    if table_sep is None:
        table_sep = "tab" if path is not None and path.suffix.lower() == ".tsv" else "comma"
    options = ExportOptions(offsets=offsets, spacy_lang=spacy_lang, table_sep=table_sep,
                            conll_docs=conll_docs, label_studio_as=label_studio_as,
                            model_version=model_version)
    summary = Summary()
    database = existing_db(db_path)
    atomic.refuse_database(path, database, folder=isinstance(exporter, FolderExport))
    conn = connect_readonly(database)
    try:
        begin_snapshot(conn)  # the count and the rows agree
        total = count_documents(conn, selection)
        with progress_bar(total) as advance:
            json_head = isinstance(exporter, TextExport) and exporter.json_head
            rows = _tracked(iter_export_rows(conn, selection, json_head), advance, summary)
            _write(exporter, rows, path, fmt, force, summary, options)
    finally:
        conn.close()  # ends the read transaction
    # The line cites ids, labels and file names from the data: one safe line, never raw
    target = "standard output" if path is None else str(path)
    click.echo(f"reader: {one_line(summary.line(target))}", err=True)

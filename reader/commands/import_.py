"""`reader import`: documents and pre-annotations from dataset files into the database,
all files in one transaction, so a bad record leaves the database as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reader.cli import db_option, resolve_db
from reader.errors import ReaderError
from reader.formats.registry import import_format, import_names

if TYPE_CHECKING:
    from reader.formats.incoming import IncomingDocument
    from reader.store.suggestions import SuggestionStage

MAX_SHOWN = 20
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})  # one record a line, even a '[' one


def _records(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    from reader.formats.sources import iter_json_array, iter_json_lines

    layout = import_format(fmt).layout
    return iter_json_array(path) if layout == "json-array" else iter_json_lines(path)


def _resolve_format(path: Path, fmt: str) -> str:
    """`auto`: a JSON array is Label Studio (unless the file is named as JSON Lines); JSON
    Lines are told apart by the first record."""
    from reader.formats.incoming import RecordError
    from reader.formats.readers import detect
    from reader.formats.sources import first_char

    first = first_char(path)  # also refuses what is not a regular file
    if not first:
        raise ReaderError(f"{path}: file is empty, nothing to import")
    if first not in "[{":
        raise ReaderError(f"{path}: not a dataset file (JSON Lines or a JSON array); to read"
                          f" and annotate a text file: reader open {path}")
    if fmt != "auto":
        return fmt
    if first == "[" and path.suffix.lower() not in JSON_LINES_SUFFIXES:
        return "label-studio"
    for _line, record in _records(path, "jsonl"):
        return "jsonl" if isinstance(record, RecordError) else detect(record)
    return "jsonl"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


@click.command("import", short_help="Bring documents and spans in from dataset files.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(("auto", *import_names())), default="auto",
              show_default=True, help="Input format; auto tells them apart by content.")
@click.option("--annotator", default=None,
              help="Annotator for spans that name none (default: READER_ANNOTATOR or login).")
@db_option
@click.option("--strict", is_flag=True, help="Keys the format does not define are errors.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the good records and report the bad ones (default: import nothing).")
@click.option("--offsets", type=click.Choice(["utf16", "codepoints"]), default="utf16",
              show_default=True, help="doccano only: offset unit of the file.")
@click.option("--no-history", is_flag=True,
              help="Record no per-span 'create' event: faster bulk loads of pre-annotations,"
              " which then are not in the undo history.")
@click.option("--as-suggestions", is_flag=True,
              help="The spans are a model's predictions: import them as suggestions, which"
              " annotators accept or reject, not as anyone's annotations.")
@click.option("--source", "source_name", default=None, metavar="NAME",
              help="With --as-suggestions: the name the suggestions go by in `reader stats`"
              " (default: the file name).")
def import_(files: tuple[Path, ...], fmt: str, annotator: str | None, db_path: Path | None,
            strict: bool, skip_invalid: bool, offsets: str, no_history: bool,
            as_suggestions: bool, source_name: str | None) -> None:
    """Import documents and spans from FILE... (reader JSONL, Prodigy, doccano, Label Studio).

    Documents are matched by the hash of their text; spans already present (same id, or
    same document, offsets, label and annotator) are not added twice."""
    from reader.formats.importer import Importer
    from reader.formats.incoming import ImportContext, RecordError
    from reader.locations import default_annotator
    from reader.store.database import (
        check_integrity,
        connect,
        database_errors,
        now_iso,
        transaction,
        use_bulk_cache,
    )
    from reader.store.suggestions import SuggestionStage

    if source_name is not None and not as_suggestions:
        raise ReaderError("--source goes with --as-suggestions")
    if source_name is not None and not source_name.strip():
        raise ReaderError("--source needs a name")

    context = ImportContext(annotator or default_annotator(), strict, offsets)
    formats = {path: _resolve_format(path, fmt) for path in files}
    database = resolve_db(db_path)
    created = not database.exists()
    conn = connect(database)
    use_bulk_cache(conn)
    errors: list[str] = []
    imported = False
    try:
        with database_errors(database):
            check_integrity(conn, database)  # never build on a damaged database
            origin = ", ".join(str(path.resolve()) for path in files)
            # Staged without the write lock; written by apply() in one short transaction.
            importer = Importer(conn, now_iso(), context.annotator, not no_history, origin)
            suggestions = SuggestionStage(conn) if as_suggestions else None
            suggested = 0
            with importer.staging():
                for path, path_format in formats.items():
                    parse = import_format(path_format).parse
                    records = 0
                    for line, record in _records(path, path_format):
                        records += 1
                        where = f"{path}:{line}"
                        try:
                            if isinstance(record, RecordError):
                                raise record
                            document = parse(record, where, context)
                        except RecordError as error:
                            errors.append(f"{where}: {error}")
                            continue
                        if document.source is None:  # where it came from, findable later
                            document.source = f"{path.resolve()}:{line}"
                        if suggestions is not None:
                            _as_suggestions(document, source_name or f"import:{path.name}",
                                            suggestions)
                        if skip_invalid or not errors:
                            importer.add(document)
                    if not records:
                        raise ReaderError(f"{path}: no records, nothing to import")
            if len(errors) == 1 and not skip_invalid:
                raise ReaderError(f"{errors[0]}; nothing imported")
            if errors and not skip_invalid:
                _show(errors)
                raise ReaderError(
                    f"{_plural(len(errors), 'bad record')}; nothing imported"
                    " (fix them, or import the rest with --skip-invalid)"
                )
            if suggestions is None:
                importer.apply()
            else:
                try:
                    with transaction(conn):  # the documents and their suggestions together
                        importer.apply()
                        suggested = suggestions.apply()
                finally:
                    suggestions.drop()
            imported = True
    finally:
        conn.close()
        if created and not imported:  # a failed import leaves no new, empty database
            for leftover in (database, *(database.with_name(database.name + suffix)
                                         for suffix in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)
    _show(errors)
    _show(importer.counts.warnings)
    counts = importer.counts
    message = (f"reader: imported {_plural(counts.documents_new, 'new document')}"
               f" ({counts.documents_known} already present),"
               f" {_plural(counts.spans_new, 'new span')} ({counts.spans_known} already present)")
    if counts.relations_new or counts.relations_known:
        message += (f", {_plural(counts.relations_new, 'new relation')}"
                    f" ({counts.relations_known} already present)")
    if counts.doc_labels_new or counts.doc_labels_known:
        message += (f", {_plural(counts.doc_labels_new, 'new document label')}"
                    f" ({counts.doc_labels_known} already present)")
    if suggestions is not None:
        message = (f"reader: imported {_plural(counts.documents_new, 'new document')}"
                   f" ({counts.documents_known} already present),"
                   f" {_plural(suggested, 'new suggestion')}"
                   f" ({suggestions.staged - suggested} already present or annotated)")
    if errors:
        message += f"; skipped {_plural(len(errors), 'bad record')}"
    click.echo(message, err=True)


def _as_suggestions(document: IncomingDocument, source: str, stage: SuggestionStage) -> None:
    """Stage the document's spans as suggestions of `source` and keep only its text (and
    meta) for the import: predictions are nobody's annotations. Relations and document
    labels in them are not suggestions and are left out."""
    from reader.suggest.record import Suggestion

    stage.add(document.text, [Suggestion(0, span.start, span.end, span.label, source)
                              for span in document.spans], sha256=document.sha256)
    document.spans, document.relations, document.cats = [], [], []
    document.status = None


def _show(lines: list[str]) -> None:
    from reader.errors import one_line

    for line in lines[:MAX_SHOWN]:
        click.echo(one_line(line), err=True)
    if len(lines) > MAX_SHOWN:
        click.echo(f"... and {len(lines) - MAX_SHOWN} more", err=True)

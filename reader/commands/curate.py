"""`reader curate`: what the annotators agree on goes into a gold layer; the disagreements
then wait on the curation screen (or, with `--auto`, for a later run)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import cast

import click

from reader.cli import db_option, existing_db
from reader.commands.agree import _names
from reader.commands.group import document_option
from reader.errors import ReaderError


@click.command("curate", short_help="Accept what annotators agree on into a gold layer.")
@click.option("--annotators", required=True,
              help="Comma-separated annotators to curate from, e.g. alice,bob,carol.")
@click.option("--min-agree", "rule", type=click.Choice(["all", "majority"]), default="all",
              show_default=True,
              help="Who must agree on a span, relation or document label: every annotator of"
                   " the document, or more than half of them.")
@click.option("--auto", is_flag=True,
              help="Only accept what they agree on; no screen (the disagreements wait).")
@click.option("--into", "gold", default="gold", show_default=True, metavar="NAME",
              help="The gold layer: the annotator name its spans are written as.")
@click.option("--curator", default=None,
              help="Who decides, in the decisions' record (default: READER_ANNOTATOR or the"
                   " login name).")
@document_option
@click.option("--finished", is_flag=True,
              help="Only documents every annotator who worked on them marked done.")
@db_option
def curate(annotators: str, rule: str, auto: bool, gold: str, curator: str | None,
           documents: tuple[str, ...], finished: bool, db_path: Path | None) -> None:
    """Curate the annotators' work into a gold layer.

    Spans (same start, end and label), relations (both ends and the label) and document
    labels that all the annotators of a document have (or a majority, with --min-agree
    majority) are accepted into the gold layer, each span with its provenance in its meta;
    running it again adds nothing, and a gold item the curator deleted is not brought back.
    Without --auto, the curation screen then shows the disagreements one by one."""
    from reader.locations import default_annotator
    from reader.store.curation import curation_documents
    from reader.store.database import check_integrity, connect
    from reader.team.curation import Rule, accept_agreed
    from reader.text.sanitize import safe_text

    names = _names(annotators) or []
    if len(names) < 2:
        raise ReaderError("--annotators needs at least two names, e.g. --annotators ann,bob")
    if not gold.strip():
        raise ReaderError("--into needs a name")
    if gold in names:
        raise ReaderError(f"--into {gold}: the gold layer cannot be one of the annotators")
    who = curator or default_annotator()
    path = existing_db(db_path)
    conn = connect(path)
    try:
        check_integrity(conn, path)  # never build on a damaged database
        ids = _check_names(conn, names, documents)
        chosen = curation_documents(conn, names, ids, finished)
        report = accept_agreed(conn, chosen, gold, cast("Rule", rule), who)
        shown_gold = safe_text(gold)
        line = (f"curated {report.documents} document{'s' * (report.documents != 1)} into"
                f" {shown_gold} ({rule}): accepted {report.spans} spans, {report.relations}"
                f" relations, {report.doc_labels} document labels;"
                f" {report.disagreements} disagreements left")
        if report.waiting:
            line += f"; {report.waiting} agreed relations wait for a span gold lacks"
        click.echo(line)
        if auto or not report.disagreements:
            return
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            click.echo("the curation screen needs a terminal: run this in one to decide the"
                       " disagreements (nothing else was changed)", err=True)
            return
        _screen(conn, chosen, gold, who)
    finally:
        conn.close()


def _check_names(conn: sqlite3.Connection, names: list[str],
                 documents: tuple[str, ...]) -> set[int] | None:
    """Refuse a name that annotated nothing, or a document id that names no document; the
    documents' row ids (None: every document)."""
    from reader.store.agreement_rows import annotated_documents
    from reader.store.documents import documents_named

    seen = set().union(*annotated_documents(conn).values())
    for name in names:
        if name not in seen:
            raise ReaderError(f"--annotators: {name!r} has annotated nothing in this database")
    found = documents_named(conn, list(documents))
    for document, ids in found.items():
        if not ids:
            raise ReaderError(f"--document {document!r}: no such document in this database")
    return {number for ids in found.values() for number in ids} if documents else None


def _screen(conn: sqlite3.Connection, chosen: list[tuple[int, tuple[str, ...]]], gold: str,
            curator: str) -> None:
    """The curation screen over the disagreements left, in the reader's app."""
    from reader.annotate.labels import find_config
    from reader.locations import config_candidates
    from reader.store.documents import get_document, get_progress
    from reader.team.curation import CurationSession
    from reader.ui.app import Session, make_app

    config = find_config(config_candidates())
    session = CurationSession(conn, gold, curator, chosen,
                              single_choice=not config.doc_labels_multi)
    first = session.shown[0].item.document_id
    document = get_document(conn, first)
    if document is None:
        raise ReaderError(f"document {first} vanished from the database")
    app = make_app(Session(conn=conn, document=document, annotator=gold,
                           config=config,
                           progress=get_progress(conn, first, gold), curation=session))
    app.run()
    if app.crashed is not None:
        raise app.crashed
    click.echo(f"decided {session.decided} of {len(session)} disagreements")

"""`reader suggest`: precompute suggestions for the corpus in the database, from pattern
files, gazetteers, the corpus's own spans and spaCy models. Every file is read and checked
before the database is touched; the suggestions are staged outside the write lock and
written in one transaction at the end, so an interrupted or failed run writes nothing, and
running it again adds nothing it added before."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli import db_option
from reader.commands.group import document_option, status_option
from reader.errors import ReaderError, one_line


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' * (count != 1)}"


@click.command("suggest", short_help="Precompute suggestions for the corpus in the database.")
@click.option("--patterns", "pattern_files", multiple=True, type=click.Path(path_type=Path),
              help="spaCy EntityRuler / Prodigy patterns (JSONL); repeatable.")
@click.option("--gazetteer", "gazetteers", multiple=True, type=click.Path(path_type=Path),
              help="text<TAB>label a line, longest match wins; repeatable.")
@click.option("--from-annotations", is_flag=True,
              help="Suggest every span text already tagged wherever it occurs again.")
@click.option("--annotator", "annotators", multiple=True,
              help="With --from-annotations: learn only from this annotator's spans"
                   " (repeatable; default: everyone's).")
@click.option("--model", "models", multiple=True, metavar="NAME|PATH",
              help="An installed spaCy pipeline or its folder; entity labels mapped by the"
                   " config's [model_labels]; repeatable.")
@document_option
@status_option("Only documents with this status (as for `reader export`).")
@click.option("--labels", default=None,
              help="Comma-separated span labels the sources may use (default: the config's).")
@click.option("--spacy-lang", default="xx", show_default=True,
              help="Token patterns: language of spacy.blank() used to tokenize.")
@db_option
def suggest(pattern_files: tuple[Path, ...], gazetteers: tuple[Path, ...],
            from_annotations: bool, annotators: tuple[str, ...], models: tuple[str, ...],
            documents: tuple[str, ...], status: str | None, labels: str | None,
            spacy_lang: str, db_path: Path | None) -> None:
    """Find suggestions in the documents of the database and store them (an annotator
    accepts or rejects each in `reader open`). Adds only what is not there yet; what an
    annotator rejected stays rejected."""
    from reader.annotate.labels import find_config, override
    from reader.cli import existing_db
    from reader.commands.export import progress_bar
    from reader.locations import config_candidates
    from reader.store.database import check_integrity, connect, database_errors
    from reader.store.documents import documents_named
    from reader.store.suggestions import (
        SuggestionStage,
        count_documents_for_suggesting,
        documents_for_suggesting,
        span_label_counts,
    )
    from reader.suggest.sources import (
        Source,
        learned_source,
        load_gazetteer,
        load_model,
        load_patterns,
        suggest_all,
    )

    if not (pattern_files or gazetteers or from_annotations or models):
        raise ReaderError("nothing to suggest from: give --patterns, --gazetteer,"
                          " --from-annotations or --model")
    if annotators and not from_annotations:
        raise ReaderError("--annotator goes with --from-annotations")
    config = override(find_config(config_candidates()), labels=labels)
    names = [label.name for label in config.labels]
    sources: list[Source] = []
    for path in pattern_files:
        sources.extend(load_patterns(path, names, spacy_lang))
    sources.extend(load_gazetteer(path, names) for path in gazetteers)
    sources.extend(load_model(model, config.entity_label_map()) for model in models)
    database = existing_db(db_path)
    conn = connect(database)
    try:
        with database_errors(database):
            check_integrity(conn, database)
            chosen = None
            if documents:
                found = documents_named(conn, [name.strip() for name in documents])
                missing = [name for name, ids in found.items() if not ids]
                if missing:
                    raise ReaderError(f"no document {one_line(missing[0])!r} in {database}")
                chosen = sorted({number for ids in found.values() for number in ids})
            if from_annotations:
                sources.append(learned_source(span_label_counts(conn, list(annotators))))
            total = count_documents_for_suggesting(conn, chosen, status)
            stage = SuggestionStage(conn)
            try:
                with progress_bar(total, "suggesting") as advance:
                    for document_id, text in documents_for_suggesting(conn, chosen, status):
                        stage.add(text, suggest_all(sources, text, document_id))
                        advance()
                added = stage.apply()
            finally:
                stage.drop()
    finally:
        conn.close()
    click.echo(f"reader: {_plural(added, 'new suggestion')}"
               f" ({stage.staged - added:,} already present or annotated)"
               f" in {_plural(total, 'document')}", err=True)

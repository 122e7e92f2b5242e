"""`reader open`: validate the input, then open the store, then start the UI.

Order matters: a bad file is refused before the database is touched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.ui import collector

if TYPE_CHECKING:
    from reader.annotate.labels import Config
    from reader.ui.workspace import LiveSources


class SuggestOptions(NamedTuple):
    """`reader open --suggest`: the files to suggest from, beside what is learned. (A
    NamedTuple: defined on every start, where it costs ~0.5 million instructions to a
    dataclass's 2 million.)"""

    patterns: Sequence[Path] = ()
    gazetteers: Sequence[Path] = ()
    models: Sequence[str] = ()


def live_sources(options: SuggestOptions, config: Config) -> LiveSources:
    """The sources loaded and checked now: a bad file is one line before anything opens."""
    from reader.suggest.sources import Source, load_gazetteer, load_model, load_patterns
    from reader.ui.workspace import LiveSources

    names = [label.name for label in config.labels]
    sources: list[Source] = []
    for path in options.patterns:
        sources.extend(load_patterns(path, names))
    sources.extend(load_gazetteer(path, names) for path in options.gazetteers)
    sources.extend(load_model(model, config.entity_label_map()) for model in options.models)
    return LiveSources(sources)


def launch(*, paths: list[Path], db_path: Path, annotator: str | None, encoding: str,
           labels: str | None, compare: bool = False, relations: str | None = None,
           guidelines: Path | None = None, suggest: SuggestOptions | None = None,
           width: str | None = None) -> None:
    try:
        _launch(paths=paths, db_path=db_path, annotator=annotator, encoding=encoding,
                labels=labels, compare=compare, relations=relations, guidelines=guidelines,
                suggest=suggest, width=width)
    finally:
        collector.resume()  # if start-up failed before the first frame


def _launch(*, paths: list[Path], db_path: Path, annotator: str | None, encoding: str,
            labels: str | None, compare: bool, relations: str | None,
            guidelines: Path | None, suggest: SuggestOptions | None,
            width: str | None) -> None:
    from reader.annotate.labels import find_config, override
    from reader.errors import ReaderError
    from reader.locations import config_candidates, default_annotator

    config = override(find_config(config_candidates()), labels=labels, relations=relations,
                      guidelines=guidelines, width=width)
    guide = None
    if config.guidelines is not None:
        from reader.annotate.guidelines import load_guidelines

        guide = load_guidelines(config.guidelines)
    if config.keys:  # checked now: a bad [keys] must stop us before the database opens
        from reader.ui.keymap import checked_keymap

        checked_keymap(config)
    live = live_sources(suggest, config) if suggest is not None else None
    # From here to the first frame, without the garbage collector (reader.ui.collector):
    # after any spaCy model is loaded, whose cycles are left to the collector.
    collector.pause()
    who = annotator or config.annotator or default_annotator()

    from reader.text.loading import CORPUS_SUFFIXES

    single = len(paths) == 1 and not paths[0].is_dir() and \
        paths[0].suffix.lower() not in CORPUS_SUFFIXES
    if single:
        # The fast path: nothing but this file is read before the first paint.
        from reader.text.loading import load_text

        loaded = load_text(paths[0], encoding)
    else:
        from reader.corpus import read_inputs

        plan = read_inputs(paths, encoding=encoding, annotator=who,
                           guidelines=config.guidelines)

    from reader.store.database import connect
    from reader.store.documents import add_document, get_document, get_progress

    conn = connect(db_path)
    try:
        if single:
            document, _created = add_document(conn, loaded)
            ids = [document.id]
            notices: list[str] = []
            resume = queue = False
        else:
            from reader.corpus import first_not_done, gather

            corpus = gather(conn, plan, annotator=who)
            ids = corpus.document_ids
            resume_id = first_not_done(conn, ids, who)
            # A queue opens at its first document to do (the library is under it).
            queue = corpus.queue
            resume = bool(paths) or (queue and get_progress(
                conn, resume_id, who).status != "done")
            found = get_document(conn, resume_id)
            if found is None:
                raise ReaderError(f"document {resume_id} vanished from the database")
            document = found
            notices = [f"skipped {len(corpus.skipped)} file(s): {corpus.skipped[0]}"
                       ] if corpus.skipped else []

        from reader.locations import settings_path
        from reader.settings import SettingsFile
        from reader.ui.app import Session, make_app

        session = Session(conn=conn, document=document, annotator=who, config=config,
                          progress=get_progress(conn, document.id, who), document_ids=ids,
                          show_library=not single, resume=resume, queue=queue,
                          notices=notices, guidelines=guide, live_sources=live,
                          settings=SettingsFile(settings_path()))
        app = make_app(session, compare=compare)
        app.run()
    finally:
        conn.close()
    if app.crashed is not None:  # the terminal is restored by now: main() says one line
        raise app.crashed
    if app.return_code:
        raise SystemExit(app.return_code)

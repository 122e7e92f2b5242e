"""`reader open`: validate the input, then open the store, then start the UI.

Order matters: a bad file is refused before the database is touched."""

from __future__ import annotations

from pathlib import Path

from reader.errors import ReaderError


def launch(*, paths: list[Path], db_path: Path, annotator: str, encoding: str,
           labels: str | None) -> None:
    from reader.annotate.labels import Config, find_config, labels_from_names
    from reader.locations import config_candidates
    from reader.text.loading import load_text

    config = find_config(config_candidates())
    if labels:
        config = Config(labels=labels_from_names(labels), annotator=config.annotator,
                        source=config.source)
    if not paths:
        raise ReaderError("give a file to open: reader open ARTICLE.txt")
    if len(paths) > 1 or paths[0].is_dir():
        raise ReaderError("opening several files or a folder is not supported yet")
    loaded = load_text(paths[0], encoding)

    from reader.store.database import connect
    from reader.store.documents import add_document, get_progress

    conn = connect(db_path)
    document, _created = add_document(conn, loaded)
    who = annotator or config.annotator or "annotator"
    progress = get_progress(conn, document.id, who)

    from reader.ui.app import Session, make_app

    app = make_app(Session(conn=conn, document=document, annotator=who, config=config,
                           progress=progress))
    try:
        app.run()
    finally:
        conn.close()

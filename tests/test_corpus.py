"""Opening corpora: folders, JSONL, several paths, the whole database; and the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.annotate.labels import Config
from reader.corpus import first_not_done, gather
from reader.errors import ReaderError
from reader.store.database import connect
from reader.store.documents import get_document, get_progress, set_status
from reader.store.library import corpus_stats, library_rows


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "b.txt", "Second article.\r\nWith CRLF.")
    write(folder, "a.txt", "First article about Yerevan.")
    write(folder, "nested/c.md", "Third one 👩‍👩‍👧.")
    write(folder, "image.txt", b"\x00\x01binary")
    write(folder, "notes.csv", "not,a,text,file")
    return folder


def test_folder_opens_its_text_files_in_order_and_skips_bad_ones(tmp_path: Path,
                                                                 corpus_dir: Path) -> None:
    conn = connect(tmp_path / "a.db")
    corpus = gather(conn, [corpus_dir], encoding="utf-8", annotator="me")
    titles = [get_document(conn, i).title for i in corpus.document_ids]  # type: ignore[union-attr]
    assert titles == ["First article about Yerevan.", "Second article.", "Third one 👩‍👩‍👧."]
    assert len(corpus.skipped) == 1 and "binary" in corpus.skipped[0]
    assert get_document(conn, corpus.document_ids[1]).text == "Second article.\r\nWith CRLF."  # type: ignore[union-attr]
    again = gather(conn, [corpus_dir], encoding="utf-8", annotator="me")
    assert again.document_ids == corpus.document_ids  # reopening finds the same documents


def test_jsonl_corpus_with_pre_annotations(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    records = [
        {"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}]},
        {"text": "東京 is big.", "meta": {"lang": "ja"}},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    conn = connect(tmp_path / "a.db")
    corpus = gather(conn, [path], encoding="utf-8", annotator="me")
    assert len(corpus.document_ids) == 2
    spans = conn.execute("SELECT start, end, label, text FROM annotations").fetchall()
    assert spans == [(0, 5, "actor", "Alice")]


def test_bad_jsonl_record_names_file_and_line_and_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "bad", "spans": [{"start": 0, "end": 9,'
                    ' "label": "x"}]}\n')
    conn = connect(tmp_path / "a.db")
    with pytest.raises(ReaderError, match=rf"{path}:2:"):
        gather(conn, [path], encoding="utf-8", annotator="me")
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_several_paths_no_paths_and_resume(tmp_path: Path, corpus_dir: Path) -> None:
    conn = connect(tmp_path / "a.db")
    with pytest.raises(ReaderError, match="no documents yet"):
        gather(conn, [], encoding="utf-8", annotator="me")
    one = write(tmp_path, "one.txt", "One.")
    corpus = gather(conn, [one, corpus_dir / "a.txt"], encoding="utf-8", annotator="me")
    assert len(corpus.document_ids) == 2
    everything = gather(conn, [], encoding="utf-8", annotator="me")
    assert everything.document_ids == corpus.document_ids
    set_status(conn, corpus.document_ids[0], "me", "done")
    assert first_not_done(conn, corpus.document_ids, "me") == corpus.document_ids[1]
    assert first_not_done(conn, corpus.document_ids, "you") == corpus.document_ids[0]


def test_library_rows_and_stats_come_from_sql(tmp_path: Path, corpus_dir: Path) -> None:
    from reader.store.annotations import AnnotationStore

    conn = connect(tmp_path / "a.db")
    ids = gather(conn, [corpus_dir], encoding="utf-8", annotator="me").document_ids
    store = AnnotationStore(conn, ids[0], "me")
    store.create(0, 5, "actor", "First")
    doomed = store.create(6, 13, "topic", "article")
    store.delete(doomed.uid)
    AnnotationStore(conn, ids[0], "you").create(0, 5, "topic", "First")
    set_status(conn, ids[2], "me", "done")
    rows = library_rows(conn, "me", ids)
    # a document with my live span is in progress, as `reader export --annotator me` says
    assert [(r.status, r.spans) for r in rows] == [("in_progress", 1), ("new", 0), ("done", 0)]
    stats = corpus_stats(conn, "me", ids)
    assert stats.statuses == {"new": 1, "in_progress": 1, "done": 1}
    assert stats.labels == {"actor": 1}
    assert stats.annotators == {"me": 1, "you": 1}


def test_library_screen_filters_opens_and_steps(tmp_path: Path, corpus_dir: Path) -> None:
    import asyncio

    asyncio.run(library_screen_scenario(tmp_path, corpus_dir))


async def library_screen_scenario(tmp_path: Path, corpus_dir: Path) -> None:
    from reader.ui.app import Session, make_app
    from reader.ui.screens.article import ArticleScreen
    from reader.ui.screens.library import LibraryScreen
    from reader.ui.widgets.document_table import DocumentTable

    conn = connect(tmp_path / "a.db")
    ids = gather(conn, [corpus_dir], encoding="utf-8", annotator="me").document_ids
    set_status(conn, ids[0], "me", "done")
    resume = first_not_done(conn, ids, "me")
    document = get_document(conn, resume)
    assert document is not None
    app = make_app(Session(conn, document, "me", Config(), get_progress(conn, resume, "me"),
                           document_ids=ids, show_library=True, resume=True))
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        # Resumed at the first document not done, on top of the library.
        assert isinstance(app.screen, ArticleScreen) and app.screen.document.id == ids[1]
        assert "document 2/3 · done 1/3" in app.screen.sub_title
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert app.screen.document.id == ids[2]
        await pilot.press("D")
        await pilot.pause()
        assert get_progress(conn, ids[2], "me").status == "done"
        await pilot.press("greater_than_sign")  # already the last: stays
        await pilot.pause()
        assert app.screen.document.id == ids[2]
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 3
        assert "done 2/3" in app.screen.sub_title
        await pilot.press("slash", *"third", "enter")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen) and app.screen.document.id == ids[2]
        await pilot.press("S")
        await pilot.pause()
        assert "2/3 done" in str(app.screen.query("Static").first().render())


def test_a_corpus_larger_than_sqlites_variable_limit_opens(tmp_path: Path) -> None:
    """SQLite builds limited to 999 bound variables (many distributions') refused a
    1,200-document corpus with "too many SQL variables"."""
    import sqlite3

    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"text": f"Document number {n}."}) + "\n"
                            for n in range(1200)))
    conn = connect(tmp_path / "a.db")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    corpus = gather(conn, [path], encoding="utf-8", annotator="me")
    assert len(corpus.document_ids) == 1200
    texts = [get_document(conn, i).text for i in corpus.document_ids[:2]]  # type: ignore[union-attr]
    assert texts == ["Document number 0.", "Document number 1."]
    assert first_not_done(conn, corpus.document_ids, "me") == corpus.document_ids[0]

"""The screens' service, without Textual: corpus order, progress and the done toggle."""

from __future__ import annotations

from pathlib import Path

from reader.annotate.labels import Config
from reader.store.database import connect
from reader.store.documents import add_document
from reader.text.loading import LoadedText
from reader.ui.workspace import Workspace


def test_corpus_navigation_place_and_done(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.db")
    ids = [add_document(conn, LoadedText.from_text(f"Text {n}", f"/{n}.txt"))[0].id
           for n in range(3)]
    space = Workspace(conn, "me", Config(), ids, is_corpus=True)
    assert space.neighbour(ids[0], 1) == ids[1]
    assert space.neighbour(ids[0], -1) is None and space.neighbour(ids[2], 1) is None
    second = space.document(ids[1])
    assert second is not None
    assert space.corpus_place(second) == "doc 2/3 · done 0/3"
    assert space.toggle_done(ids[1]) == "done"
    assert space.describe(second) == "me · document 2/3 · done 1/3"
    assert space.toggle_done(ids[1]) == "in_progress"
    assert space.done_count() == 0
    space.save_position(ids[1], 4, 0)
    assert space.progress(ids[1]).cursor == 4
    single = Workspace(conn, "me", Config(), ids[:1])
    first = space.document(ids[0])
    assert first is not None
    assert single.corpus_place(first) == "" and single.describe(first) == "me · /0.txt"

"""Start-up: what `reader open` does before its first frame, and what it leaves for later.

The time itself is measured by benchmarks/first_paint.py and benchmarks/instructions.py,
never asserted here; these tests hold the decisions those figures rest on
(docs/performance-startup.md)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pilot_helpers import ReaderFactory

from reader.ui import collector

# What `reader open ARTICLE` imports before it calls App.run (reader.ui.launch, single file).
FIRST_PAINT_IMPORTS = ("reader.cli", "reader.ui.launch", "reader.annotate.labels",
                       "reader.locations", "reader.text.loading", "reader.store.database",
                       "reader.store.documents", "reader.ui.app")
# Not needed until a key asks for them: importing them would delay the first paint.
NOT_BEFORE_THE_FIRST_PAINT = ("click", "reader.commands", "reader.formats", "reader.team",
                              "reader.suggest.sources", "reader.corpus", "sqlite_utils",
                              "reader.store.library", "reader.store.export_rows",
                              "reader.store.relation_queries", "reader.annotate.occurrences",
                              "reader.text.matching", "reader.suggest.learned", "json")


def test_opening_an_article_compiles_no_tokenizer_and_loads_no_other_command() -> None:
    """The tokenizer's regex (every combining mark, ~10 ms to compile) waits for the first
    word motion or tag, the library's and the statistics' queries for those screens; the
    other commands' modules and click are not loaded at all."""
    code = (f"import sys; import {', '.join(FIRST_PAINT_IMPORTS)}\n"
            "from reader.text.tokens import token_pattern\n"
            "print(token_pattern.cache_info().currsize)\n"
            f"print(sorted(m for m in sys.modules if m.startswith({NOT_BEFORE_THE_FIRST_PAINT})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["0", "[]"]


@pytest.fixture
def collector_state() -> Iterator[None]:
    """Leave the test process's collector as it was: on, and if tests/conftest.py had frozen
    the live objects, frozen again after a collection (so not the garbage the test left)."""
    frozen = gc.get_freeze_count()
    yield
    collector.resume()
    gc.unfreeze()
    gc.enable()
    if frozen:
        gc.collect()
        gc.freeze()


def test_reader_open_runs_the_app_with_the_collector_paused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_state: None) -> None:
    """Start-up makes ~80,000 long-lived objects; collecting while they are made was a
    twentieth of the work before the first frame. Afterwards it is on again, with what
    start-up made frozen (left out of later collections)."""
    from reader.ui.app import ReaderApp
    from reader.ui.launch import launch

    seen: list[bool] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self: seen.append(gc.isenabled()))
    article = tmp_path / "a.txt"
    article.write_text("Ana met Bo in Lyon.\n", encoding="utf-8")
    frozen = gc.get_freeze_count()
    launch(paths=[article], db_path=tmp_path / "a.db", annotator="ana", encoding="utf-8",
           labels=None)
    assert seen == [False], "the app started with the collector on"
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen


async def test_the_app_turns_the_collector_back_on_after_its_first_frame(
        tmp_path: Path, collector_state: None) -> None:
    factory = ReaderFactory(tmp_path / "annotations.db")
    app = factory.open("Ana met Bo in Lyon.\n")
    collector.pause()
    try:
        async with app.run_test(size=(80, 20)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        factory.close()


def test_without_a_pause_resume_changes_nothing(collector_state: None) -> None:
    frozen = gc.get_freeze_count()
    collector.resume()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_the_article_screens_parts_are_plain_classes_with_no_on_handlers() -> None:
    """Textual walks the whole class hierarchy for every Screen subclass it is given (~2
    million instructions each): the screen's fifteen parts are plain classes at run time,
    ArticleScreen alone a Screen. A part's `@on` handler would be silently ignored (Textual
    reads them only from a Screen's own class dictionary), so parts use handler names."""
    from textual.screen import Screen

    from reader.ui.screens.article import ArticleScreen

    parts = [cls for cls in ArticleScreen.__mro__[1:] if cls.__module__.startswith("reader.")]
    assert len(parts) >= 10
    assert [cls for cls in parts if issubclass(cls, Screen)] == []
    decorated = [f"{cls.__name__}.{name}" for cls in parts
                 for name, value in vars(cls).items() if hasattr(value, "_textual_on")]
    assert decorated == []


def test_the_article_view_styles_only_its_coloured_marks_as_component_classes() -> None:
    """Textual styles every component class again at each restyle of the view (three before
    the first paint); the marks that only add a text style are `Palette`'s own."""
    from reader.ui.widgets.article_view import ArticleView

    assert sorted(ArticleView.COMPONENT_CLASSES) == [
        "article-view--current-match", "article-view--cursor", "article-view--match",
        "article-view--selection"]

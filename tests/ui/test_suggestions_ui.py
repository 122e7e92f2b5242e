"""Suggestions through the Pilot (issue 11): drawn apart from spans, `s` accepts the one under
the cursor as one's own span (its source kept), `z` rejects it for good (not back after a
restart, nor from a live source), `+` accepts them all in one undo step, `)` / `(` jump,
the status line names the source and the keys; `--suggest` learns from one's tagging in a
worker."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from pilot_helpers import (
    SIZE,
    assert_exact,
    move_to,
    screen_of,
    search,
    status_text,
    style_at,
    view_of,
)
from rich.color import Color as RichColor

from reader.store.database import connect
from reader.store.suggestions import SuggestionStage
from reader.suggest.record import Suggestion
from reader.ui.workspace import LiveSources

TEXT = "Lavrov met Mirzoyan. Later Lavrov spoke, and Mirzoyan listened to Lavrov."
LAVROVS = [i for i in range(len(TEXT)) if TEXT.startswith("Lavrov", i)]  # 0, 27, 66
MIRZOYANS = [i for i in range(len(TEXT)) if TEXT.startswith("Mirzoyan", i)]  # 11, 45


def store_suggestions(reader, items: list[tuple[int, int, str]],  # type: ignore[no-untyped-def]
                      source: str = "patterns:names.jsonl") -> None:
    """What `reader suggest` would store for the open document."""
    conn = connect(reader.db_path)
    try:
        stage = SuggestionStage(conn)
        stage.add(reader.text, [Suggestion(reader.document.id, start, end, label, source)
                                for start, end, label in items])
        stage.apply()
        stage.drop()
    finally:
        conn.close()


def seeded(reader):  # type: ignore[no-untyped-def]
    """The app on TEXT with every name stored as a suggestion (Lavrov actor, Mirzoyan
    topic)."""
    app = reader.open(TEXT)
    store_suggestions(reader, [(s, s + 6, "actor") for s in LAVROVS]
                      + [(s, s + 8, "topic") for s in MIRZOYANS])
    return app


def shown(app) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return [(s.start, s.end, s.label) for s in view_of(app).suggestions]


def metas(reader) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(reader.db_path) as conn:
        return [json.loads(meta or "{}") for (meta,) in conn.execute(
            "SELECT meta FROM annotations WHERE deleted_at IS NULL ORDER BY start")]


async def test_stored_suggestions_show_and_s_accepts_the_one_under_the_cursor(reader) -> None:
    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(shown(app)) == 5
        assert not reader.rows()  # a suggestion is not an annotation
        await move_to(pilot, 29)  # inside the second Lavrov
        status = status_text(app)
        assert "suggested actor “Lavrov” (patterns:names.jsonl) s accept · z reject" \
            in status, status
        await pilot.press("s")
        await pilot.pause()
        assert [r.key for r in reader.rows()] == [(27, 33, "actor")]
        assert reader.rows()[0].annotator == "tester"
        assert metas(reader) == [{"suggested_by": "patterns:names.jsonl"}]
        assert (27, 33, "actor") not in shown(app)  # a span now, not a suggestion
        assert "accepted actor “Lavrov”" in status_text(app)
        await pilot.press("u")  # undo: the span goes, the suggestion is back
        await pilot.pause()
        assert reader.rows() == []
        assert (27, 33, "actor") in shown(app)
        assert_exact(reader.rows(deleted=True), reader.text)


async def test_z_rejects_and_a_rejected_one_never_comes_back(reader) -> None:
    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, MIRZOYANS[0])
        await pilot.press("z")
        await pilot.pause()
        assert (MIRZOYANS[0], MIRZOYANS[0] + 8, "topic") not in shown(app)
        assert "rejected topic “Mirzoyan” (patterns:names.jsonl): not suggested again" \
            in status_text(app), status_text(app)
        assert not reader.rows()
        await pilot.press("R")  # read again from the database: still gone
        await pilot.pause()
        assert (MIRZOYANS[0], MIRZOYANS[0] + 8, "topic") not in shown(app)
        assert len(shown(app)) == 4
    # A restart, with a live source suggesting the very same thing: not back.
    again = reader.reopen()
    live = LiveSources(learn=False)
    again.workspace.live_sources = live
    from reader.suggest.sources import PhraseSource
    from reader.text.matching import PhraseIndex

    live.sources.append(PhraseSource("patterns:names.jsonl",
                                     PhraseIndex([("Mirzoyan", "topic")])))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert (MIRZOYANS[0], MIRZOYANS[0] + 8, "topic") not in shown(again)
        assert (MIRZOYANS[1], MIRZOYANS[1] + 8, "topic") in shown(again)


async def test_plus_accepts_every_suggestion_and_one_undo_takes_them_back(reader) -> None:
    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert len(reader.rows()) == 5
        assert_exact(reader.rows(), reader.text)
        assert shown(app) == []
        assert "accepted 5 suggestions" in status_text(app), status_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert reader.rows() == []  # one step took them all back
        assert len(shown(app)) == 5
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(reader.rows()) == 5


async def test_parentheses_jump_between_suggestions(reader) -> None:
    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        starts = sorted([*LAVROVS, *MIRZOYANS])
        for start in starts[1:]:
            await pilot.press("right_parenthesis")
            assert view.cursor == start
        await pilot.press("right_parenthesis")
        assert view.cursor == starts[-1]
        assert "no more suggestions after here" in status_text(app)
        await pilot.press("left_parenthesis")
        assert view.cursor == starts[-2]
        await pilot.press("s")  # accept there, then the next jump skips nothing
        await pilot.pause()
        assert [r.key for r in reader.rows()] == [(starts[-2], starts[-2] + 8, "topic")]


async def test_keys_off_a_suggestion_say_so(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert "no suggestions: reader open --suggest, or reader suggest" in status_text(app)
        await pilot.press("plus")
        await pilot.pause()
        assert "no suggestions to accept here" in status_text(app)
        assert reader.rows() == []


async def test_suggest_learns_from_what_one_tags_in_a_worker(reader) -> None:
    app = reader.open(TEXT)
    app.workspace.live_sources = LiveSources()
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "Lavrov")
        await pilot.press("1")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app) == [(s, s + 6, "actor") for s in LAVROVS[1:]]
        assert screen_of(app).suggestions_here() == []
        assert "sugg 2" in status_text(app)
        await pilot.press("plus")
        await pilot.pause()
        assert [r.key for r in reader.rows()] == [(s, s + 6, "actor") for s in LAVROVS]
        assert metas(reader)[1] == {"suggested_by": "learned"}


async def settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Until the workers are done and what they found is on the screen."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def spy_on_learning(monkeypatch, hold: Callable[[str], object] = lambda phrase: None,
                    ) -> list[str]:  # type: ignore[no-untyped-def]
    """The span texts the learned source searches the text for, in order (each after
    `hold(phrase)`, which may keep the worker waiting)."""
    import reader.suggest.learned as learned

    searched: list[str] = []
    occurrences_of = learned.occurrences_of

    def spying(text: str, phrase: str) -> learned.Occurrences:
        searched.append(phrase)
        hold(phrase)
        return occurrences_of(text, phrase)

    monkeypatch.setattr(learned, "occurrences_of", spying)
    return searched


async def test_a_tag_searches_the_text_for_its_own_span_text_only(reader, monkeypatch) -> None:
    """`--suggest` learns edit by edit: a tag updates the suggestions by searching the text
    for the tagged span's text alone; a deletion, an undo, a tag of a span text learned
    before search nothing; the text is never matched against every span text again."""
    from reader.annotate.session import AnnotationSession

    searched = spy_on_learning(monkeypatch)
    whole: list[object] = []
    find_suggestions = AnnotationSession.find_suggestions

    def every(self, sources):  # type: ignore[no-untyped-def]
        whole.append(sources)
        return find_suggestions(self, sources)

    monkeypatch.setattr(AnnotationSession, "find_suggestions", every)
    app = reader.open(TEXT)
    app.workspace.live_sources = LiveSources()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(pilot, "Lavrov")
        await pilot.press("1")
        await settle(app, pilot)
        assert shown(app) == [(s, s + 6, "actor") for s in LAVROVS[1:]]
        assert searched == ["Lavrov"]
        await move_to(pilot, MIRZOYANS[0])
        await pilot.press("2")
        await settle(app, pilot)
        assert shown(app) == sorted([(s, s + 6, "actor") for s in LAVROVS[1:]]
                                    + [(MIRZOYANS[1], MIRZOYANS[1] + 8, "topic")])
        assert searched == ["Lavrov", "Mirzoyan"]
        await pilot.press("x")  # the Mirzoyan span: no longer learned
        await settle(app, pilot)
        assert shown(app) == [(s, s + 6, "actor") for s in LAVROVS[1:]]
        await pilot.press("u")  # back, and learned again
        await settle(app, pilot)
        assert (MIRZOYANS[1], MIRZOYANS[1] + 8, "topic") in shown(app)
        assert searched == ["Lavrov", "Mirzoyan"]
        assert whole == []


async def test_an_edit_made_while_the_learned_source_works_is_not_lost(reader,
                                                                        monkeypatch) -> None:
    """Held up in the worker, the learning of one tag lets the keys act; a second tag made
    meanwhile drops that run's result (it lacks the second tag), and what shows has both."""
    import threading

    release = threading.Event()
    spy_on_learning(monkeypatch, lambda phrase: phrase == "Lavrov" and release.wait(30))
    app = reader.open(TEXT)
    app.workspace.live_sources = LiveSources()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(pilot, "Lavrov")
        await pilot.press("1")  # its run waits on `release`
        await pilot.pause()
        await move_to(pilot, MIRZOYANS[0])
        await pilot.press("2")  # acts at once
        await pilot.pause()
        assert [r.key for r in reader.rows()] == [
            (0, 6, "actor"), (MIRZOYANS[0], MIRZOYANS[0] + 8, "topic")]
        assert shown(app) == []
        release.set()
        await settle(app, pilot)
        assert shown(app) == sorted([(s, s + 6, "actor") for s in LAVROVS[1:]]
                                    + [(MIRZOYANS[1], MIRZOYANS[1] + 8, "topic")])


async def test_a_suggestion_is_drawn_dim_underlined_in_its_colour_never_as_a_span(reader) -> None:
    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, len(TEXT))  # the cursor away from the names
        view = view_of(app)
        actor = RichColor.parse(app.workspace.label_colors["actor"])
        alone = style_at(view, LAVROVS[1])
        assert alone.dim and alone.underline and not alone.bold
        assert alone.color is not None and alone.color.triplet == actor.get_truecolor()
        assert alone.bgcolor is None or alone.bgcolor == style_at(view, 8).bgcolor  # no fill
        await move_to(pilot, LAVROVS[1])
        await pilot.press("2")  # a topic span over the suggested actor: both show
        await move_to(pilot, len(TEXT))
        both = style_at(view, LAVROVS[1] + 1)
        topic = RichColor.parse(app.workspace.label_colors["topic"])
        assert both.bgcolor is not None and both.bgcolor.triplet == topic.get_truecolor()
        assert both.dim and both.underline and not both.bold
        assert both.color is not None and both.color != style_at(view, 8).color


async def test_the_help_lists_the_suggestion_keys(reader) -> None:
    from reader.ui.screens.help import HelpScreen

    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.sections)
        title = next(t for t in sections if t.startswith("Suggestions"))
        assert [(b.key, b.id) for b in sections[title]] == [
            ("s", "suggestion.accept"), ("z", "suggestion.reject"),
            ("plus", "suggestion.accept_all"), ("right_parenthesis", "suggestion.next"),
            ("left_parenthesis", "suggestion.previous")]


async def test_statistics_count_the_suggestions_by_source(reader) -> None:
    from textual.widgets import Static

    from reader.ui.screens.stats import StatsScreen

    app = seeded(reader)
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, LAVROVS[0])
        await pilot.press("s")
        await move_to(pilot, MIRZOYANS[0])
        await pilot.press("z")
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        counts = app.screen.suggestions["patterns:names.jsonl"]
        assert (counts["accepted"], counts["rejected"], counts["pending"]) == (1, 1, 3)
        shown = [str(static.render()) for static in app.screen.query(Static)]
        assert "\nSuggestions by source" in shown


async def test_keys_act_while_the_live_sources_look(reader, monkeypatch) -> None:
    """The sources run in a worker: held up there, the article still takes keys."""
    import threading

    from reader.annotate.session import AnnotationSession

    release = threading.Event()
    found = AnnotationSession.find_suggestions

    def slow(self, sources):  # type: ignore[no-untyped-def]
        release.wait(timeout=30)
        return found(self, sources)

    monkeypatch.setattr(AnnotationSession, "find_suggestions", slow)
    app = reader.open(TEXT)
    from reader.suggest.sources import PhraseSource
    from reader.text.matching import PhraseIndex

    app.workspace.live_sources = LiveSources(
        [PhraseSource("gazetteer:g.tsv", PhraseIndex([("Lavrov", "actor")]))], learn=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w", "w")
        assert view_of(app).cursor == TEXT.index("Mirzoyan")  # moved while it looks
        assert shown(app) == []
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(app) == [(s, s + 6, "actor") for s in LAVROVS]


async def test_one_span_from_two_sources_is_one_suggestion(reader) -> None:
    """A pattern file and what one tagged may suggest the same span: one to decide on."""
    from reader.ui.screens.article import ArticleScreen

    app = seeded(reader)
    store_suggestions(reader, [(s, s + 6, "actor") for s in LAVROVS], source="learned")
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, len(TEXT))
        assert "sugg 5" in status_text(app)  # five spans, eight suggestions
        await move_to(pilot, LAVROVS[1])
        assert "suggested actor “Lavrov” (learned, patterns:names.jsonl) s accept · z reject" \
            in status_text(app), status_text(app)
        await pilot.press("z")  # no question: both sources' are rejected
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert (LAVROVS[1], LAVROVS[1] + 6, "actor") not in shown(app)
        await move_to(pilot, LAVROVS[2])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert [r.key for r in reader.rows()] == [(LAVROVS[2], LAVROVS[2] + 6, "actor")]
        assert (LAVROVS[2], LAVROVS[2] + 6, "actor") not in shown(app)
    again = reader.reopen()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert (LAVROVS[1], LAVROVS[1] + 6, "actor") not in shown(again)


async def test_accepting_many_asks_first_and_writes_in_a_thread(reader, monkeypatch) -> None:
    from reader.ui.screens.article import suggesting
    from reader.ui.screens.dialogs import ConfirmScreen

    monkeypatch.setattr(suggesting, "WRITE_IN_THREAD_ABOVE", 10)
    text = "Ana met Ana. " * 15  # 30 times "Ana"
    app = reader.open(text)
    store_suggestions(reader, [(i, i + 3, "actor") for i in range(len(text))
                               if text.startswith("Ana", i)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Accept all 30 suggestions in this document? (u undoes them all)" in str(
            app.screen.query_one("#question").render())
        await pilot.press("n")
        await pilot.pause()
        assert reader.rows() == [] and len(shown(app)) == 30
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("y", "u")  # u waits for the write, then undoes it all
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.rows() == [] and len(shown(app)) == 30
        assert len(reader.rows(deleted=True)) == 30
        assert_exact(reader.rows(deleted=True), reader.text)

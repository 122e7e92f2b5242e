"""The curation screen through the Pilot: each disagreement with every annotator's version
side by side; choosing one puts it into gold with its provenance, rejecting puts nothing
and it does not come back (in this run or the next), editing changes the label or the
boundaries first, `u` takes the last decision back; n of m on the status line, and hostile
text never parsed as markup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.widgets import Static

from reader.annotate.labels import Config
from reader.store.annotations import AnnotationStore
from reader.store.curation import curation_documents
from reader.store.database import connect
from reader.store.documents import add_document, get_document, get_progress
from reader.team.curation import CurationSession
from reader.text.loading import LoadedText
from reader.ui.app import ReaderApp, Session, make_app
from reader.ui.screens.curation import CurationScreen
from reader.ui.screens.dialogs import ChooseScreen
from reader.ui.screens.help import HelpScreen

TEXT = "Ararat Mirzoyan met [bold]Sergey Lavrov[/] in Moscow; Lavrov promised talks."
SIZE = (110, 34)
BOB = "[b]bob[/b]"  # a name that looks like markup: shown as typed


def span(phrase: str, label: str) -> tuple[int, int, str]:
    start = TEXT.index(phrase)
    return start, start + len(phrase), label


def build(path: Path) -> None:
    """alice and bob disagree three times: Mirzoyan's label, Lavrov's boundaries (bob
    takes the markup-looking brackets too), and Moscow (alice only)."""
    conn = connect(path)
    add_document(conn, LoadedText.from_text(TEXT, "/one.txt"))
    for who, spans in (("alice", [span("Ararat Mirzoyan", "actor"),
                                  span("Sergey Lavrov", "actor"), span("Moscow", "topic")]),
                       (BOB, [span("Ararat Mirzoyan", "topic"),
                                span("[bold]Sergey Lavrov[/]", "actor")])):
        store = AnnotationStore(conn, 1, who)
        for start, end, label in spans:
            store.create(start, end, label, TEXT[start:end], note="[red]not markup[/]")
    conn.close()


def app_for(path: Path) -> tuple[ReaderApp, CurationSession, sqlite3.Connection]:
    conn = connect(path)
    session = CurationSession(conn, "gold", "curator",
                              curation_documents(conn, ["alice", BOB]))
    document = get_document(conn, 1)
    assert document is not None
    app = make_app(Session(conn=conn, document=document, annotator="gold",
                           config=Config(), progress=get_progress(conn, 1, "gold"),
                           curation=session))
    return app, session, conn


def gold(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [(text, label, json.loads(meta)) for text, label, meta in conn.execute(
            "SELECT text, label, meta FROM annotations WHERE annotator = 'gold'"
            " AND deleted_at IS NULL ORDER BY start")]
    finally:
        conn.close()


def status(app: ReaderApp) -> str:
    return str(app.screen.query_one("#curation-status", Static).render())


def panels(app: ReaderApp) -> list[str]:
    return [str(panel.render()) for panel in app.screen.query(".version").results(Static)]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_choose_puts_the_version_into_gold_and_moves_on(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path)
    app, _session, conn = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CurationScreen)
        assert "disagreement 1 of 3" in status(app)
        shown = panels(app)
        assert "actor" in shown[0] and "topic" in shown[1]
        assert "[red]not markup[/]" in shown[0]  # the note, as typed
        first = next(iter(app.screen.query(".version").results(Static))).render()
        coloured = [first.plain[span.start:span.end] for span in first.spans
                    if getattr(span.style, "background", None) is not None
                    or " on " in str(span.style)]
        assert coloured == [" actor "]  # the label's colour on its name, not the line
        await pilot.press("right", "enter")  # bob's topic
        await settle(pilot)
        assert "disagreement 2 of 3" in status(app)
        assert "decided 1" in status(app)
        gold_line = app.screen.query_one("#curation-gold", Static)
        assert "gold has here: nothing yet" in str(gold_line.render())
        await pilot.press("p")  # back to the one decided: gold has bob's span now
        await pilot.pause()
        assert "gold has here:  topic  “Ararat Mirzoyan” [0:15]" in str(gold_line.render())
        assert "this one: chosen" in status(app)
        await pilot.press("n")
        await pilot.pause()
        assert "[bold]Sergey Lavrov[/]" in " ".join(panels(app))  # data, not markup
        titles = [Content.from_markup(str(panel.border_title)).plain
                  for panel in app.screen.query(".version")]  # as the border draws it
        assert titles == ["1 alice", "2 [b]bob[/b]"]
    conn.close()
    assert gold(path) == [("Ararat Mirzoyan", "topic", {
        "curated_from": [BOB], "rule": "chosen", "curator": "curator"})]


async def test_reject_puts_nothing_and_it_does_not_come_back(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path)
    app, session, conn = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert session.states == {0: "rejected"}
        assert "disagreement 2 of 3" in status(app)
    conn.close()
    assert gold(path) == []
    app, session, conn = app_for(path)  # the next run: two left, Mirzoyan's not among them
    conn.close()
    assert len(session) == 2
    assert all(shown.item.start != 0 for shown in session.shown)


async def test_undo_takes_the_last_decision_back(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path)
    app, session, conn = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # alice's actor
        await settle(pilot)
        await pilot.press("enter")  # alice's Lavrov
        await settle(pilot)
        assert len(gold(path)) == 2
        await pilot.press("u")
        await settle(pilot)
        assert "disagreement 2 of 3" in status(app)  # back on the one undone
        assert session.decided == 1
        assert [text for text, _label, _meta in gold(path)] == ["Ararat Mirzoyan"]
        await pilot.press("right", "enter")  # decided again, differently: bob's
        await settle(pilot)
    conn.close()
    assert [text for text, _label, _meta in gold(path)] == [
        "Ararat Mirzoyan", "[bold]Sergey Lavrov[/]"]


async def test_edit_changes_the_label_or_the_boundaries_before_gold(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path)
    app, _session, conn = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press(*"commitment", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CurationScreen)
        assert "disagreement 2 of 3" in status(app)
        await pilot.press("right", "right_square_bracket", "left_curly_bracket")
        await pilot.pause()
        assert "edited" in panels(app)[1]
        await pilot.press("enter")
        await settle(pilot)
    conn.close()
    found = gold(path)
    assert found[0] == ("Ararat Mirzoyan", "commitment", {
        "curated_from": ["alice"], "rule": "edited", "curator": "curator",
        "edited_from": {"start": 0, "end": 15, "label": "actor"}})
    start, end, _ = span("[bold]Sergey Lavrov[/]", "actor")
    assert found[1][:2] == (TEXT[start + 1:end - 1], "actor")
    assert found[1][2]["edited_from"] == {"start": start, "end": end, "label": "actor"}


async def test_the_keys_are_in_the_footer_and_the_help(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build(path)
    app, _session, conn = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        footer = {binding.id for (_node, binding, enabled, _tooltip)
                  in app.screen.active_bindings.values() if binding.show and enabled}
        assert {"curate.choose", "curate.edit", "curate.reject", "curate.undo"} <= footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {b.id for _title, bindings in app.screen.sections for b in bindings}
        assert {b.id for b in CurationScreen.BINDINGS} == listed
    conn.close()


async def test_a_document_label_disagreement_shows_what_gold_gave(tmp_path: Path) -> None:
    from reader.team.curation import accept_agreed

    path = tmp_path / "a.db"
    conn = connect(path)
    add_document(conn, LoadedText.from_text(TEXT, "/one.txt"))
    for who, label in (("alice", "relevant"), ("bob", "relevant"), ("carol", "irrelevant")):
        AnnotationStore(conn, 1, who).toggle_doc_label(label, multi=False)
    documents = curation_documents(conn, ["alice", "bob", "carol"])
    report = accept_agreed(conn, documents, "gold", "majority", "curator")
    assert (report.doc_labels, report.disagreements) == (1, 1)
    session = CurationSession(conn, "gold", "curator", documents, single_choice=True)
    document = get_document(conn, 1)
    assert document is not None
    app = make_app(Session(conn=conn, document=document, annotator="gold", config=Config(),
                           progress=get_progress(conn, 1, "gold"), curation=session))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "document labels" in str(app.screen.query_one("#curation-heading",
                                                              Static).render())
        gold_line = app.screen.query_one("#curation-gold", Static)
        assert str(gold_line.render()) == "gold labels the document:  relevant  "
        assert "irrelevant" in panels(app)[2]
        await pilot.press("right", "right", "enter")  # carol's: single-choice, it replaces
        await settle(pilot)
        assert str(gold_line.render()) == "gold labels the document:  irrelevant  "
        await pilot.press("u")
        await settle(pilot)
        assert str(gold_line.render()) == "gold labels the document:  relevant  "
    conn.close()


async def test_hostile_names_labels_notes_and_text_reach_the_terminal_as_text(
        tmp_path: Path) -> None:
    """Annotator names, labels, notes and text that carry OSC, C1, bidi and markup: what
    the screen writes to the terminal holds none of them raw, and the markup as typed."""
    from test_hostile_data import BIDI, CLIPBOARD, MARKUP, TITLE_SET, Written

    text = f"Hello {TITLE_SET} world {CLIPBOARD} and {BIDI} {MARKUP} end."
    alice, bob = f"alice{TITLE_SET}", f"bob{BIDI}[red]"
    label = f"act{CLIPBOARD}[/]"
    path = tmp_path / "a.db"
    conn = connect(path)
    add_document(conn, LoadedText.from_text(text, f"/{TITLE_SET}.txt"))
    AnnotationStore(conn, 1, alice).create(0, 5, label, "Hello", note=f"{MARKUP}{BIDI}")
    AnnotationStore(conn, 1, bob).create(0, 11, label, text[:11])
    documents = curation_documents(conn, [alice, bob])
    session = CurationSession(conn, f"gold{TITLE_SET}", f"cur{CLIPBOARD}", documents)
    document = get_document(conn, 1)
    assert document is not None
    app = make_app(Session(conn=conn, document=document, annotator="gold", config=Config(),
                           progress=get_progress(conn, 1, "gold"), curation=session))
    written = Written(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("right", "e")
        await pilot.pause()
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        await pilot.press("escape", "enter")
        await settle(pilot)
    conn.close()
    written.assert_safe()
    assert "[red]x[/red]" in written.text()

"""Relations and document labels at the keyboard (issue 10): `r` on a span, move, a relation
key or Enter; Escape cancels; the constraints refused on the status line; `X`, `x` and `u`;
`'` along a relation; the mark, the status line and the list; `#` for document labels, in
the header, the library and the statistics. What the screen calls saved is read back from
the database through a connection of its own."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from typing import Any

from pilot_helpers import SIZE, ReaderFactory, move_to, screen_of, status_text, view_of
from rich.style import Style
from textual.pilot import Pilot

from reader.annotate.labels import Config, DocLabel, RelationType
from reader.annotate.session import AnnotationSession
from reader.annotate.span_index import Span
from reader.text.layout import LineIndex, WrappedText
from reader.ui.app import ReaderApp
from reader.ui.paint import LabelStyles, Marks, Palette, paint_row
from reader.ui.screens.dialogs import ChooseScreen
from reader.ui.screens.library import LibraryScreen
from reader.ui.screens.stats import StatsScreen
from reader.ui.widgets.annotation_list import RelationRow, SpanList
from reader.ui.widgets.document_table import DocumentTable
from reader.ui.widgets.status import Legend

TEXT = ("The mayor of São Paulo promised new trucks for Lyon.\n"
        "Ana spoke about housing and promised a vote.\n")
PHRASES = {"mayor": ("mayor of São Paulo", "actor"),
           "trucks": ("promised new trucks", "commitment"),
           "lyon": ("Lyon", "topic"),
           "ana": ("Ana", "actor"),
           "vote": ("promised a vote", "commitment")}


def at(name: str) -> int:
    return TEXT.index(PHRASES[name][0])


def tag_all(app: ReaderApp, *names: str) -> dict[str, str]:
    """Tag the named phrases (through the screen, as keys would); their uids by name."""
    screen, view = screen_of(app), view_of(app)
    for name in names:
        phrase, label = PHRASES[name]
        view.set_selection(at(name), at(name) + len(phrase))
        screen.tag(label)
    return {name: span.uid for name in names for span in view.spans
            if (span.start, span.label) == (at(name), PHRASES[name][1])}


def relations(reader: ReaderFactory, *, deleted: bool = False) -> list[tuple[str, str, str]]:
    """(head uid, child uid, label) of the relations on disk, live ones unless `deleted`."""
    with sqlite3.connect(reader.db_path) as conn:
        return conn.execute(
            "SELECT head_uid, child_uid, label FROM relations WHERE deleted_at IS "
            + ("NOT NULL" if deleted else "NULL") + " ORDER BY id").fetchall()


def doc_labels(reader: ReaderFactory) -> set[str]:
    with sqlite3.connect(reader.db_path) as conn:
        return {label for (label,) in conn.execute(
            "SELECT label FROM doc_labels WHERE deleted_at IS NULL")}


def legend_text(app: ReaderApp) -> str:
    return str(screen_of(app).query_one(Legend).render())


async def start_relation(pilot: Pilot[Any], name: str) -> None:
    await move_to(pilot, at(name))
    await pilot.press("r")


# --- making one -----------------------------------------------------------------------------


async def test_r_then_a_move_then_a_relation_key_makes_the_relation(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        await start_relation(pilot, "trucks")
        status = status_text(app)
        assert "RELATION" in status
        assert "from commitment “promised new trucks” — move to the other span" \
            in status and "1 by · 2 about" in status
        assert " 1 by " in legend_text(app) and " 2 about " in legend_text(app)
        assert " 1 actor " not in legend_text(app), "1-9 are relation keys now"
        assert view_of(app).relation_head == uids["trucks"]
        await pilot.press("left_square_bracket")  # anything that moves: the previous span
        assert view_of(app).cursor == at("mayor")
        assert "commitment “promised new trucks” → actor “mayor of São Paulo”: 1 by" \
            in status_text(app)
        await pilot.press("1")
        assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]
        status = status_text(app)
        assert "by relation commitment “promised new trucks” → actor “mayor of São Paulo”" \
            in status and "saved ✓" in status and "RELATION" not in status
        assert " 1 actor " in legend_text(app) and view_of(app).relation_head is None
        # The span under the cursor names its relation; both ends carry the mark.
        assert "commitment “promised new trucks” —by→ actor “mayor of São Paulo”" \
            in screen_of(app).status.under_cursor
        has = view_of(app).has_relations
        assert has is not None and has(uids["mayor"]) and has(uids["trucks"])
        assert not has(uids["lyon"])
        # Pending no more: 1 tags again (the same label removes it: a phrase, so twice).
        await pilot.press("1", "1")
        assert relations(reader) == [], "and removing the span took its relation"


async def test_enter_picks_the_relation_label_allowed_ones_first(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "trucks", "lyon")
        await start_relation(pilot, "trucks")
        await move_to(pilot, at("lyon"))
        await pilot.press("enter")
        picker = app.screen
        assert isinstance(picker, ChooseScreen)
        assert [choice.value for choice in picker.choices] == ["about", "by"]
        assert "(by joins commitment → actor)" in picker.choices[1].detail
        await pilot.press("enter")
        assert relations(reader) == [(uids["trucks"], uids["lyon"], "about")]
        assert "about relation commitment “promised new trucks” → topic “Lyon”" \
            in status_text(app)


async def test_escape_cancels_and_the_number_keys_tag_again(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "trucks")
        await start_relation(pilot, "trucks")
        await move_to(pilot, at("mayor"))
        await pilot.press("escape")
        assert "relation cancelled" in status_text(app)
        assert "RELATION" not in status_text(app) and view_of(app).relation_head is None
        await move_to(pilot, TEXT.index("Lyon"))
        await pilot.press("2")
        assert relations(reader) == []
        assert ("Lyon", "topic") in {(r.text, r.label) for r in reader.rows()}


async def test_a_relation_the_config_forbids_is_refused_and_stays_pending(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "trucks", "lyon", "mayor")
        await start_relation(pilot, "trucks")
        await move_to(pilot, at("lyon"))
        assert "→ topic “Lyon”: 2 about" in status_text(app), "only the labels that fit"
        await pilot.press("1")
        assert relations(reader) == []
        status = status_text(app)
        assert "by joins commitment → actor, not commitment → topic" in status
        assert "saved" not in status and "RELATION" in status
        await pilot.press("2")  # still pending: the right key now
        assert relations(reader) == [(uids["trucks"], uids["lyon"], "about")]
        # From an actor nothing fits; the hint says so before a key is pressed.
        await start_relation(pilot, "mayor")
        await move_to(pilot, at("lyon"))
        assert "no relation label joins actor → topic" in status_text(app)
        await pilot.press("2")
        assert "about joins commitment → topic, not actor → topic" in status_text(app)
        assert len(relations(reader)) == 1


async def test_no_span_under_the_cursor_asks_to_move_and_several_ask_which(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "trucks", "mayor")
        view = view_of(app)
        view.set_selection(at("mayor") + 4, at("mayor") + 18)  # "of São Paulo" inside "mayor…"
        screen_of(app).tag("actor")
        paulo = next(s.uid for s in view.spans if s.start == at("mayor") + 4)
        await pilot.press("r")  # on nothing
        assert "no annotation of yours under the cursor" in status_text(app)
        await start_relation(pilot, "trucks")
        await move_to(pilot, TEXT.index("for"))
        await pilot.press("1")
        assert "move to the other span" in status_text(app) and relations(reader) == []
        await move_to(pilot, at("mayor") + 8)  # on both actor spans: which?
        await pilot.press("1")
        chooser = app.screen
        assert isinstance(chooser, ChooseScreen) and len(chooser.choices) == 2
        await pilot.press(*"Paulo", "enter")
        assert relations(reader) == [(uids["trucks"], paulo, "by")]


async def test_relations_are_read_after_the_first_paint_keeping_those_made_meanwhile(
        reader, monkeypatch) -> None:
    """The spans are drawn at once; the relations come from a worker (20,000 take tens of
    ms), and one made before they land is kept, not shown twice nor lost."""
    first = reader.open(TEXT)
    async with first.run_test(size=SIZE):
        uids = tag_all(first, "mayor", "trucks", "lyon")
        screen_of(first).annotations.relate(uids["trucks"], uids["mayor"], "by")
    gate = threading.Event()
    read = AnnotationSession.read_relations

    def held(self: AnnotationSession) -> Any:
        gate.wait(10)
        return read(self)

    monkeypatch.setattr(AnnotationSession, "read_relations", held)
    app = reader.reopen()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view, screen = view_of(app), screen_of(app)
        assert len(view.spans) == 3 and not screen.annotations.relations_loaded
        assert view.has_relations is None
        await start_relation(pilot, "trucks")
        await move_to(pilot, at("lyon"))
        await pilot.press("2")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.annotations.relations_loaded
        assert sorted(r.label for r in screen.annotations.relations) == ["about", "by"]
        has = view.has_relations
        assert has is not None and has(uids["mayor"]) and has(uids["lyon"])
        await move_to(pilot, at("mayor"))
        assert "commitment “promised new trucks” —by→ actor “mayor of São Paulo”" \
            in screen.status.under_cursor
    assert len(relations(reader)) == 2


# --- deleting, undoing ------------------------------------------------------------------------


async def test_X_deletes_a_relation_u_brings_it_back(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        screen._publish()
        await move_to(pilot, at("lyon"))
        await pilot.press("X")  # one relation here: deleted at once
        assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]
        assert "deleted about relation commitment “promised new trucks” → topic “Lyon”" \
            in status_text(app)
        await pilot.press("u")
        assert len(relations(reader)) == 2
        assert "undone: about relation commitment “promised new trucks” → topic “Lyon” back" \
            in status_text(app)
        assert view_of(app).cursor == at("trucks"), "undo goes to the relation's head"
        await pilot.press("ctrl+r")
        assert "redone: about relation" in status_text(app) and len(relations(reader)) == 1
        await move_to(pilot, at("trucks"))
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        screen._publish()
        await pilot.press("X")  # two here: which?
        chooser = app.screen
        assert isinstance(chooser, ChooseScreen)
        assert [c.title for c in chooser.choices] == [
            "commitment “promised new trucks” —by→ actor “mayor of São Paulo”",
            "commitment “promised new trucks” —about→ topic “Lyon”"]
        await pilot.press("down", "enter")
        assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]


async def test_x_on_a_span_deletes_its_relations_and_u_restores_both(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        screen._publish()
        await move_to(pilot, at("trucks"))
        await pilot.press("x")
        assert relations(reader) == [] and len(relations(reader, deleted=True)) == 2
        assert "deleted commitment “promised new trucks” and its 2 relations" \
            in status_text(app)
        assert view_of(app).has_relations is None, "no span carries the mark"
        await pilot.press("u")
        assert len(relations(reader)) == 2 and len(reader.rows()) == 3
        assert "undone: commitment “promised new trucks” and its 2 relations back" \
            in status_text(app)
        has = view_of(app).has_relations
        assert has is not None and has(uids["mayor"])


async def test_deleting_the_span_a_relation_starts_from_ends_it(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        tag_all(app, "mayor", "trucks")
        await start_relation(pilot, "trucks")
        await pilot.press("x")
        assert "RELATION" not in status_text(app)
        assert view_of(app).relation_head is None
        await move_to(pilot, at("mayor"))
        await pilot.press("1", "1")  # a span label again: removes the actor (a phrase: twice)
        assert [r.label for r in reader.rows()] == []


# --- following, seeing ------------------------------------------------------------------------


async def test_apostrophe_goes_along_a_relation_and_back(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen._publish()
        await move_to(pilot, at("mayor"))
        await pilot.press("apostrophe")
        assert view_of(app).cursor == at("trucks")
        assert "←by— commitment “promised new trucks”" in status_text(app)
        await pilot.press("apostrophe")
        assert view_of(app).cursor == at("mayor")
        assert "—by→ actor “mayor of São Paulo”" in status_text(app)
        await move_to(pilot, at("lyon"))
        await pilot.press("apostrophe")
        assert "no relation here" in status_text(app) and view_of(app).cursor == at("lyon")
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        screen._publish()
        await move_to(pilot, at("trucks"))
        await pilot.press("apostrophe")  # two: which?
        assert isinstance(app.screen, ChooseScreen)
        await pilot.press(*"about", "enter")
        assert view_of(app).cursor == at("lyon")


def test_the_mark_is_a_style_on_the_first_cell_only() -> None:
    """A span with relations: its first cell is drawn in the `related` style; no cell is
    added, moved or changed in text, so offsets and the cursor stay exact."""
    text = "ab São Paulo cd"
    span = Span(3, 12, "actor", "u1")
    wrapped = WrappedText(LineIndex(text), 40)
    row = wrapped.row_span(0)
    units = list(wrapped.row_units(row[0], row[1]))
    palette = Palette(base=Style(), cursor=Style(bgcolor="red"), selection=Style(),
                      match=Style(),
                      current_match=Style(),
                      related=Style(reverse=True), relation_head=Style(underline=True))
    styles = LabelStyles({"actor": "#4e79a7"})

    def cells(marks: Marks) -> list[tuple[str, Style | None]]:
        strip = paint_row(text, row, units, 40, marks, palette, styles)
        return [(char, segment.style) for segment in strip for char in segment.text]

    plain = cells(Marks(cursor=20, spans=[span]))
    marked = cells(Marks(cursor=20, spans=[span], related=lambda uid: uid == "u1"))
    assert [c for c, _ in plain] == [c for c, _ in marked]
    assert "".join(c for c, _ in marked).rstrip() == text
    reversed_at = [i for i, (_c, style) in enumerate(marked) if style and style.reverse]
    assert reversed_at == [3]
    head = cells(Marks(cursor=20, spans=[span], relation_head="u1"))
    assert [i for i, (_c, style) in enumerate(head) if style and style.underline] == \
        list(range(3, 12))
    # The cursor on a marked cell is still the cursor, not its colours swapped back.
    _char, on_mark = cells(Marks(cursor=3, spans=[span], related=lambda uid: True))[3]
    assert on_mark is not None and not on_mark.reverse and on_mark.bgcolor is not None
    assert on_mark.bgcolor.name == "red"


async def test_the_list_shows_relations_under_their_head_and_x_deletes_one(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen._publish()
        await pilot.press("tab")
        options = screen.query_one(SpanList)
        shown = ["".join(s.text for s in options.render_row(row, 44, Style()))
                 for row in options.rows]
        assert [type(row).__name__ for row in options.rows] == [
            "Span", "Span", "RelationRow", "Span"]
        assert "by" in shown[2] and "→ actor" in shown[2] and "mayor of São Paulo" in shown[2]
        count = str(screen.query_one("#annotation-count").render())
        assert "relations: 1" in count
        await pilot.press("down", "down", "enter")  # the relation: to its child
        assert view_of(app).cursor == at("mayor")
        options.focus()
        options.cursor_row = 2
        assert isinstance(options.current, RelationRow)
        await pilot.press("x")
        assert relations(reader) == [] and len(reader.rows()) == 3
        assert [type(row).__name__ for row in options.rows] == ["Span", "Span", "Span"]
        await pilot.press("x")  # now a span row ("Lyon"): deleted
        assert len(reader.rows()) == 2


async def test_the_list_filters_relations_by_their_label(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        screen._publish()
        await pilot.press("tab")
        sidebar = screen.query_one("#annotation-list")
        sidebar.label_filter = "abo"  # type: ignore[attr-defined]
        rows = sidebar.shown_rows()  # type: ignore[attr-defined]
        assert [row.relation.label for row in rows] == ["about"]


async def test_compare_mode_shows_their_relations_but_X_takes_only_ones_own(reader) -> None:
    theirs = reader.open(TEXT, annotator="other")
    async with theirs.run_test(size=SIZE):
        uids = tag_all(theirs, "mayor", "trucks")
        screen_of(theirs).annotations.relate(uids["trucks"], uids["mayor"], "by")
    app = reader.reopen(compare=True)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = screen_of(app)
        await move_to(pilot, at("mayor"))
        assert "commitment “promised new trucks” —by→ actor “mayor of São Paulo” · other" \
            in screen.status.under_cursor
        await pilot.press("X")
        assert "no relation of yours here" in status_text(app)
        await pilot.press("apostrophe")
        assert view_of(app).cursor == at("trucks")
        await pilot.press("r")
        assert "no annotation of yours under the cursor" in status_text(app)
    assert len(relations(reader)) == 1


# --- document labels --------------------------------------------------------------------------


async def choose_doc_label(pilot: Pilot[Any], name: str) -> None:
    await pilot.press("number_sign")
    assert isinstance(pilot.app.screen, ChooseScreen)
    await pilot.press(*name, "enter")


async def test_hash_sets_one_document_label_and_another_replaces_it(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await choose_doc_label(pilot, "irrelevant")
        assert doc_labels(reader) == {"irrelevant"}
        assert "document label irrelevant on" in status_text(app)
        assert screen.sub_title.endswith(" · # irrelevant")
        assert "# irrelevant  enter: pick label" in legend_text(app), "seen with a long title"
        await choose_doc_label(pilot, "relevant")  # single choice: replaces
        assert doc_labels(reader) == {"relevant"}
        assert "document label relevant on, irrelevant off" in status_text(app)
        await pilot.press("number_sign")
        picker = app.screen
        assert isinstance(picker, ChooseScreen)
        assert [c.title.split()[0] for c in picker.choices] == ["✓", "2"]
        await pilot.press("enter")  # the one set: cleared
        assert doc_labels(reader) == set() and "# " not in screen.sub_title
        assert "#" not in legend_text(app)
        assert "document label relevant off" in status_text(app)
        await pilot.press("u")
        assert doc_labels(reader) == {"relevant"} and screen.sub_title.endswith("# relevant")
        assert "undone: document label relevant on" in status_text(app)
    reopened = reader.reopen()
    async with reopened.run_test(size=SIZE):
        assert screen_of(reopened).sub_title.endswith(" · # relevant")


async def test_multi_choice_document_labels_toggle_each(reader) -> None:
    config = replace(Config(), doc_labels_multi=True, doc_labels=(
        DocLabel("politics", "1"), DocLabel("transport", "2"), DocLabel("housing", "3")))
    app = reader.open(TEXT, config=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = screen_of(app)
        await choose_doc_label(pilot, "transport")
        await choose_doc_label(pilot, "politics")
        assert doc_labels(reader) == {"politics", "transport"}
        assert screen.sub_title.endswith(" · # politics, transport"), "in the config's order"
        await choose_doc_label(pilot, "transport")
        assert doc_labels(reader) == {"politics"}
        assert "document label transport off" in status_text(app)


async def test_the_library_and_the_statistics_count_them(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=(120, 40)) as pilot:
        uids = tag_all(app, "mayor", "trucks", "lyon")
        screen = screen_of(app)
        screen.annotations.relate(uids["trucks"], uids["mayor"], "by")
        screen.annotations.relate(uids["trucks"], uids["lyon"], "about")
        await choose_doc_label(pilot, "relevant")
        await pilot.press("S")
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        shown = "\n".join(str(static.render()) for static in stats.query("Static"))
        assert "Your relations by label (2)" in shown
        assert "Your document labels (1/1 documents labelled)" in shown
        await pilot.press("escape", "L")
        library = app.screen
        assert isinstance(library, LibraryScreen)
        table = library.query_one(DocumentTable)
        header = "".join(s.text for s in table.render_header(110, Style()))
        (row,) = table.rows
        cells = "".join(s.text for s in table.render_row(row, 110, Style()))
        assert "Doc labels" in header and "relevant" in cells


# --- help, config ----------------------------------------------------------------------------


async def test_help_has_a_relations_group_and_the_relation_labels(reader) -> None:
    app = reader.open(TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        sections = dict(app.screen.sections)  # type: ignore[attr-defined]
        title = next(t for t in sections if t.startswith("Relations"))
        assert {b.id for b in sections[title]} == {
            "relation.start", "relation.follow", "relation.delete", "doclabel.pick"}
        assert [k.name for k in app.screen.relations] == ["by", "about"]  # type: ignore[attr-defined]


async def test_configured_relation_types_are_the_keys(reader) -> None:
    config = replace(Config(), relations=(
        RelationType("says", "3", "#ff0000", "Who says it", ("actor",), ()),))
    app = reader.open(TEXT, config=config)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "ana", "vote")
        await start_relation(pilot, "ana")
        assert " 3 says " in legend_text(app)
        await move_to(pilot, at("vote"))
        await pilot.press("1")
        assert "no relation label on key 1" in status_text(app) and relations(reader) == []
        await pilot.press("3")
        assert relations(reader) == [(uids["ana"], uids["vote"], "says")]
    none = reader.open(TEXT, config=replace(Config(), relations=()))
    async with none.run_test(size=SIZE) as pilot:
        tag_all(none, "ana")
        await move_to(pilot, at("ana"))
        await pilot.press("r")
        assert "no relation labels" in status_text(none)


async def test_a_relation_waits_for_a_busy_database(reader) -> None:
    app = reader.open(TEXT)
    blocker = sqlite3.connect(reader.db_path, isolation_level=None)
    async with app.run_test(size=SIZE) as pilot:
        uids = tag_all(app, "mayor", "trucks")
        await start_relation(pilot, "trucks")
        await move_to(pilot, at("mayor"))
        blocker.execute("BEGIN IMMEDIATE")
        await pilot.press("1")
        assert "waiting for the database" in status_text(app)
        await pilot.pause(0.2)
        assert relations(reader) == []
        blocker.execute("COMMIT")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert relations(reader) == [(uids["trucks"], uids["mayor"], "by")]
        assert "saved ✓" in status_text(app) and "RELATION" not in status_text(app)
    blocker.close()

"""Compare mode: other annotators' spans, disagreements marked and jumped to, accept (A)."""

from __future__ import annotations

from pilot_helpers import move_to, status_text, style_at, view_of
from rich.color import Color as RichColor

from reader.store.annotations import AnnotationStore
from reader.store.database import connect

TEXT = "Ararat Mirzoyan met Sergey Lavrov in Moscow on Monday."


def spans_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


async def test_compare_marks_disagreements_jumps_and_accepts(reader) -> None:
    app = reader.open(TEXT, compare=True)
    document = reader.document
    conn = connect(reader.db_path)
    mine = AnnotationStore(conn, document.id, "tester")
    theirs = AnnotationStore(conn, document.id, "bob")
    for phrase in ("Ararat Mirzoyan", "Sergey Lavrov"):
        mine.create(*spans_of(TEXT, phrase), "actor", phrase)
    theirs.create(*spans_of(TEXT, "Ararat Mirzoyan"), "actor", "Ararat Mirzoyan")  # agrees
    moscow = theirs.create(*spans_of(TEXT, "Moscow"), "topic", "Moscow")  # only bob
    async with app.run_test(size=(100, 24)) as pilot:
        view = view_of(app)
        await pilot.pause()
        shown = {(s.start, s.end, s.label, s.annotator) for s in view.spans}
        assert (*spans_of(TEXT, "Moscow"), "topic", "bob") in shown
        marked = {s.uid: (s.annotator, TEXT[s.start:s.end]) for s in view.spans
                  if s.uid in view.disagreements}
        assert sorted(marked.values()) == [("bob", "Moscow"), ("tester", "Sergey Lavrov")]

        await pilot.press("right_curly_bracket")  # from the start: Sergey Lavrov
        await pilot.pause()
        assert view.cursor == TEXT.index("Sergey Lavrov")
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        assert view.cursor == moscow.start
        assert "disagreement 2/2" in status_text(app)

        await pilot.press("A")  # take bob's span as mine
        await pilot.pause()
        accepted = [a for a in AnnotationStore(conn, document.id, "tester").mine()
                    if a.label == "topic"]
        assert [(a.start, a.end, a.text) for a in accepted] == [(moscow.start, moscow.end,
                                                                 "Moscow")]
        marked = {TEXT[s.start:s.end] for s in view.spans if s.uid in view.disagreements}
        assert marked == {"Sergey Lavrov"}


async def test_disagreements_keep_label_colours_and_show_their_kind(reader) -> None:
    """Issue 12 item 4: a label mismatch is not drawn like a missing span. Both sides keep
    their label colours (no reverse video over a whole span); a missing span is struck
    through, one labelled otherwise shows both labels, one bounded otherwise has its edge
    cells marked; the status line names the kind."""
    text = "Ararat Mirzoyan met Sergey Lavrov in Moscow on Monday."
    app = reader.open(text, compare=True)
    document = reader.document
    conn = connect(reader.db_path)
    mine = AnnotationStore(conn, document.id, "tester")
    theirs = AnnotationStore(conn, document.id, "bob")
    mine.create(*spans_of(text, "Ararat Mirzoyan"), "actor", "Ararat Mirzoyan")
    theirs.create(*spans_of(text, "Ararat Mirzoyan"), "topic", "Ararat Mirzoyan")
    mine.create(*spans_of(text, "Sergey Lavrov"), "actor", "Sergey Lavrov")
    theirs.create(*spans_of(text, "Lavrov"), "actor", "Lavrov")
    theirs.create(*spans_of(text, "Moscow"), "topic", "Moscow")
    async with app.run_test(size=(100, 24)) as pilot:
        view = view_of(app)
        await move_to(pilot, len(text))
        colours = app.workspace.label_colors  # type: ignore[attr-defined]

        relabelled = style_at(view, text.index("Mirzoyan"))
        assert not relabelled.reverse and not relabelled.strike
        assert relabelled.bgcolor == RichColor.parse(colours["actor"])  # mine, behind
        assert relabelled.color is not None and relabelled.color != relabelled.bgcolor

        missing = style_at(view, text.index("Moscow") + 2)
        assert missing.strike and not missing.reverse
        assert missing.color == RichColor.parse(colours["topic"])  # bob's, as text

        first, middle = (style_at(view, text.index(word)) for word in ("Sergey", "ergey"))
        assert first.reverse and not middle.reverse and not middle.strike
        assert middle.bgcolor == RichColor.parse(colours["actor"])
        assert style_at(view, text.index("Lavrov") + 5).reverse  # the last cell of both

        await move_to(pilot, text.index("Mirzoyan"))
        assert "other label: you actor, bob topic" in status_text(app)
        await move_to(pilot, text.index("Moscow"))
        assert "missing: only bob" in status_text(app)
        await move_to(pilot, 0)
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        assert "other boundaries" in status_text(app)

"""Compare mode: other annotators' spans, disagreements marked and jumped to, accept (A)."""

from __future__ import annotations

from pilot_helpers import status_text, view_of

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

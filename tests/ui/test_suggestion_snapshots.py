"""An SVG snapshot of suggestions (issue 11) beside spans: alone (dim, underlined, the label's
colour as text), over a span (the span's background stays), over two overlapping spans, and
the status line naming the source of the one under the cursor. Refresh with
`pytest --snapshot-update` and look at the SVG before committing one."""

from __future__ import annotations

from typing import Any

from pilot_helpers import SEED_PATH, ReaderFactory, read_text, view_of
from test_snapshots import settle, tag
from textual.pilot import Pilot

from reader.store.database import connect
from reader.store.suggestions import SuggestionStage
from reader.suggest.record import Suggestion

SIZE = (80, 16)
SEED = read_text(SEED_PATH)
SPANS = [("Ararat Mirzoyan", "actor"), ("Moscow", "topic"),
         ("Russia, Sergey Lavrov", "topic"), ("Sergey Lavrov", "actor")]
SUGGESTED = [("Mirzoyan", "topic"),  # inside a span of another label
             ("Moscow", "actor"),  # the same range as a span of another label
             ("Lavrov", "topic"),  # over two overlapping spans
             ("CSTO", "actor"), ("Yerevan", "actor")]  # alone


def where(phrase: str) -> tuple[int, int]:
    start = SEED.index(phrase)
    if phrase == "Mirzoyan":  # the one inside "Ararat Mirzoyan"
        start = SEED.index("Ararat Mirzoyan") + len("Ararat ")
    elif phrase == "Lavrov":
        start = SEED.index("Sergey Lavrov") + len("Sergey ")
    return start, start + len(phrase)


async def tag_spans(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for phrase, label in SPANS:
        tag(pilot, *where(phrase), label)
    view_of(pilot.app).move_cursor(where("CSTO")[0] + 1)  # type: ignore[arg-type]
    await pilot.pause()


def test_suggestions_beside_spans(snap_compare, reader: ReaderFactory) -> None:
    app = reader.open(path=SEED_PATH)
    assert reader.document is not None
    conn = connect(reader.db_path)
    stage = SuggestionStage(conn)
    stage.add(SEED, [Suggestion(reader.document.id, *where(phrase), label,
                                "patterns:names.jsonl") for phrase, label in SUGGESTED])
    stage.apply()
    stage.drop()
    conn.close()
    assert snap_compare(app, run_before=tag_spans, terminal_size=SIZE)

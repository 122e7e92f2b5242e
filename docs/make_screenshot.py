"""Regenerate docs/screenshot.svg: the sample article with a few annotations, headless."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from reader.annotate.labels import Config
from reader.store.annotations import AnnotationStore
from reader.store.database import connect
from reader.store.documents import add_document, get_progress
from reader.text.loading import load_text
from reader.ui.app import Session, make_app

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "sample_articles" / "mirzoyan-lavrov-moscow-meeting.txt"
SPANS = [("Ararat Mirzoyan", "actor"), ("Sergey Lavrov", "actor"),
         ("CSTO Collective Security Council session", "topic"),
         ("Minister Mirzoyan expressed his condolences", "commitment")]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        conn = connect(Path(folder) / "shot.db")
        document, _ = add_document(conn, load_text(ARTICLE))
        store = AnnotationStore(conn, document.id, "ana")
        for phrase, label in SPANS:
            start = document.text.index(phrase)
            store.create(start, start + len(phrase), label, phrase)
        topic = document.text.index("CSTO Collective Security Council session")
        store.create(topic, topic + 4, "actor", "CSTO")  # a nested span
        app = make_app(Session(conn, document, "ana", Config(),
                               get_progress(conn, document.id, "ana")))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("slash", *"Lavrov", "enter")
            await pilot.pause()
            app.save_screenshot("screenshot.svg", str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())

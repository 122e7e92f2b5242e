"""`y` copies the selection's text (or the annotation's under the cursor), `Y` the
annotation as JSON, through the terminal (OSC 52, works over SSH) or the system clipboard."""

from __future__ import annotations

from reader.ui.notify import copy_text
from reader.ui.screens.article.base import ArticleBase


class Clipboard(ArticleBase):
    def _copy(self, text: str, what: str) -> None:
        method = copy_text(self.app, text)
        self.say(f"copied {what} ({method})")

    def action_copy_text(self) -> None:
        view = self.view
        if view.selection:
            start, end = view.selection
            self._copy(view.text[start:end], f"{end - start} characters")
            return
        spans = view.spans.at(view.cursor)
        if spans:
            span = spans[0]
            self._copy(view.text[span.start:span.end], f"{span.label} text")
            return
        self.say("nothing to copy: select text or put the cursor on an annotation")

    def action_copy_json(self) -> None:
        import json

        spans = self.view.spans.at(self.view.cursor)
        if not spans:
            self.say("no annotation under the cursor")
            return
        annotation = self.annotations.store.get(spans[0].uid)
        if annotation is None:
            return
        record = annotation._asdict()
        record["id"] = record.pop("uid")
        record["document_sha256"] = self.document.sha256
        self._copy(json.dumps(record, ensure_ascii=False), "annotation as JSON")

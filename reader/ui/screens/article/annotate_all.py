"""`*`: tag every other occurrence of the span under the cursor with its label, in this
document or (from the command palette) in every document of the database. The occurrences
are found in a worker thread (`reader.annotate.occurrences`), more than `ASK_ABOVE` of them
(and any number in the corpus) are confirmed first, and the session commits them as one
undo step. Keys typed meanwhile wait and act afterwards, in order, as during a search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.annotate.session import Outcome, Saved
from reader.annotate.span_index import Span
from reader.errors import ReaderError
from reader.store.relations import database_path
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import labelled, quote

if TYPE_CHECKING:  # loaded by the first `*`, not before the first paint
    from reader.annotate.occurrences import Occurrences

WRITE_IN_THREAD_ABOVE = 1000
"""More spans than this are written in a thread: tens of thousands take seconds."""


class AnnotateAll(EditQueue):
    def action_annotate_all(self, corpus: bool = False, whole_word: bool = True) -> None:
        """`*` (with `corpus`, every document of the database; without `whole_word`, inside
        words too), from the span under the cursor; several there: ask which."""
        spans = self._spans_for_star()
        if not spans:
            self.say("no annotation of yours here: tag one, then * tags its other occurrences")
            self.app.bell()
            return
        if len(spans) == 1:
            self._find_occurrences(spans[0], corpus, whole_word)
            return
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        by_uid = {span.uid: span for span in spans}
        choices = [Choice(s.uid, s.label, quote(self.view.text, s.start, s.end)) for s in spans]
        self.app.push_screen(
            ChooseScreen("Tag every occurrence of which span?", choices),
            lambda uid: self._find_occurrences(by_uid[uid], corpus, whole_word) if uid else None)

    def _spans_for_star(self) -> list[Span]:
        """One's own spans under the cursor, else those ending just before it (where a tag
        made from a selection leaves the cursor), innermost first."""
        session, cursor = self.annotations, self.view.cursor
        found = session.own_spans_at(cursor)
        if not found and cursor > 0:
            found = [span for span in session.own_spans_at(cursor - 1) if span.end == cursor]
        return found

    def _find_occurrences(self, source: Span, corpus: bool, whole_word: bool) -> None:
        """Look for them in a worker; keys typed meanwhile wait for the answer."""
        from reader.annotate.occurrences import in_corpus, in_document

        session = self.annotations
        text, spans, document_id = session.text, session.spans, session.store.document_id
        needle = text[source.start:source.end]
        path = database_path(session.store.conn) if corpus else ""
        where = "every document" if corpus else "this document"
        self.say(f"finding {labelled(source, text)} in {where}…")
        self._hold_keys()

        def find() -> None:
            worker = get_current_worker()
            try:
                found = (in_corpus(path, session.annotator, needle, source,
                                   whole_word=whole_word, cancelled=lambda: worker.is_cancelled)
                         if corpus else in_document(document_id, text, spans, source,
                                                    whole_word=whole_word))
            except ReaderError as error:
                self.app.call_from_thread(self._occurrences_failed, str(error))
                return
            if found is not None:
                self.app.call_from_thread(self._occurrences_found, found)

        self.run_worker(find, thread=True, exclusive=True, group="annotate-all")

    def _occurrences_failed(self, message: str) -> None:
        self.say(f"* NOT done: {message}")
        self.app.bell()
        self._release_keys()

    def _occurrences_found(self, found: Occurrences) -> None:
        """Tag what the worker found, after asking when it is many."""
        from reader.annotate.occurrences import ASK_ABOVE

        self._release_keys()
        source = found.source
        if not found.count:
            self.say(f"no other untagged occurrence of {quote(found.text)} (whole words, not"
                     f" already {source.label})")
            return
        if found.count <= ASK_ABOVE and not found.corpus:  # the corpus: always asked
            self._tag_occurrences(found)
            return
        from reader.ui.screens.dialogs import ConfirmScreen

        documents = len(found.ranges)
        where = f" in {documents} document{'s' if documents != 1 else ''}" if found.corpus else ""
        undo = "u undoes them in each document" if found.corpus else "u undoes them all"
        question = (f"Tag {found.count} more occurrence{'s' if found.count != 1 else ''} of"
                    f" {quote(found.text)}{where} as {source.label}? ({undo})")

        def answered(yes: bool | None) -> None:
            if yes:
                self._tag_occurrences(found)
            else:
                self.say("nothing tagged")

        self.app.push_screen(ConfirmScreen(question), answered)

    def _tag_occurrences(self, found: Occurrences) -> None:
        """Commit them; thousands are written in a thread (as a write that waits for the
        database is), the keys typed meanwhile held until it is done."""

        def done(outcome: Outcome) -> None:
            if isinstance(outcome, Saved):
                self.view.clear_selection()
                self.view.hide_matches()  # the new spans' colours show at once

        def run() -> Outcome:
            return self.annotations.tag_all(found)

        if found.count <= WRITE_IN_THREAD_ABOVE:
            self._edit("annotation", run, done)
            return
        self._waiting_for_database = True
        self._hold_keys()
        self.say(f"tagging {found.count:,} occurrences…")
        self._wait_for_database("annotation", run, done)

"""Keeping the screen in step with the annotation session: after a reload or a committed
change the view, the legend, the annotation list and the header show what the session
holds."""

from __future__ import annotations

from textual import work

from reader.annotate.session import LoadedRelations, NotDone
from reader.annotate.span_index import Span
from reader.text.sanitize import safe_text
from reader.ui.notify import tell
from reader.ui.screens.article.base import ArticleBase
from reader.ui.widgets.status import Legend


class Publishing(ArticleBase):
    def _reload(self, *, relations: bool = True) -> None:
        """The spans to draw, read again from the database (and the relations, unless they
        are left to `_read_relations`)."""
        failed = self.annotations.reload(relations=relations) or \
            self.annotations.load_suggestions()
        if failed is not None:
            tell(self.app, failed.message, severity="error", timeout=10)
        self._publish()

    @work(thread=True, exclusive=True, group="relations")
    def _read_relations(self) -> None:
        loaded = self.annotations.read_relations()
        # Posted, not awaited (call_later is thread-safe): a screen closed meanwhile drops
        # it, and the thread never waits on a loop that is shutting down.
        self.call_later(self._relations_read, loaded)

    def _relations_read(self, loaded: LoadedRelations | NotDone) -> None:
        """Show the relations the worker read (unless a reload since read them anew)."""
        if isinstance(loaded, NotDone):
            if not self.annotations.relations_loaded:  # e.g. no file to open twice
                self._reload()
            return
        if self.annotations.use_relations(loaded):
            self._publish()

    def _publish(self) -> None:
        """Show the session's spans and relations (after a reload or a committed change)."""
        session = self.annotations
        spans = session.spans
        self.view.set_spans(spans, session.marked)
        self.view.set_suggestions(session.suggestions)
        self.view.set_relations(session.relations.has_span if len(session.relations) else None)
        pending = self._relation_from
        if pending is not None and session.span(pending.uid) is None:
            self._set_pending(None)  # its span is gone (deleted, undone, reloaded)
        if self.query("#annotation-list"):
            from reader.ui.widgets.annotation_list import AnnotationList

            for sidebar in self.query(AnnotationList):
                sidebar.update_spans(spans.spans, session.relations)
        self._update_status()

    def _set_pending(self, span: Span | None) -> None:
        """Start a relation from `span` (the number keys now pick relation labels), or end
        the one pending."""
        self._relation_from, self._said_at = span, None
        self.view.set_relation_head(span.uid if span is not None else None)
        self.query_one(Legend).show_relations(
            self.workspace.config.relations if span is not None else None)
        from reader.ui.widgets.annotation_list import AnnotationList

        for sidebar in self.query(AnnotationList):
            sidebar.set_relating(span)
        self._update_status(None if span is not None else "")

    def _describe_place(self) -> None:
        """Header subtitle (with the document's labels) and, in a corpus, the status line's
        "doc 2/40 · done 7/40"."""
        names = self._doc_label_names()
        self.sub_title = self.workspace.describe(self.document) + (
            " · # " + ", ".join(safe_text(name) for name in names) if names else "")
        self.corpus_place = self.workspace.corpus_place(self.document)
        # Also in the legend: a long title leaves the header no room for them.
        self.query_one(Legend).show_doc_labels(names)

    def _doc_label_names(self) -> tuple[str, ...]:
        """This annotator's labels of the document, in the config's order."""
        chosen = self.annotations.doc_labels
        order = [label.name for label in self.workspace.config.doc_labels]
        return (*(name for name in order if name in chosen),
                *sorted(name for name in chosen if name not in order))

"""What every part of the article screen shares: the document, its annotation session, the
view, and the status line they all speak through.

The screen is put together from parts with one job each (the modules beside this one),
each a subclass of `ArticleBase` or of another part it builds on, so mypy checks every
call one part makes into another.

To mypy, `ArticleBase` is a `Screen`; at run time it is a plain class, and so is every
part: `ArticleScreen` alone derives from `Screen`. Textual does work for every `Screen`
subclass it is given (it walks the whole class hierarchy, ~2 million instructions each),
and fifteen parts made that a tenth of what `reader open` adds before its first paint. So a
part handles messages by method name (`on_article_view_search_done`), never with `@on`,
which Textual reads only from the class dictionary of a `Screen`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.annotate.session import AnnotationSession
from reader.annotate.span_index import Span
from reader.store.documents import Document, Progress
from reader.store.relations import Relation
from reader.suggest.record import Suggestion
from reader.ui.keymap import hint_key, key_for
from reader.ui.selection_memory import SelectionMemory
from reader.ui.status_text import (
    pending_hint,
    position,
    quote,
    relation_line,
    suggestion_under_cursor,
    suggestions_note,
    under_cursor,
    with_count,
)
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status import StatusLine
from reader.ui.workspace import Workspace

if TYPE_CHECKING:
    from textual.screen import Screen

    ScreenPart = Screen[None]
else:
    ScreenPart = object

STATUS_RELATIONS_MAX = 12  # relation lines built for the status line (it shows a few)


class ArticleBase(ScreenPart):
    """The state every part reads, and `say`, the one way a part tells the user something."""

    # A relation pending from this span: meanwhile the number keys pick relation labels.
    _relation_from: Span | None = None
    # Where the cursor was when the last message came: the pending relation's hint waits
    # until the cursor moves from there.
    _said_at: int | None = None

    def __init__(self, document: Document, workspace: Workspace, *,
                 progress: Progress | None = None) -> None:
        super().__init__()
        self.document = document
        self.workspace = workspace
        self.progress = progress or Progress()
        self.annotations = AnnotationSession(workspace.store_for(document.id), document.text,
                                             compare=workspace.compare,
                                             relation_types=workspace.config.relations)
        self.corpus_place = ""
        self._selections = SelectionMemory()  # what tags cleared, for undo to give back

    @property
    def label_colors(self) -> dict[str, str]:
        return self.workspace.label_colors

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    # --- the status line -----------------------------------------------------------------

    def _update_status(self, message: str | None = None, state: str = "") -> None:
        view = self.view
        lines = view.lines
        line = lines.line_of(view.cursor)
        column = view.cursor - lines.starts[line] + 1
        percent = round(100 * view.cursor / max(len(view.text), 1))
        where = position(line + 1, column, percent, len(view.spans), self.corpus_place)
        pending = suggestions_note(view.suggestion_spans)
        where = f"{where}  {pending}" if pending else where
        here = view.spans.at(view.cursor)
        marked = self.annotations.marked
        under = [under_cursor(span, view.text, marked.get(span.uid)) for span in here]
        suggested = self.suggestions_here()
        if suggested:
            accept, reject = self._key("suggestion.accept", "s"), self._key(
                "suggestion.reject", "z")
            under.extend(suggestion_under_cursor(found, view.text, accept, reject)
                         for found in suggested)
        relations = self._relations_at(here)
        under.extend(self.describe_relation(r) for r in relations[:STATUS_RELATIONS_MAX])
        stale = False
        if message is None and self._relation_from is None and \
                self._said_at is not None and self._said_at != view.cursor:
            # A message is about where it was said: once the cursor moves on it is stale
            # ("tagged …", "match 2/5") and goes; the save state ("saved ✓") stays.
            message, self._said_at, stale = "", None, True
        mode = ""
        if self._relation_from is not None:
            mode = "RELATION"
            # The hint, once the cursor has moved from where the last message was said
            # (a refusal, a search's "match 2/5"): it stays until the relation is made.
            if message is None and self._said_at != view.cursor:
                message, self._said_at = self._pending_hint(self._relation_from), None
        elif view.selection:
            start, end = view.selection
            mode = f"SELECT {end - start}"
        elif view.selection_anchor is not None:
            mode = "SELECT"
        mode = with_count(mode, view.pending_count)
        self.status.show(mode=mode, where=where, under_cursor=under, message=message,
                         state=state if message is not None and not stale else None,
                         hidden=max(len(relations) - STATUS_RELATIONS_MAX, 0))

    def suggestions_here(self) -> list[tuple[Suggestion, ...]]:
        """The suggestions under the cursor, innermost first, one group per span (offsets
        and label: several sources may suggest the same span). From the view's index: no
        scan of the document's suggestions on every cursor move."""
        cursor = self.view.cursor
        groups: dict[tuple[int, int, str], list[Suggestion]] = {}
        for found in sorted(self.view.suggestions_in(cursor, cursor + 1),
                            key=lambda s: (s.end - s.start, s.start, s.label, s.source)):
            groups.setdefault(found.span, []).append(found)
        return [tuple(group) for group in groups.values()]

    def _key(self, binding_id: str, default: str) -> str:
        """The user's key for a binding (`[keys]` in the config), for a message."""
        return key_for(self.workspace.keymap, binding_id, default)

    def _hint_key(self, binding_id: str, shown: str) -> str:
        """`shown` (the legend's own way of writing the key), or the user's key if moved."""
        return hint_key(self.workspace.keymap, binding_id, shown)

    def _focus_within(self, widget_id: str) -> bool:
        """Whether the focus is in the widget with this id (the guidelines, the list)."""
        return self.focused is not None and any(
            node.id == widget_id for node in self.focused.ancestors_with_self)

    def say(self, message: str, state: str = "") -> None:
        """A message on the status line; `state` ("saved ✓") stays visible whatever the
        message's length. (While a relation is pending, until the cursor moves.)"""
        self._said_at = self.view.cursor
        self._update_status(message, state)

    def _pending_hint(self, head: Span) -> str:
        return pending_hint(head, self._relation_targets(head), self.workspace.config.relations,
                            self.view.text)

    # --- spans and relations here --------------------------------------------------------

    def describe_relation(self, relation: Relation) -> str:
        """`commitment “promised…” —by→ actor “Ana”` (and whose, if not one's own)."""
        return relation_line(relation, self.annotations.span, self.view.text,
                             self.annotations.annotator)

    def _relations_at(self, spans: list[Span]) -> list[Relation]:
        """The relations of `spans`, each once, in the order the spans come."""
        relations = self.annotations.relations
        if not len(relations):
            return []
        found: dict[str, Relation] = {}
        for span in spans:
            for relation in relations.of_span(span.uid):
                found.setdefault(relation.uid, relation)
        return list(found.values())

    def _relation_targets(self, head: Span) -> list[Span]:
        """One's own spans under the cursor (else in the selection: a search's Enter selects
        the match), but the one the relation starts from."""
        session, view = self.annotations, self.view
        spans = [s for s in session.own_spans_at(view.cursor) if s.uid != head.uid]
        if not spans and view.selection:
            spans = [s for s in session.own_spans_in(*view.selection) if s.uid != head.uid]
        return spans

    def _choose_own_span(self, title: str, then: Callable[[Span], None]) -> None:
        """`then` on one's own span under the cursor (else in the selection); several: ask."""
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        spans = self.annotations.own_spans_at(self.view.cursor)
        if not spans and self.view.selection:
            spans = self.annotations.own_spans_in(*self.view.selection)
        if not spans:
            self.say("no annotation of yours under the cursor")
            self.app.bell()
            return
        if len(spans) == 1:
            then(spans[0])
            return
        by_uid = {s.uid: s for s in spans}
        choices = [Choice(s.uid, s.label, quote(self.view.text, s.start, s.end)) for s in spans]
        self.app.push_screen(ChooseScreen(title, choices),
                             lambda uid: then(by_uid[uid]) if uid else None)

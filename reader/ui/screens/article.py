"""The article screen: reading, selecting, tagging, and the history of what was tagged.

Every annotation operation goes through the store first; the screen changes only after the
store has committed, so whatever the screen shows as saved is on disk."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from reader.annotate.session import (
    AnnotationSession,
    LoadedRelations,
    NotDone,
    Outcome,
    Saved,
    Why,
)
from reader.annotate.span_index import Span
from reader.store.database import is_busy
from reader.store.documents import Document, Progress
from reader.store.relations import Relation
from reader.text.sanitize import ELLIPSIS, safe_line, safe_text
from reader.text.tokens import token_at
from reader.ui.messages import OpenDocument, ShowLibrary, ShowStats
from reader.ui.notify import copy_text, tell
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status import Legend, StatusLine
from reader.ui.workspace import Workspace

if TYPE_CHECKING:
    from reader.ui.widgets.annotation_list import AnnotationList
    from reader.ui.widgets.search_bar import SearchBar

POSITION_SAVE_INTERVAL_S = 2.0
QUOTE_MAX = 40  # cells
RELATION_QUOTE_MAX = 24  # cells: a relation quotes two spans on one line
STATUS_RELATIONS_MAX = 12  # relation lines built for the status line (it shows a few)


def quote(text: str, start: int = 0, end: int | None = None, width: int = QUOTE_MAX) -> str:
    """`text[start:end]` in quotes, sanitised and shortened to `width` cells; only the
    part shown is sliced, so quoting a span over a whole 3 MB document costs what quoting
    a word does."""
    end = len(text) if end is None else end
    piece = text[start:min(end, start + 4 * width + 8)]  # more than `width` cells can show
    shown = safe_line(piece.replace("\r", " ").replace("\n", " "), width)
    if len(piece) < end - start and not shown.endswith(ELLIPSIS):
        shown += ELLIPSIS
    return f"“{shown}”"


LABEL_KEY_BINDINGS = [
    Binding(str(n), f"tag_key('{n}')", f"Tag with label {n}", show=False, id=f"tag.key{n}")
    for n in range(1, 10)
]


class ArticleScreen(Screen[None]):
    BINDINGS = [
        Binding("v", "toggle_selection", "Select", id="select.toggle"),
        Binding("escape", "clear", "Clear selection, cancel a relation", show=False,
                id="select.clear"),
        *LABEL_KEY_BINDINGS,
        Binding("enter", "pick_label", "Label…", id="tag.pick"),
        # A priority binding acts when the App takes the key, before it routes the keys
        # typed after it: those go to the search bar, not to the article.
        Binding("slash", "search", "Search", id="search.open", priority=True),
        Binding("n", "search_step(True)", "Next match", show=False, id="search.next"),
        Binding("N", "search_step(False)", "Previous match", show=False, id="search.previous"),
        Binding("x", "delete", "Delete", id="annotation.delete"),
        Binding("a", "note", "Note", show=False, id="annotation.note"),
        Binding("right_square_bracket", "jump(True)", "Next annotation", show=False,
                id="annotation.next"),
        Binding("left_square_bracket", "jump(False)", "Previous annotation", show=False,
                id="annotation.previous"),
        Binding("r", "relate", "Relate (start a relation from this span)", show=False,
                id="relation.start"),
        Binding("apostrophe", "follow_relation", "Go along a relation to its other end",
                show=False, id="relation.follow"),
        Binding("X", "delete_relation", "Delete a relation of this span", show=False,
                id="relation.delete"),
        Binding("number_sign", "doc_label", "Document label…", show=False, id="doclabel.pick"),
        Binding("u", "undo", "Undo", id="history.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
        Binding("tab", "toggle_list", "List", id="list.toggle"),
        Binding("y", "copy_text", "Copy text", show=False, id="copy.text"),
        Binding("Y", "copy_json", "Copy as JSON", show=False, id="copy.json"),
        Binding("R", "reload", "Reload annotations", show=False, id="annotations.reload"),
        Binding("greater_than_sign", "step_document(1)", "Next document", show=False,
                id="corpus.next"),
        Binding("less_than_sign", "step_document(-1)", "Previous document", show=False,
                id="corpus.previous"),
        Binding("D", "toggle_done", "Mark done", show=False, id="corpus.done"),
        Binding("L", "library", "Library", show=False, id="corpus.library"),
        Binding("S", "stats", "Statistics", show=False, id="corpus.stats"),
        Binding("c", "toggle_compare", "Compare", show=False, id="compare.toggle"),
        Binding("right_curly_bracket", "disagreement(True)", "Next disagreement", show=False,
                id="compare.next"),
        Binding("left_curly_bracket", "disagreement(False)", "Previous disagreement",
                show=False, id="compare.previous"),
        Binding("A", "accept", "Accept their span", show=False, id="compare.accept"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, document: Document, workspace: Workspace, *,
                 progress: Progress | None = None) -> None:
        super().__init__()
        self.document = document
        self.workspace = workspace
        self.progress = progress or Progress()
        self.annotations = AnnotationSession(workspace.store_for(document.id), document.text,
                                             compare=workspace.compare,
                                             relation_types=workspace.config.relations)
        self._relation_from: Span | None = None  # a relation pending from this span
        self._said_at: int | None = None  # where the cursor was when the last message came
        self._search_origin: int | None = None
        # The `v` selection's anchor when the search began: the match extends it.
        self._search_anchor: int | None = None
        # (key, span uid, cursor): a label key asked to confirm removing a span longer than
        # the word under the cursor; the same key again removes it, any other key cancels.
        self._pending_removal: tuple[str, str, int] | None = None
        # Keys typed while an edit waits for the database, or after Enter while the search
        # still runs: they act afterwards (a `1` typed blind tags the match), in order.
        self._held_keys: list[tuple[str, str | None]] | None = None
        self._search_submitted = False  # Enter pressed; the search has not landed yet
        self._position_dirty = False
        self._waiting_for_database = False
        self.corpus_place = ""

    # --- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="body"):
            yield ArticleView(self.document.text, cursor=self.progress.cursor,
                              top=self.progress.top, label_colors=self.label_colors, id="article")
        yield Legend(self.workspace.config.labels, id="legend")
        yield StatusLine(id="status")
        yield Static(id="footer-slot")  # holds the Footer's row until it is mounted

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

    @property
    def label_colors(self) -> dict[str, str]:
        return self.workspace.label_colors

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self.title = safe_text(self.document.title)
        self.view.focus()
        # The relations come after the first paint (20,000 take tens of ms to read): a
        # worker reads them on a connection of its own, and they are drawn when they land.
        self._reload(relations=False)
        self.call_after_refresh(self._read_relations)  # not competing with the paint
        self._describe_place()  # after the reload: it shows the document's labels
        self.set_interval(POSITION_SAVE_INTERVAL_S, self.save_position)
        self._update_status()
        # Textual's Footer builds a widget per key: worth a frame's delay, not the first paint.
        self.call_after_refresh(self._mount_footer)
        self.call_after_refresh(self._record_visit)

    async def _mount_footer(self) -> None:
        from textual.widgets import Footer

        if not self.is_attached:  # quit (or replaced) before its first frame was drawn
            return
        if not self.query(Footer):
            slot = self.query("#footer-slot")
            await self.mount(Footer())
            await slot.remove()
            self.refresh_bindings()  # a late Footer learns the keys only when told

    def _record_visit(self) -> None:
        """After the paint: the visit is bookkeeping, not something to wait for."""
        try:
            self.workspace.record_visit(self.document.id)
        except sqlite3.Error as error:
            tell(self.app, f"could not record the visit: {error}", severity="warning")

    # --- annotations in memory -----------------------------------------------------------

    def _reload(self, *, relations: bool = True) -> None:
        """The spans to draw, read again from the database (and the relations, unless they
        are left to `_read_relations`)."""
        failed = self.annotations.reload(relations=relations)
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
        self.view.set_relations(session.relations.has_span if len(session.relations) else None)
        pending = self._relation_from
        if pending is not None and session.span(pending.uid) is None:
            self._set_pending(None)  # its span is gone (deleted, undone, reloaded)
        if self.query("#annotation-list"):
            from reader.ui.widgets.annotation_list import AnnotationList

            for sidebar in self.query(AnnotationList):
                sidebar.update_spans(spans.spans, session.relations)
        self._update_status()

    # --- status --------------------------------------------------------------------------

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._position_dirty = True
        self._update_status()

    def _update_status(self, message: str | None = None, state: str = "") -> None:
        view = self.view
        lines = view.lines
        line = lines.line_of(view.cursor)
        column = view.cursor - lines.starts[line] + 1
        percent = round(100 * view.cursor / max(len(view.text), 1))
        where = f"{line + 1}:{column}  {percent}%  spans {len(self.view.spans)}"
        if self.corpus_place:
            where = f"{self.corpus_place}  {where}"
        here = view.spans.at(view.cursor)
        under = [
            f"[{s.label}{'' if s.own else ' · ' + s.annotator}{' ✎' if s.note else ''}]"
            f" {quote(view.text, s.start, s.end)}"
            for s in here
        ]
        relations = self._relations_at(here)
        under.extend(self.describe_relation(r) for r in relations[:STATUS_RELATIONS_MAX])
        mode = ""
        if self._relation_from is not None:
            mode = "RELATION"
            # The hint, once the cursor has moved from where the last message was said
            # (a refusal, a search's "match 2/5"): it stays until the relation is made.
            if message is None and self._said_at != view.cursor:
                message, self._said_at = self._pending_hint(), None
        elif view.selection:
            start, end = view.selection
            mode = f"SELECT {end - start}"
        elif view.selection_anchor is not None:
            mode = "SELECT"
        self.status.show(mode=mode, where=where, under_cursor=under, message=message,
                         state=state if message is not None else None,
                         hidden=max(len(relations) - STATUS_RELATIONS_MAX, 0))

    def say(self, message: str, state: str = "") -> None:
        """A message on the status line; `state` ("saved ✓") stays visible whatever the
        message's length. (While a relation is pending, until the cursor moves.)"""
        self._said_at = self.view.cursor
        self._update_status(message, state)

    # --- tagging -------------------------------------------------------------------------

    def _edit(self, operation: str, run: Callable[[], Outcome],
              done: Callable[[Outcome], None] | None = None) -> None:
        """Run an edit; if another process holds the write lock, wait for it in a thread
        (the UI keeps drawing) and hold the keys typed meanwhile, which act afterwards in
        the order typed: a key is never lost nor applied to a stale state."""
        outcome = run()
        if isinstance(outcome, NotDone) and outcome.why is Why.BUSY:
            self._waiting_for_database = True
            if self._held_keys is None:
                self._held_keys = []
            self.say(outcome.message)
            self._wait_for_database(operation, run, done)
            return
        self._edit_done(operation, outcome, done)

    def _edit_done(self, operation: str, outcome: Outcome,
                   done: Callable[[Outcome], None] | None) -> None:
        if done is not None:
            done(outcome)
        self._report(outcome, operation)

    @work(thread=True, exclusive=True, group="database")
    def _wait_for_database(self, operation: str, run: Callable[[], Outcome],
                           done: Callable[[Outcome], None] | None) -> None:
        with self.workspace.patient():
            outcome = run()
        self.app.call_from_thread(self._database_answered, operation, outcome, done)

    def _database_answered(self, operation: str, outcome: Outcome,
                           done: Callable[[Outcome], None] | None) -> None:
        self._waiting_for_database = False
        self._edit_done(operation, outcome, done)
        self._release_keys()

    def _report(self, outcome: Outcome, operation: str) -> bool:
        """Show what an edit did: the change and "saved" only once it is committed; else
        why nothing was saved. True when something was saved."""
        if isinstance(outcome, NotDone):
            self.app.bell()
            if outcome.why is Why.DATABASE:  # a toast: it must not scroll away unseen
                tell(self.app, f"{operation} {outcome.message}", severity="error", timeout=10)
                return False
            if outcome.why is Why.BUSY:  # still locked after the long wait
                tell(self.app, f"{operation} NOT saved: the database stayed busy (another"
                     " process is writing); try again", severity="error", timeout=10)
                return False
            prefix = "" if outcome.why is Why.NOTHING else f"{operation} NOT done: "
            self.say(prefix + outcome.message)
            return False
        self._publish()
        if outcome.kind == "doc_labels":
            self._describe_place()
        message, state = self._saved_message(outcome)
        self.say(message, state)
        return True

    def _saved_message(self, saved: Saved) -> tuple[str, str]:
        if saved.kind == "relation":
            return self._relation_saved_message(saved)
        if saved.kind == "doc_labels":
            return self._doc_labels_saved_message(saved)
        subject = saved.subject
        text = quote(self.document.text, subject.start, subject.end)
        label = subject.label
        if saved.relations_removed or saved.relations_added:  # a span deleted, or back, with them
            count = len(saved.relations_removed) + len(saved.relations_added)
            text += f" and its {count} relation{'' if count == 1 else 's'}"
        if saved.verb == "tagged":
            return f"{label} {text}", "saved ✓"
        if saved.verb in ("removed", "deleted"):  # a label key's toggle surprises: say so
            return f"{saved.verb} {label} {text}", "saved (u undoes)"
        if saved.verb == "noted":
            return f"note on {label}", "saved ✓"
        if saved.verb == "unnoted":
            return f"note removed from {label}", "saved"
        if saved.verb == "accepted":
            return f"accepted {label} {text}", "saved ✓"
        state = ("gone" if saved.after is None else "back" if saved.before is None
                 else "changed")
        return f"{saved.verb}: {label} {text} {state}", "saved"

    def _relation_saved_message(self, saved: Saved) -> tuple[str, str]:
        relation = saved.relation
        text = (f"{relation.label} relation {self._span_text(relation.head_uid)}"
                f" → {self._span_text(relation.child_uid)}")
        if saved.verb == "related":
            return text, "saved ✓"
        if saved.verb == "unrelated":
            return f"deleted {text}", "saved (u undoes)"
        return f"{saved.verb}: {text} {'back' if saved.relations_added else 'gone'}", "saved"

    def _doc_labels_saved_message(self, saved: Saved) -> tuple[str, str]:
        before = saved.doc_labels_before or frozenset()
        after = saved.doc_labels_after or frozenset()
        order = [label.name for label in self.workspace.config.doc_labels]

        def listed(names: frozenset[str]) -> str:
            return ", ".join(sorted(names, key=lambda n: (n not in order,
                                                          order.index(n) if n in order else 0,
                                                          n)))

        parts = [f"{listed(after - before)} on"] if after - before else []
        if before - after:
            parts.append(f"{listed(before - after)} off")
        text = "document label " + (", ".join(parts) or "unchanged")
        if saved.verb in ("labelled", "unlabelled"):
            return text, "saved ✓" if saved.verb == "labelled" else "saved"
        return f"{saved.verb}: {text}", "saved"

    # --- relations -----------------------------------------------------------------------

    def _span_text(self, uid: str, width: int = RELATION_QUOTE_MAX) -> str:
        """`actor “Ana”` for a relation's end."""
        span = self.annotations.span(uid)
        if span is None:
            return "a span not shown"
        return f"{span.label} {quote(self.view.text, span.start, span.end, width)}"

    def describe_relation(self, relation: Relation) -> str:
        """`commitment “promised…” —by→ actor “Ana”` (and whose, if not one's own)."""
        who = "" if relation.annotator == self.annotations.annotator \
            else f" · {relation.annotator}"
        return (f"{self._span_text(relation.head_uid)} —{relation.label}→"
                f" {self._span_text(relation.child_uid)}{who}")

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

    def _pending_hint(self) -> str:
        """What the pending relation would join here, and the keys that make it."""
        head = self._relation_from
        assert head is not None
        kinds = self.workspace.config.relations
        source = f"{head.label} {quote(self.view.text, head.start, head.end, 20)}"
        targets = self._relation_targets(head)
        if len(targets) == 1:  # what it would join, and the keys that may join it
            target = targets[0]
            allowed = [kind for kind in kinds if kind.allows(head.label, target.label)]
            shown = f"{target.label} {quote(self.view.text, target.start, target.end, 20)}"
            if not allowed:
                return (f"{source} → {shown}: no relation label joins {head.label} →"
                        f" {target.label}")
            keys = " · ".join(f"{kind.key} {kind.name}" for kind in allowed if kind.key)
            return f"{source} → {shown}: {keys or 'enter picks'}"
        keys = " · ".join(f"{kind.key} {kind.name}" for kind in kinds if kind.key)
        return f"from {source} — move to the other span{', ' + keys if keys else ''}"

    def _relation_targets(self, head: Span) -> list[Span]:
        """One's own spans under the cursor (else in the selection: a search's Enter selects
        the match), but the one the relation starts from."""
        session, view = self.annotations, self.view
        spans = [s for s in session.own_spans_at(view.cursor) if s.uid != head.uid]
        if not spans and view.selection:
            spans = [s for s in session.own_spans_in(*view.selection) if s.uid != head.uid]
        return spans

    def _no_relation_labels(self) -> bool:
        """Say so (and ring) when no relation label is configured."""
        if self.workspace.config.relations:
            return False
        self.say("no relation labels: add [[relations]] to reader.toml (or --relations)")
        self.app.bell()
        return True

    def action_relate(self) -> None:
        if self._no_relation_labels():
            return
        self._choose_own_span("Start a relation from which span?", self._set_pending)

    def on_annotation_list_relate(self, event: AnnotationList.Relate) -> None:
        """A click in the list: start a relation from the span, or end the pending one on it
        (the one label that fits, else the picker); on the span it started from, cancel."""
        span, head = event.span, self._relation_from
        if head is not None and head.uid == span.uid:
            self.action_clear()
            return
        if not span.own:
            self.say("that annotation is not yours")
            self.app.bell()
            return
        if head is None:
            if not self._no_relation_labels():
                self._set_pending(span)
            return
        if self.annotations.span(head.uid) is None:
            self._set_pending(None)
            self.say("the span the relation started from is gone")
            return
        fits = [kind for kind in self.workspace.config.relations
                if kind.allows(head.label, span.label)]
        if len(fits) == 1:
            self._relate(head, span, fits[0].name)
        elif fits:
            self._pick_relation(head, span)
        else:
            self.say(f"no relation label joins {head.label} → {span.label}; esc cancels")
            self.app.bell()

    def _complete_relation(self, label: str | None) -> None:
        """The pending relation to the span under the cursor, labelled `label` (None: pick
        the label from a list)."""
        head = self._relation_from
        assert head is not None
        if self.annotations.span(head.uid) is None:
            self._set_pending(None)
            self.say("the span the relation started from is gone")
            return
        spans = self._relation_targets(head)
        if not spans:
            self.say("move to the other span (one of yours) first; esc cancels")
            self.app.bell()
            return

        def with_target(target: Span) -> None:
            if label is None:
                self._pick_relation(head, target)
            else:
                self._relate(head, target, label)

        if len(spans) == 1:
            with_target(spans[0])
            return
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        by_uid = {s.uid: s for s in spans}
        choices = [Choice(s.uid, s.label, quote(self.view.text, s.start, s.end)) for s in spans]
        self.app.push_screen(ChooseScreen("Relation to which span?", choices),
                             lambda uid: with_target(by_uid[uid]) if uid else None)

    def _pick_relation(self, head: Span, target: Span) -> None:
        """Enter: the relation labels, those that may join these two spans first."""
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        kinds = self.workspace.config.relations
        fits = [kind for kind in kinds if kind.allows(head.label, target.label)]
        choices = [Choice(kind.name, f"{kind.key or ' '}  {kind.name}",
                          kind.description or kind.rule()) for kind in fits]
        choices += [Choice(kind.name, f"{kind.key or ' '}  {kind.name}", f"({kind.rule()})")
                     for kind in kinds if kind not in fits]
        title = (f"Relation {head.label} {quote(self.view.text, head.start, head.end, 20)}"
                 f" → {target.label} {quote(self.view.text, target.start, target.end, 20)}")

        def chosen(name: str | None) -> None:
            if name:
                self._relate(head, target, name)

        self.app.push_screen(ChooseScreen(title, choices), chosen)

    def _relate(self, head: Span, target: Span, label: str) -> None:
        def done(outcome: Outcome) -> None:
            if isinstance(outcome, Saved):
                self._set_pending(None)

        self._edit("relation", lambda: self.annotations.relate(head.uid, target.uid, label),
                   done)

    def action_follow_relation(self) -> None:
        """Go to the other end of a relation of the span under the cursor (several: ask)."""
        here = self.view.spans.at(self.view.cursor)
        pairs = [(span, relation) for span in here
                 for relation in self.annotations.relations.of_span(span.uid)]
        if not pairs:
            self.say("no relation here (r on a span starts one)")
            return
        if len(pairs) == 1:
            self._go_along(*pairs[0])
            return
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        choices = [Choice(str(index), self._arrow(span, relation),
                          "" if relation.annotator == self.annotations.annotator
                          else relation.annotator)
                   for index, (span, relation) in enumerate(pairs)]
        self.app.push_screen(ChooseScreen("Go along which relation?", choices),
                             lambda index: self._go_along(*pairs[int(index)]) if index else None)

    def _arrow(self, span: Span, relation: Relation) -> str:
        """`—by→ actor “Ana”` from the head, `←by— commitment “promised”` from the child."""
        other = self._span_text(relation.other_end(span.uid))
        if span.uid == relation.head_uid:
            return f"—{relation.label}→ {other}"
        return f"←{relation.label}— {other}"

    def _go_along(self, span: Span, relation: Relation) -> None:
        other = self.annotations.span(relation.other_end(span.uid))
        if other is None:
            self.say("the other end of that relation is not shown")
            return
        arrow = self._arrow(span, relation)
        self.view.clear_selection()
        self.view.move_cursor(other.start, center=True)
        self.say(f"{arrow}  (' goes back)")

    def action_delete_relation(self) -> None:
        """Delete one of one's own relations of the span under the cursor (several: ask)."""
        spans = self.annotations.own_spans_at(self.view.cursor)
        if not spans and self.view.selection:
            spans = self.annotations.own_spans_in(*self.view.selection)
        me = self.annotations.annotator
        relations = [r for r in self._relations_at(spans) if r.annotator == me]
        if not relations:
            self.say("no relation of yours here")
            self.app.bell()
            return

        def delete(relation: Relation) -> None:
            self._edit("relation deletion", lambda: self.annotations.unrelate(relation.uid))

        if len(relations) == 1:
            delete(relations[0])
            return
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        by_uid = {r.uid: r for r in relations}
        choices = [Choice(r.uid, self.describe_relation(r)) for r in relations]
        self.app.push_screen(ChooseScreen("Delete which relation?", choices),
                             lambda uid: delete(by_uid[uid]) if uid else None)

    # --- document labels -----------------------------------------------------------------

    def action_doc_label(self) -> None:
        """`#`: give the document a label, or take it away (single- or multi-choice)."""
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        config = self.workspace.config
        if not config.doc_labels:
            self.say("no document labels: add [[doc_labels]] to reader.toml")
            self.app.bell()
            return
        chosen = self.annotations.doc_labels
        multi = config.doc_labels_multi
        choices = [Choice(label.name,
                          f"{'✓' if label.name in chosen else ' '} {label.key or ' '}  "
                          f"{label.name}", label.description)
                   for label in config.doc_labels]
        title = ("Document labels (any number): choose one to set or clear it" if multi else
                 "Document label (one): choose one to set it, the one set clears it")

        def toggle(name: str | None) -> None:
            if name:
                self._edit("document label",
                           lambda: self.annotations.toggle_doc_label(name, multi=multi))

        self.app.push_screen(ChooseScreen(title, choices), toggle)

    def action_tag_key(self, key: str) -> None:
        if self._relation_from is not None:  # the number keys are relation labels now
            kind = self.workspace.config.relation_by_key(key)
            if kind is None:
                self.say(f"no relation label on key {key}")
                self.app.bell()
                return
            self._complete_relation(kind.name)
            return
        label = self.workspace.config.by_key(key)
        if label is None:
            self.say(f"no label on key {key}")
            self.app.bell()
            return
        if self._removal_needs_confirming(key, label.name):
            return
        self.tag(label.name)

    def _removal_needs_confirming(self, key: str, label: str) -> bool:
        """True (and asked) when `key` with no selection would remove a span longer than the
        word under the cursor: the user likely meant to tag the word, not drop a sentence.
        The same key pressed again, in the same place, goes ahead."""
        view = self.view
        if view.selection is not None:
            return False
        span = next((s for s in self.annotations.own_spans_at(view.cursor) if s.label == label),
                    None)  # the one `decide_tag` would remove: innermost first
        if span is None:
            return False
        token = token_at(view.text, view.cursor)
        word = token.end - token.start if token else 0
        if span.end - span.start <= word:
            return False
        pending = (key, span.uid, view.cursor)
        if self._pending_removal == pending:
            self._pending_removal = None
            return False
        self._pending_removal = pending
        self.say(f"press {key} again to remove {span.label}"
                 f" {quote(view.text, span.start, span.end)}"
                 f" ({span.end - span.start} characters), any other key cancels")
        return True

    def tag(self, label: str, selection: tuple[int, int] | None = None) -> None:
        """Apply `label` to `selection` (by default the view's, else the word under the
        cursor); the same label on the same span removes it (see
        `reader.annotate.editing.decide_tag`)."""
        from_view = selection is None
        selection = self.view.selection if selection is None else selection
        cursor = self.view.cursor

        def done(outcome: Outcome) -> None:
            if isinstance(outcome, Saved) and from_view:
                self.view.clear_selection()  # before the report: the status shows none
                self.view.hide_matches()  # else a match's highlight hides the new span

        self._edit("annotation", lambda: self.annotations.tag(label, selection, cursor), done)

    def action_pick_label(self) -> None:
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        if self._relation_from is not None:
            self._complete_relation(None)
            return
        labels = self.workspace.config.labels
        choices = [Choice(label.name, f"{label.key or ' '}  {label.name}", label.description)
                   for label in labels]

        def chosen(name: str | None) -> None:
            if name:
                self.tag(name)

        self.app.push_screen(ChooseScreen("Label", choices), chosen)

    def _choose_own_span(self, title: str, then: Callable[[Span], None]) -> None:
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

    def action_delete(self) -> None:
        def delete(span: Span) -> None:
            self._edit("deletion", lambda: self.annotations.delete(span.uid))

        self._choose_own_span("Delete which annotation?", delete)

    def action_note(self) -> None:
        self._choose_own_span("Note on which annotation?", self._edit_note)

    def _edit_note(self, span: Span) -> None:
        from reader.ui.screens.dialogs import NoteScreen

        def save(note: str | None) -> None:
            if note is None or note.strip() == span.note:
                return
            self._edit("note", lambda: self.annotations.set_note(span.uid, note))

        title = f"Note on {span.label} {quote(self.view.text, span.start, span.end)}"
        self.app.push_screen(NoteScreen(title, span.note), save)

    def _history(self, undo: bool) -> None:
        def done(outcome: Outcome) -> None:
            if not isinstance(outcome, Saved):
                return
            if outcome.kind == "span":
                self.view.move_cursor(outcome.subject.start)
            elif outcome.kind == "relation":
                head = self.annotations.span(outcome.relation.head_uid)
                if head is not None:
                    self.view.move_cursor(head.start)

        step = self.annotations.undo if undo else self.annotations.redo
        self._edit("undo" if undo else "redo", step, done)

    def action_undo(self) -> None:
        self._history(undo=True)

    def action_redo(self) -> None:
        self._history(undo=False)

    def action_jump(self, forward: bool) -> None:
        spans = self.view.spans
        cursor = self.view.cursor
        span = spans.next_after(cursor) if forward else spans.previous_before(cursor)
        if span is None:
            self.say("no more annotations " + ("after" if forward else "before") + " here")
            return
        self.view.move_cursor(span.start, center=True)

    def action_reload(self) -> None:
        self._reload()
        self.say(f"reloaded: {len(self.view.spans)} annotations")

    # --- selection and search ------------------------------------------------------------

    def action_toggle_selection(self) -> None:
        view = self.view
        if view.selection_anchor is None:
            view.start_selection()
        else:
            view.clear_selection()
        self._update_status()

    def action_clear(self) -> None:
        if self._relation_from is not None:  # Escape ends the relation first
            self._set_pending(None)
            self.say("relation cancelled")
            return
        self.view.clear_selection()
        if self.view.matches or self.view.searching:
            self.view.clear_search()
        self._update_status()

    async def _search_bar(self) -> SearchBar:
        from reader.ui.widgets.search_bar import SearchBar

        found = self.query(SearchBar)
        if found:
            return found.first()
        bar = SearchBar(placeholder="search (smart case) — enter selects, escape cancels",
                        id="search")
        await self.mount(bar, before=self.query_one(Legend))
        return bar

    async def action_search(self) -> None:
        if self._held_keys is not None or isinstance(self.focused, Input):
            raise SkipAction()  # a `/` in the query, or a key waiting its turn
        if self.focused is not None and self.focused.id == "annotation-options":
            from reader.ui.widgets.annotation_list import AnnotationList

            self.query_one(AnnotationList).focus_filter()  # `/` in the list: its filter
            return
        bar = await self._search_bar()
        self._search_origin = self.view.cursor
        self._search_anchor = self.view.selection_anchor if self.view.selecting else None
        bar.open(return_focus=self.view)
        if bar.value:
            self._preview_search(bar.value)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        from reader.ui.widgets.search_bar import SearchBar

        bar = event.input
        # Changes queue behind the keys in the bar: one older than the bar's value, or one
        # arriving after Enter or Escape closed it, is already dealt with.
        if isinstance(bar, SearchBar) and bar.is_open and event.value == bar.value:
            self._preview_search(event.value, debounce=True)

    def _preview_search(self, query: str, *, debounce: bool = False) -> None:
        result = self.view.find(query, debounce=debounce)
        if result is None:
            self.say(f"searching… {query}")
        else:
            self._show_matches()

    def on_article_view_search_progress(self, message: ArticleView.SearchProgress) -> None:
        self.say(f"searching… {message.fraction:.0%} · {message.found} found")

    def on_article_view_search_done(self, message: ArticleView.SearchDone) -> None:
        self._show_matches()
        if self._search_submitted:
            self._search_submitted = False
            self._select_match()
            self._release_keys()

    def _show_matches(self) -> None:
        """Make the first match at or after where the search began the current one."""
        view = self.view
        matches = view.matches
        origin = self._search_origin if self._search_origin is not None else view.cursor
        if not matches:
            view.set_current_match(None)
            if view.cursor != origin:  # nothing matches: back to where the search began
                self._move_searching(origin)
            self.say(f"not found: {matches.query}" if matches.query else "")
            return
        current = view.match_index_after(origin - 1)
        assert current is not None
        view.set_current_match(current)
        match = matches[current]
        self._move_searching(match.start if self._search_anchor is None
                             else self._extended_end(match.start, match.end))
        self.say(f"match {current + 1}/{len(matches)}")

    def _extended_end(self, start: int, end: int) -> int:
        """Where a `v` selection's free end goes to take in the match [start, end)."""
        anchor = self._search_anchor
        return end if anchor is None or start >= anchor else start

    def _move_searching(self, offset: int) -> None:
        """Move while searching: in `v` mode the selection follows, else the cursor alone."""
        if self._search_anchor is not None and self.view.selecting:
            self.view.extend_selection(offset)
        else:
            self.view.move_cursor(offset, center=True)

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        view = self.view
        if not message.submitted:
            view.clear_search()
            if self._search_origin is not None:
                self._move_searching(self._search_origin)
            self._search_anchor = None
            self._update_status("")
            return
        if view.searching or view.matches.query != message.value:
            self._preview_search(message.value)
            if view.searching:  # SearchDone selects the match; keys wait until then
                self._search_submitted = True
                if self._held_keys is None:
                    self._held_keys = []
                return
        self._select_match()

    def _select_match(self) -> None:
        """Enter: select the current match (tagging then acts on it)."""
        view = self.view
        matches = view.matches
        if view.current_match is None or not matches:
            self.say(f"not found: {matches.query}")
            return
        match = matches[view.current_match]
        if self._search_anchor is not None and view.selecting:  # `v`: take the match in
            view.extend_selection(self._extended_end(match.start, match.end))
            self._search_anchor = None
            start, end = view.selection or (view.cursor, view.cursor)
            self.say(f"match {view.current_match + 1}/{len(matches)}: selection extended"
                     f" to it ({end - start} characters)")
            return
        self._search_anchor = None
        view.set_selection(match.start, match.end)
        if self._relation_from is not None:  # a move to the other end: what it would join
            self._said_at = None
            self._update_status()
            return
        self.say(f"match {view.current_match + 1}/{len(matches)} selected")

    def on_key(self, event: events.Key) -> None:
        if self._held_keys is not None:
            event.stop()
            event.prevent_default()
            self._held_keys.append((event.key, event.character))
            return
        pending = self._pending_removal
        if pending is not None and event.key != pending[0]:
            self._pending_removal = None  # any other key cancels, and then does its work
            self.say("removal cancelled")

    def _release_keys(self) -> None:
        """Send the held keys again, in order, to whatever has the focus now (from the App,
        as the terminal's keys come: a message stops bubbling at its sender), unless the
        database or a submitted search still keeps them waiting."""
        if self._waiting_for_database or self._search_submitted:
            return
        held, self._held_keys = self._held_keys or [], None
        for key, character in held:
            self.app.post_message(events.Key(key, character).set_sender(self.app))

    def action_search_step(self, forward: bool) -> None:
        view = self.view
        matches = view.matches
        if not matches:
            self.say("no search: press / to search")
            return
        selection = view.selection
        current = view.current_match
        selecting_match = (
            selection is not None and current is not None
            and selection == tuple(matches[current])
        )
        reference = selection[0] if selection else view.cursor
        index = view.match_index_after(reference, forward)
        assert index is not None
        match = matches[index]
        view.set_current_match(index)
        if selecting_match:
            view.set_selection(match.start, match.end)
        else:
            view.move_cursor(match.start, center=True)
        self.say(f"match {index + 1}/{len(matches)}")

    # --- list, clipboard, help -----------------------------------------------------------

    async def action_toggle_list(self) -> None:
        from reader.ui.widgets.annotation_list import AnnotationList

        found = self.query(AnnotationList)
        if found:
            sidebar = found.first()
        else:
            sidebar = AnnotationList(self.view.text, self.label_colors,
                                     self.workspace.relation_colors, id="annotation-list")
            await self.query_one("#body").mount(sidebar)
            sidebar.update_spans(list(self.view.spans), self.annotations.relations)
            sidebar.set_relating(self._relation_from)
        if sidebar.has_class("-visible"):
            sidebar.remove_class("-visible")
            self.view.focus()
        else:
            sidebar.add_class("-visible")
            sidebar.query_one("#annotation-options").focus()

    def on_annotation_list_jump(self, event: AnnotationList.Jump) -> None:
        self.view.focus()
        self.view.move_cursor(event.span.start, center=True)

    def on_annotation_list_delete(self, event: AnnotationList.Delete) -> None:
        """`x` in the list: its span (with its relations) or its relation."""
        row = event.row
        if isinstance(row, Span):
            if not row.own:
                self.say("that annotation is not yours")
                return
            self._edit("deletion", lambda: self.annotations.delete(row.uid))
        else:
            uid = row.relation.uid
            self._edit("relation deletion", lambda: self.annotations.unrelate(uid))

    def on_annotation_list_note(self, event: AnnotationList.Note) -> None:
        """`a` in the list: the note of the row's span, wherever the article's cursor is."""
        if not event.span.own:
            self.say("that annotation is not yours")
            return
        self._edit_note(event.span)

    def on_annotation_list_tag(self, event: AnnotationList.Tag) -> None:
        """A label key in the list: that label toggled on the row's span's range."""
        if self._relation_from is not None:
            self.action_tag_key(event.key)  # the number keys are relation labels now
            return
        label = self.workspace.config.by_key(event.key)
        if label is None:
            self.say(f"no label on key {event.key}")
            self.app.bell()
            return
        self.tag(label.name, (event.span.start, event.span.end))

    def on_annotation_list_copy(self, event: AnnotationList.Copy) -> None:
        span = event.span
        self._copy(self.view.text[span.start:span.end], f"{span.label} text")

    def on_annotation_list_back(self, event: AnnotationList.Back) -> None:
        if self._relation_from is not None:  # Escape ends the relation first
            self._set_pending(None)
            self.say("relation cancelled")
            return
        self.view.focus()

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

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        own = [b for b in self.BINDINGS
               if isinstance(b, Binding) and b.id and not b.id.startswith("tag.key")]

        def group(*prefixes: str) -> list[Binding]:
            return [b for b in own if b.id and b.id.split(".")[0] in prefixes]

        sections = [
            ("Reading", [b for b in ArticleView.BINDINGS if isinstance(b, Binding)]
             + group("search")),
            ("Selecting, tagging and editing",
             group("select", "tag", "annotation", "annotations", "history", "list", "copy")),
            ("Relations (r, move to the other span, then 1-9 or Enter) and document labels",
             group("relation", "doclabel")),
            ("Corpus", group("corpus")),
            ("Comparing annotators (adjudication)", group("compare")),
            ("App", group("app")),
        ]
        config = self.workspace.config
        self.app.push_screen(HelpScreen(sections, config.labels, relations=config.relations))

    # --- corpus and team -----------------------------------------------------------------

    def action_step_document(self, step: int) -> None:
        target = self.workspace.neighbour(self.document.id, step)
        if target is None:
            self.say("this is the " + ("last" if step > 0 else "first") + " document")
            return
        self.save_position()
        self.post_message(OpenDocument(target))

    def action_toggle_done(self) -> None:
        try:
            status = self.workspace.toggle_done(self.document.id)
        except sqlite3.Error as error:
            tell(self.app, f"status NOT saved: {error}", severity="error")
            return
        self._describe_place()
        self.say("marked done" if status == "done" else "marked not done", "saved")

    def action_library(self) -> None:
        self.save_position()
        self.post_message(ShowLibrary())

    def action_stats(self) -> None:
        self.post_message(ShowStats())

    def action_toggle_compare(self) -> None:
        workspace = self.workspace
        workspace.compare = not workspace.compare
        failed = self.annotations.set_compare(workspace.compare)
        if failed is not None:
            tell(self.app, failed.message, severity="error", timeout=10)
        self._publish()
        others = {span.annotator for span in self.view.spans} - {workspace.annotator}
        if workspace.compare:
            who = ", ".join(sorted(others)) or "nobody else yet"
            self.say(f"compare mode: showing {who} (underlined); }} / {{ jump, A accepts")
        else:
            self.say("compare mode off")

    def action_disagreement(self, forward: bool) -> None:
        from reader.annotate.compare import disagreements

        if not self.annotations.compare:
            self.say("press c for compare mode first")
            return
        found = disagreements(self.view.spans)
        cursor = self.view.cursor
        if forward:
            target = next((s for s in found if s.start > cursor), None)
        else:
            target = next((s for s in reversed(found) if s.start < cursor), None)
        if target is None:
            self.say(f"no more disagreements ({len(found)} in this document)")
            return
        self.view.move_cursor(target.start, center=True)
        index = found.index(target) + 1
        self.say(f"disagreement {index}/{len(found)}")

    def action_accept(self) -> None:
        """Adjudicate: copy another annotator's span under the cursor as one's own."""
        here = self.view.spans.at(self.view.cursor)
        own = {(s.start, s.end, s.label) for s in here if s.own}
        theirs = [s for s in here if not s.own and (s.start, s.end, s.label) not in own]
        if not theirs:
            self.say("no other annotator's span to accept here (compare mode: c)")
            return
        span = theirs[0]
        self._edit("annotation", lambda: self.annotations.accept(span))

    # --- reading position ----------------------------------------------------------------

    def save_position(self) -> None:
        if not self._position_dirty or self._waiting_for_database:
            return
        try:
            self.workspace.save_position(self.document.id, self.view.cursor,
                                         self.view.top_offset)
            self._position_dirty = False
        except sqlite3.Error as error:
            if not is_busy(error):  # busy: still dirty, saved at the next tick
                tell(self.app, f"reading position not saved: {error}", severity="warning")

    async def action_quit(self) -> None:
        self.save_position()
        self.app.exit()

"""Selecting and tagging: label keys (a toggle: the same label on the same span removes
it), the label and document-label pickers, deleting, notes, undo and redo. While a
relation is pending the number keys and Enter belong to relation mode."""

from __future__ import annotations

from textual import events

from reader.annotate.session import Outcome, Saved
from reader.annotate.span_index import Span
from reader.text.tokens import token_at
from reader.ui.screens.article.relation_mode import RelationMode
from reader.ui.status_text import labelled


class Tagging(RelationMode):
    # (key, span uid, cursor): a label key asked to confirm removing a span longer than
    # the word under the cursor; the same key again removes it, any other key cancels.
    _pending_removal: tuple[str, str, int] | None = None

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
        self.say(f"press {key} again to remove {labelled(span, view.text)}"
                 f" ({span.end - span.start} characters), any other key cancels")
        return True

    def _cancel_removal(self, event: events.Key) -> None:
        """Any key but the one asked for cancels a pending removal (and then does its work)."""
        pending = self._pending_removal
        if pending is not None and event.key != pending[0]:
            self._pending_removal = None
            self.say("removal cancelled")

    def tag(self, label: str, selection: tuple[int, int] | None = None) -> None:
        """Apply `label` to `selection` (by default the view's, else the word under the
        cursor); the same label on the same span removes it (see
        `reader.annotate.editing.decide_tag`)."""
        from_view = selection is None
        selection = self.view.selection if selection is None else selection
        cursor = self.view.cursor
        taken = self.view.selection_state() if from_view else None

        def done(outcome: Outcome) -> None:
            if isinstance(outcome, Saved) and from_view:
                if taken is not None:  # undo gives it back
                    self._selections.tagged(outcome, taken)
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

        title = f"Note on {labelled(span, self.view.text)}"
        self.app.push_screen(NoteScreen(title, span.note), save)

    def _history(self, undo: bool) -> None:
        def done(outcome: Outcome) -> None:
            if not isinstance(outcome, Saved):
                return
            if outcome.kind == "span":
                self.view.move_cursor(outcome.subject.start)  # a redo's selection: gone
                taken = self._selections.undone(outcome) if undo else None
                if taken is not None:  # the undo of a tag: the selection it cleared is back
                    self.view.restore_selection(taken)
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

    def action_toggle_selection(self) -> None:
        view = self.view
        if view.selection_anchor is None:
            view.start_selection()
        else:
            view.clear_selection()
        self._update_status()

    def action_clear(self) -> None:
        if self._relation_from is not None:  # Escape ends the relation first
            self._cancel_relation()
            return
        self.view.clear_selection()
        if self.view.matches or self.view.searching:
            self.view.clear_search()
        self._update_status()

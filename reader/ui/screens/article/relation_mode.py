"""Relation mode: `r` (or a click on a list row's →) starts a relation from a span; the
user moves to the other span and picks the relation label with a number key or Enter.
Also going along a relation (') and deleting one (X)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.annotate.session import Outcome, Saved
from reader.annotate.span_index import Span
from reader.store.relations import Relation
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import PENDING_QUOTE_MAX, arrow, labelled, quote

if TYPE_CHECKING:
    from reader.ui.widgets.annotation_list import AnnotationList


class RelationMode(EditQueue):
    def _cancel_relation(self) -> None:
        self._set_pending(None)
        self.say("relation cancelled")

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
            self._cancel_relation()
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
        text = self.view.text
        title = (f"Relation {labelled(head, text, PENDING_QUOTE_MAX)}"
                 f" → {labelled(target, text, PENDING_QUOTE_MAX)}")

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
        return arrow(span, relation, self.annotations.span, self.view.text)

    def _go_along(self, span: Span, relation: Relation) -> None:
        other = self.annotations.span(relation.other_end(span.uid))
        if other is None:
            self.say("the other end of that relation is not shown")
            return
        described = self._arrow(span, relation)
        self.view.clear_selection()
        self.view.move_cursor(other.start, center=True)
        self.say(f"{described}  (' goes back)")

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

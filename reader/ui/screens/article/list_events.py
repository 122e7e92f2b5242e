"""The annotation list beside the article (Tab): its keys act on the highlighted row, and
arrive here as messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.annotate.span_index import Span
from reader.ui.screens.article.clipboard import Clipboard
from reader.ui.screens.article.tagging import Tagging

if TYPE_CHECKING:
    from reader.ui.widgets.annotation_list import AnnotationList


class ListEvents(Tagging, Clipboard):
    async def action_toggle_list(self) -> None:
        """Tab: into the list (opening it if needed); Tab in the list closes it. From the
        article an open list is entered, not closed: after Escape, one Tab goes back."""
        from reader.ui.widgets.annotation_list import AnnotationList

        found = self.query(AnnotationList)
        if found:
            sidebar = found.first()
        else:
            keys = (self._hint_key("search.open", "/"), self._hint_key("list.back", "esc"),
                    self._hint_key("list.choose", "enter"))
            sidebar = AnnotationList(self.view.text, self.label_colors,
                                     self.workspace.relation_colors, keys=keys,
                                     id="annotation-list")
            await self.query_one("#body").mount(sidebar)
            sidebar.update_spans(list(self.view.spans), self.annotations.relations)
            sidebar.set_relating(self._relation_from)
        if sidebar.has_class("-visible") and sidebar.has_focus_within:
            sidebar.remove_class("-visible")
            self.view.focus()
        else:
            sidebar.add_class("-visible")
            sidebar.focus_rows()

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
            self._cancel_relation()
            return
        self.view.focus()

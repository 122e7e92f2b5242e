"""Search from the article: `/` opens the bar, each change previews the matches (the search
runs in the view's worker), Enter selects the current match, Escape goes back to where
the search began; n / N step through the matches. In `v` mode the match extends the
selection instead. Keys typed after Enter wait until the search has landed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.actions import SkipAction
from textual.widgets import Input

from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status import Legend

if TYPE_CHECKING:
    from reader.ui.widgets.search_bar import SearchBar


class Searching(EditQueue):
    _search_origin: int | None = None  # the cursor when the search began
    # The `v` selection's anchor when the search began: the match extends it.
    _search_anchor: int | None = None

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
        if self._focus_within("guidelines"):
            from reader.ui.widgets.guidelines_panel import GuidelinesPanel

            # `/` in the guidelines searches them; now, so the query typed behind it goes in.
            self.query_one(GuidelinesPanel).action_search()
            return
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

    def on_input_changed(self, event: Input.Changed) -> None:
        """The search bar's text changed (the annotation list's filter is an Input too)."""
        from reader.ui.widgets.search_bar import SearchBar

        bar = event.input
        if bar.id != "search":
            return
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
                self._hold_keys()
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

    def action_search_step(self, forward: bool) -> None:
        view = self.view
        matches = view.matches
        if not matches:
            self.say(f"no search: press {self._key('search.open', 'slash')} to search")
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

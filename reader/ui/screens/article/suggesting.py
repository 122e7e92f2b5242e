"""Suggestions (issue 11): spans proposed by `reader suggest`, imported predictions, or the
live sources `reader open --suggest` turns on (spans learned from the corpus, pattern files,
gazetteers, a model), drawn apart from the spans. One key accepts the suggestion under the
cursor as one's own span, one rejects it (it never comes back), one accepts them all (one
undo step), two jump between them.

Stored suggestions come with every reload (`Publishing._reload`). The live sources run in a
worker thread, off the UI thread, after the first paint and again whenever one's spans
change (what is learned changes with them); a newer run replaces an older one's result."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.worker import get_current_worker

from reader.annotate.occurrences import ASK_ABOVE
from reader.annotate.session import NotDone, Outcome, Saved
from reader.suggest.record import Suggestion
from reader.ui.notify import tell
from reader.ui.screens.article.annotate_all import WRITE_IN_THREAD_ABOVE
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import quote


class Suggesting(EditQueue):
    # The file sources' (patterns, gazetteers, model) suggestions for this text: they do
    # not change while one tags, so they are found once; the learned source runs each time.
    _fixed_suggestions: list[Suggestion] | None = None
    _suggest_run = 0  # the newest live run: an older one's result is dropped

    # --- live sources --------------------------------------------------------------------

    def _reload(self, *, relations: bool = True) -> None:
        super()._reload(relations=relations)
        self.call_after_refresh(self._find_live_suggestions)  # not competing with the paint

    def _report(self, outcome: Outcome, operation: str) -> bool:
        saved = super()._report(outcome, operation)
        if saved and isinstance(outcome, Saved) and outcome.kind in ("span", "spans") \
                and outcome.verb not in ("noted", "unnoted"):
            self._find_live_suggestions()  # what is learned changed with one's spans
        return saved

    def _find_live_suggestions(self) -> None:
        """Run the live sources (`--suggest`) on the text in a worker thread."""
        live = self.workspace.live_sources
        if live is None or not self.is_attached:
            return
        session = self.annotations
        sources = [] if self._fixed_suggestions is not None else list(live.sources)
        learned = session.learned_source() if live.learn else None
        if isinstance(learned, NotDone):
            tell(self.app, learned.message, severity="warning")
            learned = None
        if not sources and learned is None:
            return
        self._suggest_run += 1
        run = self._suggest_run

        def find() -> None:
            fixed = session.find_suggestions(sources) if sources else None
            found = session.find_suggestions([learned]) if learned is not None else []
            if not get_current_worker().is_cancelled:
                self.call_later(self._live_found, run, fixed, found)

        self.run_worker(find, thread=True, exclusive=True, group="suggest")

    def _live_found(self, run: int, fixed: list[Suggestion] | None,
                    learned: list[Suggestion]) -> None:
        """Show what the live sources found (unless a newer run is on its way)."""
        if fixed is not None:
            self._fixed_suggestions = fixed
        if run != self._suggest_run:
            return
        self.annotations.use_suggestions([*(self._fixed_suggestions or ()), *learned])
        self.view.set_suggestions(self.annotations.suggestions)
        self._update_status()

    # --- keys ----------------------------------------------------------------------------

    def action_accept_suggestion(self) -> None:
        """The suggestion under the cursor as one's own span (several there: ask which);
        suggested by several sources, the span records the first."""
        self._on_suggestion("Accept which suggestion?", lambda same: self._edit(
            "accept", lambda: self.annotations.accept_suggestion(same[0])))

    def action_reject_suggestion(self) -> None:
        """Reject the suggestion under the cursor: it is not suggested to you again, by
        any of the sources that suggest it (one undo step each)."""
        def reject(same: tuple[Suggestion, ...]) -> None:
            for found in same:
                self._edit("reject", partial(self.annotations.reject_suggestion, found))

        self._on_suggestion("Reject which suggestion?", reject)

    def action_accept_all_suggestions(self) -> None:
        """Every suggestion in the document as one's own spans, one undo step; more than
        `ASK_ABOVE` are confirmed first (careless suggestions make false positives), more
        than `WRITE_IN_THREAD_ABOVE` written in a thread, the keys typed meanwhile held."""
        count = self.view.suggestion_spans
        if count <= ASK_ABOVE:
            self._accept_all(count)
            return
        from reader.ui.screens.dialogs import ConfirmScreen

        undo = self._key("history.undo", "u")
        question = f"Accept all {count} suggestions in this document? ({undo} undoes them all)"
        self.app.push_screen(ConfirmScreen(question), lambda yes: self._accept_all(count)
                             if yes else self.say("nothing accepted"))

    def _accept_all(self, count: int) -> None:
        run = self.annotations.accept_all_suggestions
        if count <= WRITE_IN_THREAD_ABOVE:
            self._edit("accept all", run)
            return
        self._waiting_for_database = True
        self._hold_keys()
        self.say(f"accepting {count:,} suggestions…")
        self._wait_for_database("accept all", run, None)

    def action_suggestion_jump(self, forward: bool) -> None:
        session, cursor = self.annotations, self.view.cursor
        found = session.next_suggestion(cursor) if forward else \
            session.previous_suggestion(cursor)
        if found is None:
            self.say(f"no more suggestions {'after' if forward else 'before'} here"
                     if session.suggestions else self._no_suggestions())
            return
        self.view.clear_selection()
        self.view.move_cursor(found.start, center=True)

    def _on_suggestion(self, title: str,
                       then: Callable[[tuple[Suggestion, ...]], None]) -> None:
        """`then` on the span suggested under the cursor (with every source suggesting
        it); several spans there: ask which."""
        from reader.ui.screens.dialogs import Choice, ChooseScreen

        here = self.suggestions_here()
        if not here:
            next_key = self._key("suggestion.next", "right_parenthesis")
            self.say(f"no suggestion under the cursor ({next_key} goes to the next)"
                     if self.annotations.suggestions else self._no_suggestions())
            self.app.bell()
            return
        if len(here) == 1:
            then(here[0])
            return
        by_key = {repr(same[0].span): same for same in here}
        text = self.view.text
        choices = [Choice(repr(same[0].span), same[0].label,
                          f"{quote(text, same[0].start, same[0].end)} · "
                          + ", ".join(found.source for found in same)) for same in here]
        self.app.push_screen(ChooseScreen(title, choices),
                             lambda key: then(by_key[key]) if key else None)

    def _no_suggestions(self) -> str:
        live = self.workspace.live_sources is not None
        return ("no suggestions in this document" if live else
                "no suggestions: reader open --suggest, or reader suggest, makes some")

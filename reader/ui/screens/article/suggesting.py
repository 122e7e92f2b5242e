"""Suggestions (issue 11): spans proposed by `reader suggest`, imported predictions, or the
live sources `reader open --suggest` turns on (spans learned from the corpus, pattern files,
gazetteers, a model), drawn apart from the spans. One key accepts the suggestion under the
cursor as one's own span, one rejects it (it never comes back), one accepts them all (one
undo step), two jump between them.

Stored suggestions come with every reload (`Publishing._reload`). The live sources run in
worker threads, off the UI thread, after the first paint: the file sources (patterns,
gazetteers, a model) once, since what they suggest never changes; the learned source
(`reader.suggest.learned`) first on every span text of the corpus, then after each saved
edit on the span texts that edit changed only. A result that a newer edit overtook is
dropped; the newer one's is shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.annotate.session import NotDone, Outcome, Saved
from reader.suggest.record import Suggestion
from reader.ui.notify import tell
from reader.ui.screens.article.annotate_all import WRITE_IN_THREAD_ABOVE
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import quote

if TYPE_CHECKING:  # `--suggest` only: loaded when it first learns, never before the paint
    from reader.suggest.learned import Learned, Learning


class Suggesting(EditQueue):
    # The file sources' suggestions for this text (None until found): they do not change
    # while one tags, so they are found once and shown again after every reload.
    _fixed_suggestions: list[Suggestion] | None = None
    _fixed_started = False
    _learning: Learning | None = None
    _relearn = True  # read the corpus's span texts again before learning (a reload)

    # --- live sources --------------------------------------------------------------------

    def _reload(self, *, relations: bool = True) -> None:
        super()._reload(relations=relations)
        if self.workspace.live_sources is None:
            return
        if self._fixed_suggestions:
            self.annotations.use_suggestions(self._fixed_suggestions, replace_learned=False)
            self.view.set_suggestions(self.annotations.suggestions)
        self._relearn = True  # another process may have changed what is learned
        self.call_after_refresh(self._find_live_suggestions)  # not competing with the paint

    def _report(self, outcome: Outcome, operation: str) -> bool:
        saved = super()._report(outcome, operation)
        if saved and isinstance(outcome, Saved) and outcome.kind in ("span", "spans"):
            self._learn()  # what is learned may have changed with one's spans
        return saved

    def _find_live_suggestions(self) -> None:
        """Run the live sources (`--suggest`) on the text in worker threads."""
        live = self.workspace.live_sources
        if live is None or not self.is_attached:
            return
        if live.sources and not self._fixed_started:
            self._fixed_started = True
            session, sources = self.annotations, list(live.sources)

            def find() -> None:
                self.call_later(self._fixed_found, session.find_suggestions(sources))

            self.run_worker(find, thread=True, group="suggest")
        self._learn()

    def _fixed_found(self, found: list[Suggestion]) -> None:
        self._fixed_suggestions = found
        self._show_live(found, replace_learned=False)

    def _learn(self) -> None:
        """Bring the learned source up to date in a worker thread: from the corpus's span
        texts the first time (and after a reload), else from what the edits saved since
        changed; a run an edit overtakes is cancelled and its result dropped."""
        live = self.workspace.live_sources
        if live is None or not live.learn or not self.is_attached:
            return
        session = self.annotations
        changes = session.take_span_text_changes()
        learning = self._learning
        if learning is None:
            from reader.suggest.learned import Learning

            learning = self._learning = Learning(session.text, session.store.document_id)
        if self._relearn:
            counts = session.span_texts()  # read now: later edits come as changes
            if isinstance(counts, NotDone):
                tell(self.app, counts.message, severity="warning")
                return
            learning.restart(counts)
            self._relearn = False
        else:
            learning.note(changes)
        planned = learning.job()
        if planned is None:
            return
        run, work = planned

        def find() -> None:
            worker = get_current_worker()
            state = work(lambda: worker.is_cancelled)
            if state is not None and not worker.is_cancelled:
                self.call_later(self._learned, learning, run, state)

        self.run_worker(find, thread=True, exclusive=True, group="learn")

    def _learned(self, learning: Learning, run: int, state: Learned) -> None:
        """Show the learned source's suggestions, unless an edit or reload since made
        them stale."""
        if learning is self._learning and learning.take(run, state):
            self._show_live(state.suggestions, replace_learned=True)

    def _show_live(self, found: list[Suggestion] | tuple[Suggestion, ...], *,
                   replace_learned: bool) -> None:
        self.annotations.use_suggestions(found, replace_learned=replace_learned)
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
        from reader.annotate.occurrences import ASK_ABOVE

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

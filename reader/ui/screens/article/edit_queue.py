"""Every edit goes through `_edit`: the store commits first, the screen changes after, so
whatever the screen shows as saved is on disk. When another process holds the database's
write lock, the edit waits in a thread and the keys typed meanwhile are held, to act
afterwards in the order typed: a key is never lost nor applied to a stale state."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, work

from reader.annotate.session import NotDone, Outcome, Saved, Why
from reader.ui.notify import tell
from reader.ui.screens.article.publishing import Publishing
from reader.ui.status_text import saved_message


class EditQueue(Publishing):
    # Keys typed while an edit waits for the database, or after Enter while the search
    # still runs: they act afterwards (a `1` typed blind tags the match), in order.
    _held_keys: list[tuple[str, str | None]] | None = None
    _waiting_for_database = False
    # Enter pressed in the search bar and the search has not landed yet: keys wait for the
    # match too (`Searching` sets it).
    _search_submitted = False

    def _hold_keys(self) -> None:
        """From now on keys wait (until `_release_keys`)."""
        if self._held_keys is None:
            self._held_keys = []

    def _held(self, event: events.Key) -> bool:
        """Keep `event` for later if keys are waiting; True when it was kept."""
        if self._held_keys is None:
            return False
        event.stop()
        event.prevent_default()
        self._held_keys.append((event.key, event.character))
        return True

    def _release_keys(self) -> None:
        """Send the held keys again, in order, to whatever has the focus now (from the App,
        as the terminal's keys come: a message stops bubbling at its sender), unless the
        database or a submitted search still keeps them waiting."""
        if self._waiting_for_database or self._search_submitted:
            return
        held, self._held_keys = self._held_keys or [], None
        for key, character in held:
            self.app.post_message(events.Key(key, character).set_sender(self.app))

    def _edit(self, operation: str, run: Callable[[], Outcome],
              done: Callable[[Outcome], None] | None = None) -> None:
        """Run an edit; if another process holds the write lock, wait for it in a thread
        (the UI keeps drawing) and hold the keys typed meanwhile."""
        outcome = run()
        if isinstance(outcome, NotDone) and outcome.why is Why.BUSY:
            self._waiting_for_database = True
            self._hold_keys()
            self.say(outcome.message)
            self._wait_for_database(operation, run, done)
            return
        self._edit_done(operation, outcome, done)

    def _edit_done(self, operation: str, outcome: Outcome,
                   done: Callable[[Outcome], None] | None) -> None:
        if isinstance(outcome, Saved):
            self._selections.edited(outcome)
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
        order = [label.name for label in self.workspace.config.doc_labels]
        message, state = saved_message(outcome, self.view.text, self.annotations.span, order,
                                       undo_key=self._key("history.undo", "u"))
        self.say(message, state)
        return True

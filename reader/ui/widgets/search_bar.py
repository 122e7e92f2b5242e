"""The `/` prompt, mounted the first time it is needed (start-up pays nothing for it)."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class SearchBar(Input):
    """The `/` prompt: matches highlight as you type; Enter selects, Escape cancels.

    Keys reach a widget through its own queue, and the App routes each one to whatever has
    the focus when the App gets to it: keys typed fast after Enter are routed here before
    Enter is handled. So the bar runs its own bindings itself, in order: Enter and Escape
    at once (it hands the focus back and tells the screen before the next key is looked
    at), and a key that arrives after it closed is not typed in but goes on to the screen
    and its bindings, as if it had been routed to the article in the first place."""

    DEFAULT_CSS = """
    SearchBar { height: 1; border: none; padding: 0 1; display: none; }
    SearchBar:focus { border: none; }
    SearchBar.-active { display: block; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="search.cancel")]

    class Closed(Message):
        """Enter (`submitted`) or Escape closed the bar; `value` is the query as it stood."""

        def __init__(self, bar: SearchBar, value: str, submitted: bool) -> None:
            super().__init__()
            self.bar = bar
            self.value = value
            self.submitted = submitted

        @property
        def control(self) -> SearchBar:
            return self.bar

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.is_open = False
        self._return_focus: Widget | None = None

    def open(self, return_focus: Widget) -> None:
        """Show the bar and take the focus now, so the keys queued behind `/` are typed in
        (`Widget.focus` would take it only after them); `return_focus` gets it back."""
        self._return_focus = return_focus
        self.is_open = True
        self.add_class("-active")
        self.screen.set_focus(self)

    def close(self, submitted: bool) -> None:
        self.is_open = False
        self.remove_class("-active")
        self.screen.set_focus(self._return_focus)
        # Straight to the screen: through this bar's own queue, the message would come after
        # the keys already waiting in it.
        self.screen.post_message(self.Closed(self, self.value, submitted))

    async def _on_key(self, event: events.Key) -> None:
        if not self.is_open:
            event.prevent_default()  # not typed in; it bubbles on to the screen's bindings
            return
        # The bar's bindings (Enter, Escape, backspace, arrows, ctrl+w...) would run when the
        # key has bubbled back up to the App: after the keys typed behind it went in, or
        # went here instead of to the article. Run them now, in the order typed.
        bindings = self._bindings.key_to_bindings.get(event.key, [])
        if bindings and not event.is_printable:
            event.stop()
            event.prevent_default()
            await self.run_action(bindings[0].action)

    async def action_submit(self) -> None:
        self.close(submitted=True)

    def action_cancel(self) -> None:
        self.close(submitted=False)

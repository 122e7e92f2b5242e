"""Compare mode (adjudication): other annotators' spans shown too, stepping through the
disagreements, and accepting another annotator's span as one's own."""

from __future__ import annotations

from reader.annotate.compare import disagreements, summary
from reader.annotate.span_index import Span
from reader.ui.notify import tell
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import disagreement_note


class Comparing(EditQueue):
    # (start, uid) of the disagreement the last `}` or `{` went to: the next one may start
    # at the same place.
    _last_disagreement: tuple[int, str] | None = None

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
            jump = (f"{self._key('compare.next', 'right_curly_bracket')} /"
                    f" {self._key('compare.previous', 'left_curly_bracket')}")
            self.say(f"compare mode: showing {who}; {summary(self.annotations.marked)};"
                     f" {jump} jump")
        else:
            self.say("compare mode off")

    def action_disagreement(self, forward: bool) -> None:
        if not self.annotations.compare:
            self.say(f"press {self._key('compare.toggle', 'c')} for compare mode first")
            return
        found = disagreements(self.view.spans)
        cursor = self.view.cursor
        index = self._next_disagreement(found, cursor, forward)
        if index is None:
            self._last_disagreement = None
            self.say(f"no more disagreements ({len(found)} in this document)")
            return
        target = found[index]
        self._last_disagreement = (target.start, target.uid)
        self.view.move_cursor(target.start, center=True)
        note = disagreement_note(self.annotations.marked.get(target.uid), self.view.text)
        self.say(f"disagreement {index + 1}/{len(found)}{note}")

    def _next_disagreement(self, found: list[Span], cursor: int, forward: bool) -> int | None:
        """The index in `found` of the disagreement to go to. From the one the last jump
        went to, the next one in the list, even when both start here (two spans under the
        cursor); else the first one starting after (or the last before) the cursor."""
        last = self._last_disagreement
        if last is not None and last[0] == cursor:
            here = next((i for i, span in enumerate(found) if span.uid == last[1]), None)
            if here is not None:
                step = here + (1 if forward else -1)
                return step if 0 <= step < len(found) else None
        if forward:
            return next((i for i, s in enumerate(found) if s.start > cursor), None)
        return next((i for i in reversed(range(len(found))) if found[i].start < cursor), None)

    def action_accept(self) -> None:
        """Adjudicate: copy another annotator's span under the cursor as one's own."""
        here = self.view.spans.at(self.view.cursor)
        own = {(s.start, s.end, s.label) for s in here if s.own}
        theirs = [s for s in here if not s.own and (s.start, s.end, s.label) not in own]
        if not theirs:
            self.say("no other annotator's span to accept here (compare mode:"
                     f" {self._key('compare.toggle', 'c')})")
            return
        span = theirs[0]
        self._edit("annotation", lambda: self.annotations.accept(span))

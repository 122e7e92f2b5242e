"""Compare mode (adjudication): other annotators' spans shown too, stepping through the
disagreements, and accepting another annotator's span as one's own."""

from __future__ import annotations

from reader.annotate.compare import disagreements, summary
from reader.ui.notify import tell
from reader.ui.screens.article.edit_queue import EditQueue
from reader.ui.status_text import disagreement_note


class Comparing(EditQueue):
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
        if forward:
            target = next((s for s in found if s.start > cursor), None)
        else:
            target = next((s for s in reversed(found) if s.start < cursor), None)
        if target is None:
            self.say(f"no more disagreements ({len(found)} in this document)")
            return
        self.view.move_cursor(target.start, center=True)
        index = found.index(target) + 1
        note = disagreement_note(self.annotations.marked.get(target.uid), self.view.text)
        self.say(f"disagreement {index}/{len(found)}{note}")

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

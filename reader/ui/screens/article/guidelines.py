"""The guidelines beside the article (`i`): the panel (`reader.ui.widgets.guidelines_panel`)
is mounted the first time, opened at the section of the label under the cursor."""

from __future__ import annotations

from reader.ui.screens.article.edit_queue import EditQueue


class GuidelinesMoves(EditQueue):
    async def action_guidelines(self) -> None:
        """Open the guidelines at the label under the cursor (or just before it) and focus
        them; pressed with the focus there, close them."""
        from reader.ui.widgets.guidelines_panel import GuidelinesPanel

        cursor = self.view.cursor
        # Or the span just left of it: after a search's match is tagged, the cursor sits
        # at its end.
        here = self.view.spans.at(cursor) or (self.view.spans.at(cursor - 1) if cursor else [])
        found = self.query(GuidelinesPanel)
        if found:
            panel = found.first()
        else:
            workspace = self.workspace
            panel = GuidelinesPanel(workspace.guidelines, workspace.config.labels,
                                    keymap=workspace.keymap, id="guidelines")
            # Keys typed behind `i` wait while the panel mounts, then go to it.
            self._hold_keys()
            await self.query_one("#body").mount(panel)
        panel.toggle(here[0].label if here else None, back_to=self.view)
        self._release_keys()

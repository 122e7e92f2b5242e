"""Label chips (`t`): each span's label names drawn after its end, brat-style, to read
stacked and crossing spans label by label. The wrap changes; no offset does."""

from __future__ import annotations

from reader.ui.screens.article.base import ArticleBase


class LabelChips(ArticleBase):
    def action_toggle_chips(self) -> None:
        shown = not self.view.chips_shown
        self.workspace.chips = shown  # kept for the next document too
        self.view.show_chips(shown)
        key = self._key("annotations.chips", "t")
        self.say(f"label names after spans ({key} hides them)" if shown
                 else f"label names hidden ({key} shows them after spans)")

"""The article screen's keys, in one list. Every binding has a stable id: the help screen
groups keys by the id's first part, and the command palette lists them by description."""

from __future__ import annotations

from textual.binding import Binding, BindingType

LABEL_KEY_BINDINGS = [
    Binding(str(n), f"tag_key('{n}')", f"Tag with label {n}", show=False, id=f"tag.key{n}")
    for n in range(1, 10)
]

BINDINGS: list[BindingType] = [
    Binding("v", "toggle_selection", "Select", id="select.toggle"),
    Binding("escape", "clear", "Clear selection, cancel a relation", show=False,
            id="select.clear"),
    *LABEL_KEY_BINDINGS,
    Binding("enter", "pick_label", "Label…", id="tag.pick"),
    Binding("asterisk", "annotate_all", "Tag every other occurrence of this span",
            show=False, id="tag.all"),
    # A priority binding acts when the App takes the key, before it routes the keys
    # typed after it: those go to the search bar, not to the article.
    Binding("slash", "search", "Search", id="search.open", priority=True),
    Binding("n", "search_step(True)", "Next match", show=False, id="search.next"),
    Binding("N", "search_step(False)", "Previous match", show=False, id="search.previous"),
    Binding("x", "delete", "Delete", id="annotation.delete"),
    Binding("a", "note", "Note", show=False, id="annotation.note"),
    Binding("right_square_bracket", "jump(True)", "Next annotation", show=False,
            id="annotation.next"),
    Binding("left_square_bracket", "jump(False)", "Previous annotation", show=False,
            id="annotation.previous"),
    Binding("r", "relate", "Relate (start a relation from this span)", show=False,
            id="relation.start"),
    Binding("apostrophe", "follow_relation", "Go along a relation to its other end",
            show=False, id="relation.follow"),
    Binding("X", "delete_relation", "Delete a relation of this span", show=False,
            id="relation.delete"),
    Binding("s", "accept_suggestion", "Accept the suggestion under the cursor", show=False,
            id="suggestion.accept"),
    Binding("z", "reject_suggestion", "Reject the suggestion under the cursor (never again)",
            show=False, id="suggestion.reject"),
    Binding("plus", "accept_all_suggestions", "Accept every suggestion in the document",
            show=False, id="suggestion.accept_all"),
    Binding("right_parenthesis", "suggestion_jump(True)", "Next suggestion", show=False,
            id="suggestion.next"),
    Binding("left_parenthesis", "suggestion_jump(False)", "Previous suggestion", show=False,
            id="suggestion.previous"),
    Binding("number_sign", "doc_label", "Document label…", show=False, id="doclabel.pick"),
    Binding("u", "undo", "Undo", id="history.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
    Binding("tab", "toggle_list", "List", id="list.toggle"),
    Binding("y", "copy_text", "Copy text", show=False, id="copy.text"),
    Binding("Y", "copy_json", "Copy as JSON", show=False, id="copy.json"),
    Binding("R", "reload", "Reload annotations", show=False, id="annotations.reload"),
    Binding("t", "toggle_chips", "Label names after spans (on/off)", show=False,
            id="annotations.chips"),
    Binding("greater_than_sign", "step_document(1)", "Next document", show=False,
            id="corpus.next"),
    Binding("less_than_sign", "step_document(-1)", "Previous document", show=False,
            id="corpus.previous"),
    Binding("D", "toggle_done", "Mark done", show=False, id="corpus.done"),
    Binding("L", "library", "Library", show=False, id="corpus.library"),
    Binding("S", "stats", "Statistics", show=False, id="corpus.stats"),
    Binding("c", "toggle_compare", "Compare", show=False, id="compare.toggle"),
    Binding("right_curly_bracket", "disagreement(True)", "Next disagreement", show=False,
            id="compare.next"),
    Binding("left_curly_bracket", "disagreement(False)", "Previous disagreement",
            show=False, id="compare.previous"),
    Binding("A", "accept", "Accept their span", show=False, id="compare.accept"),
    Binding("i", "guidelines", "Guidelines", show=False, id="guidelines.toggle"),
    Binding("question_mark", "help", "Help", id="app.help"),
    Binding("q", "quit", "Quit", id="app.quit"),
]

# The help screen's sections: a title and the id prefixes whose keys it lists.
HELP_SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Selecting, tagging and editing",
     ("select", "tag", "annotation", "annotations", "history", "list", "copy")),
    ("Suggestions (reader suggest; reader open --suggest)", ("suggestion",)),
    ("Relations (r, move to the other span, then 1-9 or Enter) and document labels",
     ("relation", "doclabel")),
    ("Corpus", ("corpus",)),
    ("Comparing annotators (adjudication)", ("compare",)),
    ("Guidelines (the panel beside the article)", ("guidelines",)),
    ("App", ("app",)),
]


def help_sections(screen_keys: list[BindingType], reading_keys: list[BindingType],
                  panel_keys: list[BindingType] | None = None,
                  ) -> list[tuple[str, list[Binding]]]:
    """The keys for the help screen: reading (the view's keys and search) first, then the
    screen's by section (with the guidelines panel's own keys); the nine label keys are
    shown with the labels instead."""
    own = [b for b in [*screen_keys, *(panel_keys or [])]
           if isinstance(b, Binding) and b.id and not b.id.startswith("tag.key")]

    def group(*prefixes: str) -> list[Binding]:
        return [b for b in own if b.id and b.id.split(".")[0] in prefixes]

    reading = [b for b in reading_keys if isinstance(b, Binding)] + group("search")
    return [("Reading", reading),
            *((title, group(*prefixes)) for title, prefixes in HELP_SECTIONS)]

"""The status line's wording, without an app (reader/ui/status_text.py is Textual-free)."""

from __future__ import annotations

from reader.annotate.labels import RelationType
from reader.annotate.session import Saved
from reader.annotate.span_index import Span
from reader.store.annotations import Annotation
from reader.ui.status_text import fit_words, pending_hint, quote, saved_message, under_cursor

TEXT = "Ana promised the \x1b[31mtreaty\nwould be signed."


def annotation(start: int, end: int, label: str) -> Annotation:
    return Annotation(uid="u1", document_id=1, start=start, end=end, label=label,
                      text=TEXT[start:end], note="", annotator="me", created_at="",
                      updated_at="")


def test_quote_cuts_long_spans_and_never_passes_escapes() -> None:
    shown = quote(TEXT * 1000, 0, None, width=12)
    assert shown.startswith("“Ana") and shown.endswith("…”")
    assert "\x1b" not in quote(TEXT) and "\n" not in quote(TEXT)


def test_a_removal_says_u_undoes_it() -> None:
    saved = Saved("removed", annotation(0, 3, "actor"), None)
    assert saved_message(saved, TEXT, lambda uid: None) == (
        "removed actor “Ana”", "saved (u undoes)")


def test_another_annotators_span_with_a_note() -> None:
    span = Span(0, 3, "actor", "u1", annotator="bob", note="check", own=False)
    assert under_cursor(span, TEXT) == "[actor · bob] “Ana” ✎ check"


def test_pending_hint_names_only_the_keys_that_fit() -> None:
    kinds = (RelationType("by", "1", "red", from_labels=("commitment",), to_labels=("actor",)),
             RelationType("about", "2", "blue", from_labels=("commitment",), to_labels=("topic",)))
    head = Span(4, 12, "commitment", "h")
    assert pending_hint(head, [Span(0, 3, "actor", "a")], kinds, TEXT) == (
        "commitment “promised” → actor “Ana”: 1 by")
    assert pending_hint(head, [], kinds, TEXT) == (
        "from commitment “promised” — move to the other span, 1 by · 2 about")


def test_fit_words_cuts_after_a_whole_word() -> None:
    message = "deleted commitment “promised new trucks” and its 2 relations"
    assert fit_words(message, 200) == message
    assert fit_words(message, 30) == "deleted commitment “promised…"
    assert fit_words(message, 27) == "deleted commitment…"
    assert fit_words("Donaudampfschifffahrtsgesellschaft", 10) == "Donaudamp…"  # one word
    assert fit_words("a\x1b[2Jb c", 20) == "a␛[2Jb c"


def test_a_suggestion_under_the_cursor_names_its_source_and_the_keys() -> None:
    from reader.suggest.record import Suggestion
    from reader.ui.status_text import suggestion_under_cursor

    found = Suggestion(1, 0, 3, "actor", "patterns:\x1b[31mnames.jsonl")
    assert suggestion_under_cursor([found], TEXT, "s", "Ctrl+X") == (
        "suggested actor “Ana” (patterns:␛[31mnames.jsonl) s accept · Ctrl+X reject")
    learned = Suggestion(1, 0, 3, "actor", "learned")
    assert suggestion_under_cursor([found, learned], TEXT) == (
        "suggested actor “Ana” (patterns:␛[31mnames.jsonl, learned) s accept · z reject")


def test_a_rejection_and_its_undo_are_worded() -> None:
    from reader.suggest.record import Suggestion

    found = Suggestion(1, 0, 3, "actor", "learned")
    assert saved_message(Saved("rejected", None, None, rejected=(found,)), TEXT,
                         lambda uid: None, undo_key="U") == (
        "rejected actor “Ana” (learned): not suggested again", "saved (U undoes)")
    assert saved_message(Saved("undone", None, None, unrejected=(found,)), TEXT,
                         lambda uid: None)[0] == "undone: actor “Ana” (learned) suggested again"


def test_accepting_every_suggestion_counts_them() -> None:
    spans = (annotation(0, 3, "actor"), annotation(4, 12, "commitment"))
    assert saved_message(Saved("accepted", None, None, spans_added=spans), TEXT,
                         lambda uid: None) == ("accepted 2 suggestions",
                                               "saved ✓ (u undoes them all)")

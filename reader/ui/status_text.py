"""What the article screen says on its status line, built from plain data.

Textual-free, so every message is worded (and tested) in one place without an app. Text
from the document goes through `safe_line`: the strings here are shown as plain text,
never parsed as markup."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reader.annotate.compare import Disagreement, describe
from reader.annotate.labels import RelationType
from reader.annotate.session import Saved
from reader.annotate.span_index import Span
from reader.store.relations import Relation
from reader.suggest.record import Suggestion
from reader.text.sanitize import ELLIPSIS, safe_line, safe_text

QUOTE_MAX = 40  # cells
RELATION_QUOTE_MAX = 24  # cells: a relation quotes two spans on one line
PENDING_QUOTE_MAX = 20  # cells: the pending relation's hint quotes two spans and keys
COMPARE_QUOTE_MAX = 20  # cells: other boundaries quote both sides' spans
NOTE_MAX = 60  # cells of a note shown under the cursor
SOURCE_MAX = 32  # cells: a suggestion's source (a file's name) on the status line

SpanOf = Callable[[str], Span | None]  # a span by uid (None: not shown, e.g. deleted)


def fit_words(text: str, width: int) -> str:
    """`text`, made safe, in `width` cells: whole, or cut after a whole word with an
    ellipsis. Only a first word wider than `width` is cut inside it (else nothing shows)."""
    from rich.cells import cell_len  # Rich only when measuring

    if width <= 0:
        return ""
    if len(text) <= 4 * width + 8:  # else it cannot fit: no need to measure it all
        shown = safe_text(text)
        if cell_len(shown) <= width:
            return shown
    head = safe_line(text, width)[:-1]  # a prefix of the safe text, one cell left for …
    if not text[len(head):len(head) + 1].isspace():  # the cut is inside a word
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    return head.rstrip(" ·") + ELLIPSIS


def one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def quote(text: str, start: int = 0, end: int | None = None, width: int = QUOTE_MAX) -> str:
    """`text[start:end]` in quotes, sanitised and shortened to `width` cells at a word;
    only the part shown is sliced, so quoting a span over a whole 3 MB document costs what
    quoting a word does."""
    end = len(text) if end is None else end
    piece = text[start:min(end, start + 4 * width + 8)]  # more than `width` cells can show
    shown = fit_words(one_line(piece), width)
    if len(piece) < end - start and not shown.endswith(ELLIPSIS):
        shown += ELLIPSIS
    return f"“{shown}”"


def labelled(span: Span, text: str, width: int = QUOTE_MAX) -> str:
    """`actor “Ana”`: a span by its label and its words."""
    return f"{span.label} {quote(text, span.start, span.end, width)}"


def position(line: int, column: int, percent: int, spans: int, corpus_place: str = "") -> str:
    """`doc 2/40 · done 7/40  12:5  30%  spans 8` (line and column from 1)."""
    where = f"{line}:{column}  {percent}%  spans {spans}"
    return f"{corpus_place}  {where}" if corpus_place else where


def under_cursor(span: Span, text: str, disagreement: Disagreement | None = None) -> str:
    """`[actor · bob] “Ana” ✎ check the date`: whose (when not one's own), its note (so
    reading a note takes no key), and in compare mode how it disagrees
    (`disagreement_note`)."""
    whose = "" if span.own else " · " + span.annotator
    note = f" ✎ {fit_words(one_line(span.note), NOTE_MAX)}" if span.note else ""
    return (f"[{span.label}{whose}] {quote(text, span.start, span.end)}"
            f"{disagreement_note(disagreement, text)}{note}")


def suggestion_under_cursor(same: Sequence[Suggestion], text: str, accept_key: str = "s",
                            reject_key: str = "z") -> str:
    """`suggested actor “Lavrov” (patterns:actors.jsonl, learned) s accept · z reject`: a
    span suggested by one source or several (`same`: one span, offsets and label), where it
    came from, and the keys that decide on it (the user's keys)."""
    first = same[0]
    sources = ", ".join(safe_line(found.source, SOURCE_MAX) for found in same)
    return (f"suggested {first.label} {quote(text, first.start, first.end)} ({sources})"
            f" {accept_key} accept · {reject_key} reject")


def suggestions_note(count: int) -> str:
    """`sugg 12` on the position line: how many suggestions wait in this document."""
    return f"sugg {count}" if count else ""


def disagreement_note(disagreement: Disagreement | None, text: str) -> str:
    """` ≠ other label: you actor, bob topic` for a span that disagrees, else ""."""
    if disagreement is None:
        return ""
    return f" ≠ {describe(disagreement, lambda s: quote(text, s.start, s.end, COMPARE_QUOTE_MAX))}"


def span_text(span: Span | None, text: str, width: int = RELATION_QUOTE_MAX) -> str:
    """`actor “Ana”` for a relation's end."""
    return "a span not shown" if span is None else labelled(span, text, width)


def relation_line(relation: Relation, span_of: SpanOf, text: str, me: str) -> str:
    """`commitment “promised…” —by→ actor “Ana”` (and whose, if not `me`'s)."""
    who = "" if relation.annotator == me else f" · {relation.annotator}"
    return (f"{span_text(span_of(relation.head_uid), text)} —{relation.label}→"
            f" {span_text(span_of(relation.child_uid), text)}{who}")


def arrow(span: Span, relation: Relation, span_of: SpanOf, text: str) -> str:
    """`—by→ actor “Ana”` from the head, `←by— commitment “promised”` from the child."""
    other = span_text(span_of(relation.other_end(span.uid)), text)
    if span.uid == relation.head_uid:
        return f"—{relation.label}→ {other}"
    return f"←{relation.label}— {other}"


def pending_hint(head: Span, targets: Sequence[Span], kinds: Iterable[RelationType],
                 text: str) -> str:
    """What the relation pending from `head` would join here (`targets`: one's own spans
    under the cursor), and the keys that make it."""
    kinds = tuple(kinds)
    source = labelled(head, text, PENDING_QUOTE_MAX)
    if len(targets) == 1:  # what it would join, and the keys that may join it
        target = targets[0]
        allowed = [kind for kind in kinds if kind.allows(head.label, target.label)]
        shown = labelled(target, text, PENDING_QUOTE_MAX)
        if not allowed:
            return (f"{source} → {shown}: no relation label joins {head.label} →"
                    f" {target.label}")
        keys = " · ".join(f"{kind.key} {kind.name}" for kind in allowed if kind.key)
        return f"{source} → {shown}: {keys or 'enter picks'}"
    keys = " · ".join(f"{kind.key} {kind.name}" for kind in kinds if kind.key)
    return f"from {source} — move to the other span{', ' + keys if keys else ''}"


def saved_message(saved: Saved, text: str, span_of: SpanOf,
                  doc_label_order: Sequence[str] = (), *,
                  undo_key: str = "u") -> tuple[str, str]:
    """What a committed edit did, and the save state shown beside it ("saved ✓"; "saved
    (u undoes)" for a removal, which may surprise; `undo_key` is the user's)."""
    if saved.kind == "spans":
        return _batch_saved(saved, undo_key)
    if saved.kind == "relation":
        return _relation_saved(saved, text, span_of, undo_key)
    if saved.kind == "doc_labels":
        return _doc_labels_saved(saved, doc_label_order)
    if saved.kind == "suggestion":
        return _suggestion_saved(saved, text, undo_key)
    subject = saved.subject
    quoted = quote(text, subject.start, subject.end)
    label = subject.label
    if saved.relations_removed or saved.relations_added:  # a span deleted, or back, with them
        count = len(saved.relations_removed) + len(saved.relations_added)
        quoted += f" and its {count} relation{'' if count == 1 else 's'}"
    if saved.verb == "tagged":
        return f"{label} {quoted}", "saved ✓"
    if saved.verb in ("removed", "deleted"):  # a label key's toggle surprises: say so
        return f"{saved.verb} {label} {quoted}", f"saved ({undo_key} undoes)"
    if saved.verb == "noted":
        return f"note on {label}", "saved ✓"
    if saved.verb == "unnoted":
        return f"note removed from {label}", "saved"
    if saved.verb == "accepted":
        return f"accepted {label} {quoted}", "saved ✓"
    state = ("gone" if saved.after is None else "back" if saved.before is None
             else "changed")
    return f"{saved.verb}: {label} {quoted} {state}", "saved"


def _batch_saved(saved: Saved, undo_key: str) -> tuple[str, str]:
    """After `*` ("actor “Lavrov”: 4 more tagged, 2 in 1 other document"), or its undo or
    redo ("undone: 4 × actor “Lavrov” gone")."""
    spans = saved.spans_added or saved.spans_removed
    if saved.verb == "accepted":  # every suggestion of the document at once
        return (f"accepted {len(spans)} suggestion{'s' if len(spans) != 1 else ''}",
                f"saved ✓ ({undo_key} undoes them all)")
    what = f"{spans[0].label} {quote(spans[0].text)}" if spans else "spans"
    count = len(spans)
    if saved.verb == "tagged all":
        others, documents = saved.elsewhere
        elsewhere = (f", {others} in {documents} other document"
                     f"{'s' if documents != 1 else ''}" if documents else "")
        return f"{what}: {count} more tagged{elsewhere}", f"saved ✓ ({undo_key} undoes them all)"
    state = "back" if saved.spans_added else "gone"
    return f"{saved.verb}: {count} × {what} {state}", "saved"


def _suggestion_saved(saved: Saved, text: str, undo_key: str) -> tuple[str, str]:
    """A rejection ("rejected actor “Lavrov” (patterns:a.jsonl): not suggested again"), or
    its undo or redo."""
    suggestion = (saved.rejected or saved.unrejected)[0]
    what = (f"{suggestion.label} {quote(text, suggestion.start, suggestion.end)}"
            f" ({safe_line(suggestion.source, SOURCE_MAX)})")
    if saved.verb == "rejected":
        return f"rejected {what}: not suggested again", f"saved ({undo_key} undoes)"
    state = "suggested again" if saved.unrejected else "rejected again"
    return f"{saved.verb}: {what} {state}", "saved"


def _relation_saved(saved: Saved, text: str, span_of: SpanOf,
                    undo_key: str) -> tuple[str, str]:
    relation = saved.relation
    described = (f"{relation.label} relation {span_text(span_of(relation.head_uid), text)}"
                 f" → {span_text(span_of(relation.child_uid), text)}")
    if saved.verb == "related":
        return described, "saved ✓"
    if saved.verb == "unrelated":
        return f"deleted {described}", f"saved ({undo_key} undoes)"
    return (f"{saved.verb}: {described} {'back' if saved.relations_added else 'gone'}",
            "saved")


def _doc_labels_saved(saved: Saved, order: Sequence[str]) -> tuple[str, str]:
    before = saved.doc_labels_before or frozenset()
    after = saved.doc_labels_after or frozenset()

    def listed(names: frozenset[str]) -> str:
        return ", ".join(sorted(names, key=lambda n: (n not in order,
                                                      order.index(n) if n in order else 0,
                                                      n)))

    parts = [f"{listed(after - before)} on"] if after - before else []
    if before - after:
        parts.append(f"{listed(before - after)} off")
    described = "document label " + (", ".join(parts) or "unchanged")
    if saved.verb in ("labelled", "unlabelled"):
        return described, "saved ✓" if saved.verb == "labelled" else "saved"
    return f"{saved.verb}: {described}", "saved"


COUNT_HELP = "then a motion: w b W B h j k l space ^d ^u G (line); esc cancels"


def with_count(mode: str, digits: str | None) -> str:
    """The status line's mode with a pending count after it (`SELECT 5 · COUNT 12`)."""
    if digits is None:
        return mode
    count = f"COUNT {digits}" if digits else "COUNT"
    return f"{mode} · {count}" if mode else count


def count_message(digits: str | None) -> str:
    """What to say while a count is typed; "" clears the hint once it is used or dropped."""
    if digits is None:
        return ""
    return f"count {digits}: {COUNT_HELP}" if digits else f"count: digits, {COUNT_HELP}"


def width_message(width: int | None) -> str:
    """What `=` did."""
    return f"reading width: {width or 'full'} (= cycles: full, 80, 100, 120)"

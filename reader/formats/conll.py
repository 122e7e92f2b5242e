"""CoNLL-style IOB2: `TOKEN\tTAG` per line, a blank line after each sentence and document.

Each document starts as in CoNLL-2003, with a `-DOCSTART- -X- O O` line and a blank line (the
form `spacy convert` splits documents on; other readers skip any line starting -DOCSTART-),
after a CoNLL-U style `# newdoc id = ID` line that names the document (`--conll-docs`: id,
docstart without the id line, or none).

Tokens are reader's own (no token holds whitespace). A sentence ends after `.`, `!`, `?`
(and their CJK forms) or at a line break, but never inside a span. One tag per token means
overlapping spans cannot all be written: spans are taken by start, longer first, then label,
and a span touching a token already taken is left out and counted in the summary. CoNLL has
no place for relations or document labels: they are left out and counted too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

from reader.formats.align import TokenIndex
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, TextExport
from reader.formats.summary import Summary, describe_span

SENTENCE_ENDS = frozenset(".!?。！？")
_WHITESPACE = re.compile(r"\s+")


def tags(row: ExportRow, index: TokenIndex, summary: Summary) -> list[str]:
    """One IOB2 tag per token, by the rule in the module docstring."""
    result = ["O"] * len(index.tokens)
    spans: list[dict[str, Any]] = sorted(
        row.spans(), key=lambda s: (s["start"], -(s["end"] - s["start"]), s["label"])
    )
    for span in spans:
        where = describe_span(row.id, span)
        cover = index.cover(span["start"], span["end"])
        if cover is None:
            summary.note("spans hold no token (left out)", where)
            continue
        if any(tag != "O" for tag in result[cover.first:cover.last + 1]):
            summary.note("overlapping spans left out (one tag per token)", where)
            continue
        if not cover.aligned:
            summary.note("spans cut a token (tagged whole tokens)", where)
        label = _WHITESPACE.sub("_", span["label"])
        if label != span["label"]:
            summary.note("labels with whitespace (written with '_')", where)
        result[cover.first] = f"B-{label}"
        for number in range(cover.first + 1, cover.last + 1):
            result[number] = f"I-{label}"
    return result


DOCSTART = "-DOCSTART- -X- O O\n\n"


def lines(row: ExportRow, summary: Summary, options: ExportOptions) -> Iterable[str]:
    if options.conll_docs == "id":
        shown = " ".join(str(row.id).splitlines())
        if shown != str(row.id):
            summary.note("document ids with line breaks (spaces in `# newdoc id`)", shown)
        yield f"# newdoc id = {shown}\n"
    if options.conll_docs != "none":
        yield DOCSTART
    index = TokenIndex(row.text)
    tokens = index.tokens
    token_tags = tags(row, index, summary)
    kept = sum(tag.startswith("B-") for tag in token_tags)
    summary.wrote(kept)
    summary.left_out("relations", row.relation_count,
                     "relations (CoNLL has no place for them, left out)", str(row.id))
    summary.left_out("document labels", row.doc_label_count,
                     "document labels (CoNLL has no place for them, left out)", str(row.id))
    text = row.text
    for number, token in enumerate(tokens):
        yield f"{token.text}\t{token_tags[number]}\n"
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        if following is None:
            break
        inside_span = token_tags[number + 1].startswith("I-")
        gap = text[token.end:following.start]
        if not inside_span and (token.text in SENTENCE_ENDS or "\n" in gap or "\r" in gap):
            yield "\n"
    yield "\n"


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        out.writelines(lines(row, summary, options))


FORMAT = Format(
    name="conll",
    description="CoNLL-style IOB2: a token and its tag per line, reader's tokens",
    suffix=".conll",
    exporter=TextExport(export),
)

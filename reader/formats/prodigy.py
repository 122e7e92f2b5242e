"""Prodigy tasks: reader's JSONL plus `tokens` and each span's inclusive `token_start` /
`token_end`, from reader's own tokenizer (the one the reader's word motion uses), laid out as
spaCy lays out its tokens so `Doc(words, spaces)` rebuilds the text exactly: a token's `ws`
is one following space, and any other whitespace (a line break, a tab, a no-break space, a
second space) is a token of its own. Relations
are written as `rel.manual` writes them (`head` and `child` are the token indices where the
spans end, `head_span` and `child_span` the spans themselves), and document labels as a
choice task's `accept` with all the export's labels as `options`. Importing takes reader's
keys plus Prodigy's own; a task answered `reject` or `ignore` brings its text but neither
its spans, relations nor choices."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from reader.formats import jsonl
from reader.formats.align import TokenIndex
from reader.formats.incoming import (
    ImportContext,
    IncomingDocument,
    RecordError,
    add_cats,
    json_list,
    shown,
)
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary, describe_span, overlapping

PRODIGY_KEYS = jsonl.JSONL_KEYS | {"tokens", "_input_hash", "_task_hash", "_view_id", "answer",
                                   "_timestamp", "_annotator_id", "_session_id", "_is_binary",
                                   "accept", "options", "config"}
PRODIGY_SPAN_KEYS = jsonl.JSONL_SPAN_KEYS | {"token_start", "token_end", "source",
                                             "input_hash"}
PRODIGY_RELATION_KEYS = jsonl.JSONL_RELATION_KEYS | {"head_span", "child_span", "color"}
_SPAN_FIELDS = ("start", "end", "token_start", "token_end", "label", "id", "text", "annotator")


def _relations(row: ExportRow, spans: dict[str, dict[str, Any]],
               summary: Summary) -> list[dict[str, Any]]:
    """rel.manual's relations; one whose span holds no token has no `head` (or `child`)
    token index, and is reported."""
    relations = []
    for relation in row.relations():
        written: dict[str, Any] = {}
        for end in ("head", "child"):
            span = spans[relation[end]]
            if "token_end" in span:
                written[end] = span["token_end"]
            else:
                summary.note(f"relations whose {end} span holds no token (no {end} index)",
                             f"{row.id} {relation['id']}")
        for end in ("head", "child"):
            span = spans[relation[end]]
            written[f"{end}_span"] = {key: span[key] for key in _SPAN_FIELDS if key in span}
        written.update(label=relation["label"], id=relation["id"],
                       annotator=relation["annotator"], created_at=relation["created_at"],
                       updated_at=relation["updated_at"])
        relations.append(written)
    return relations


def spacy_tokens(text: str, index: TokenIndex) -> tuple[list[dict[str, Any]], list[int]]:
    """Prodigy's tokens for `text` (see the module docstring), and for each of reader's
    tokens its id among them."""
    tokens: list[dict[str, Any]] = []
    ids: list[int] = []

    def add(start: int, end: int) -> None:
        tokens.append({"text": text[start:end], "start": start, "end": end,
                       "id": len(tokens), "ws": False})

    position = 0
    for token in index.tokens:
        if position < token.start:  # whitespace no token took as its `ws`
            add(position, token.start)
        ids.append(len(tokens))
        add(token.start, token.end)
        position = token.end
        if text.startswith(" ", position):
            tokens[-1]["ws"] = True
            position += 1
    if position < len(text):
        add(position, len(text))
    return tokens, ids


def task(row: ExportRow, summary: Summary) -> dict[str, Any]:
    """The record with tokens; spans that cut a token keep their exact character offsets
    and get the tokens they touch (reported), whitespace-only spans get no tokens."""
    text = row.text
    index = TokenIndex(text)
    tokens, ids = spacy_tokens(text, index)
    spans = []
    for span in row.spans():
        cover = index.cover(span["start"], span["end"])
        span = dict(span)
        if cover is None:
            summary.note("spans hold no token (no token_start/token_end)",
                         describe_span(row.id, span))
        else:
            if not cover.aligned:
                summary.note("spans cut a token (token_start/token_end cover it whole)",
                             describe_span(row.id, span))
            span["token_start"], span["token_end"] = ids[cover.first], ids[cover.last]
        spans.append(span)
    for span in overlapping(spans):
        summary.note("overlapping spans (Prodigy's ner recipes cannot show them;"
                     " spans.manual can)", describe_span(row.id, span))
    record = row.record()
    del record["relations"], record["cats"], record["cats_by"]
    record["tokens"] = tokens
    record["spans"] = spans
    if row.relation_count:
        record["relations"] = _relations(row, {span["id"]: span for span in spans}, summary)
    cats = row.cats()
    if cats:
        record["options"] = [{"id": label, "text": label} for label in row.facts.doc_labels]
        record["accept"] = list(cats)
        record["cats_by"] = row.cats_by()
    return record


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        out.write(json.dumps(task(row, summary), ensure_ascii=False))
        out.write("\n")
        summary.wrote(row.span_count, row.relation_count, row.doc_label_count)


def _accepted(fields: dict[str, Any]) -> list[str]:
    """The labels of a choice task's `accept`: option ids (an option's text when its id is
    a number)."""
    texts = {}
    for option in json_list(fields.get("options"), "options"):
        if isinstance(option, dict) and "id" in option:
            texts[json.dumps(option["id"])] = option.get("text")
    labels = []
    for choice in json_list(fields.get("accept"), "accept"):
        if isinstance(choice, str) and choice:
            labels.append(choice)
            continue
        text = texts.get(json.dumps(choice))
        if not isinstance(text, str) or not text:
            raise RecordError(f"accept {shown(choice)} names no option with a text")
        labels.append(text)
    return labels


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    document = jsonl.parse(record, where, context, PRODIGY_KEYS, PRODIGY_SPAN_KEYS,
                           PRODIGY_RELATION_KEYS)
    assert isinstance(record, dict)  # jsonl.parse refused anything else
    if "accept" in record and record.get("answer") not in jsonl.REJECTED_ANSWERS:
        annotator = record.get("_annotator_id") or context.annotator
        add_cats(document, _accepted(record), annotator, record.get("cats_by"))
    return document


FORMAT = Format(
    name="prodigy",
    description="Prodigy spans tasks: reader's JSON Lines with tokens",
    suffix=".jsonl",
    exporter=TextExport(export),
    importer=Import(parse),
)

"""Prodigy tasks: reader's JSONL plus `tokens` and each span's inclusive `token_start` /
`token_end`, from reader's own tokenizer (the one the reader's word motion uses). Importing
takes reader's keys plus Prodigy's own; a task answered `reject` or `ignore` brings its text
but not its spans."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from reader.formats import jsonl
from reader.formats.align import TokenIndex
from reader.formats.incoming import ImportContext, IncomingDocument
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, Import, TextExport
from reader.formats.summary import Summary, describe_span

PRODIGY_KEYS = jsonl.JSONL_KEYS | {"tokens", "_input_hash", "_task_hash", "_view_id", "answer",
                                   "_timestamp", "_annotator_id", "_session_id", "_is_binary"}
PRODIGY_SPAN_KEYS = jsonl.JSONL_SPAN_KEYS | {"token_start", "token_end", "source",
                                             "input_hash"}


def task(row: ExportRow, summary: Summary) -> dict[str, Any]:
    """The record with tokens; spans that cut a token keep their exact character offsets
    and get the tokens they touch (reported), whitespace-only spans get no tokens."""
    text = row.text
    index = TokenIndex(text)
    tokens = [
        {"text": token.text, "start": token.start, "end": token.end, "id": number,
         "ws": token.end < len(text) and text[token.end].isspace()}
        for number, token in enumerate(index.tokens)
    ]
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
            span["token_start"], span["token_end"] = cover.first, cover.last
        spans.append(span)
    record = row.record()
    for key in ("relations", "cats", "cats_by"):
        del record[key]
    record["tokens"] = tokens
    record["spans"] = spans
    return record


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    for row in rows:
        out.write(json.dumps(task(row, summary), ensure_ascii=False))
        out.write("\n")
        summary.wrote(row.span_count)


def parse(record: object, where: str, context: ImportContext) -> IncomingDocument:
    return jsonl.parse(record, where, context, PRODIGY_KEYS, PRODIGY_SPAN_KEYS)


FORMAT = Format(
    name="prodigy",
    description="Prodigy spans tasks: reader's JSON Lines with tokens",
    suffix=".jsonl",
    exporter=TextExport(export),
    importer=Import(parse),
)

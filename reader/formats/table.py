"""Relations as a table, one row per relation: who committed to what at a glance, for
pandas (`pandas.read_csv`) or a spreadsheet.

Columns: the document id, the relation label, the head span's label, text, start and end,
the child span's, the annotator and the relation id. Comma-separated as RFC 4180 says
(rows end with CRLF; a field holding the separator, a quote, CR or LF is quoted), or
tab-separated with `--table-sep tab` or an `-o` file ending in `.tsv`; UTF-8, a header row
first. Texts are
written exactly; a cell a spreadsheet may take for a formula (it starts with `=`, `+`, `-`
or `@`) is reported, not changed. Spans and document labels are not rows of this table:
the summary says the document labels were left out."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import Format, TextExport
from reader.formats.summary import Summary

COLUMNS = ("document", "relation", "head_label", "head_text", "head_start", "head_end",
           "child_label", "child_text", "child_start", "child_end", "annotator", "relation_id")
SEPARATORS = {"comma": ",", "tab": "\t"}
FORMULA_STARTS = ("=", "+", "-", "@")


def rows_of(row: ExportRow) -> list[list[Any]]:
    """The table rows of one document's relations, in the order they were made."""
    if not row.relation_count:
        return []
    spans = row.spans_by_id()
    found = []
    for relation in row.relations():
        head, child = spans[relation["head"]], spans[relation["child"]]
        found.append([row.id, relation["label"],
                      head["label"], head["text"], head["start"], head["end"],
                      child["label"], child["text"], child["start"], child["end"],
                      relation["annotator"], relation["id"]])
    return found


def export(rows: Iterable[ExportRow], out: IO[str], summary: Summary,
           options: ExportOptions) -> None:
    # CRLF, not LF: the csv module quotes a field holding a character of the line ending,
    # and a lone CR in a span's text must be quoted too, or pandas breaks the row there.
    writer = csv.writer(out, delimiter=SEPARATORS[options.table_sep], lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        table = rows_of(row)
        for cells in table:
            if any(isinstance(cell, str) and cell.startswith(FORMULA_STARTS)
                   for cell in cells):
                summary.note("rows with a cell a spreadsheet may read as a formula (written"
                             " as is)", f"{row.id} {cells[-1]}")
        writer.writerows(table)
        summary.wrote(0, len(table))


FORMAT = Format(
    name="table",
    description="relations as a CSV (or TSV) table, one row per relation",
    suffix=".csv",
    exporter=TextExport(export),
)

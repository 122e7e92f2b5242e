"""What the export formats write from: the store's document rows, and the options a format
may honour. The rows come from `reader.store.export_rows`, the one place that knows the
schema; formats only map them to files."""

from __future__ import annotations

from dataclasses import dataclass

from reader.store.export_rows import (
    ID_LENGTH,
    STATUSES,
    ExportRow,
    Selection,
    count_documents,
    document_id,
    iter_export_rows,
)

__all__ = ["CONLL_DOCS", "ID_LENGTH", "STATUSES", "ExportOptions", "ExportRow", "Selection",
           "count_documents", "document_id", "iter_export_rows"]


@dataclass(frozen=True)
class ExportOptions:
    """Format-specific choices: doccano's offset unit, the spaCy language for tokens, the
    table's separator (comma or tab), CoNLL's document boundaries (see CONLL_DOCS), and
    whether Label Studio gets annotations or predictions (of which model version)."""

    offsets: str = "utf16"
    spacy_lang: str = "xx"
    table_sep: str = "comma"
    conll_docs: str = "id"
    label_studio_as: str = "annotations"
    model_version: str | None = None


CONLL_DOCS = ("id", "docstart", "none")

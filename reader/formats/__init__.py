"""Dataset formats: reading the store out as records (export) and records into it (import).

Every format keeps reader's offsets exact: Python str indices (code points), end exclusive,
into the document text as stored; where a format cannot say something, the export summary
says what was left out or changed."""

EXPORT_FORMATS = ("jsonl", "prodigy", "doccano", "label-studio", "spacy", "brat", "conll")
IMPORT_FORMATS = ("auto", "jsonl", "prodigy", "doccano", "label-studio")

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS"]

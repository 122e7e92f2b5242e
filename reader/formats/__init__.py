"""Dataset formats: reading the store out as records (export) and records into it (import).

Every format keeps reader's offsets exact: Python str indices (code points), end exclusive,
into the document text as stored; where a format cannot say something, the export summary
says what was left out or changed. The formats are listed once, in `reader.formats.registry`;
each module there is imported only when its format is used."""

from reader.formats.registry import FORMATS, Format, export_names, import_names, load

__all__ = ["FORMATS", "Format", "export_names", "import_names", "load"]

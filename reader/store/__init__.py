"""The SQLite store: schema and migrations, documents, progress, annotations and their history.

It uses the standard library's sqlite3 on the interactive path because importing
sqlite-utils costs ~200 ms, more than the whole start-up budget; batch commands
(import, merge, stats) use sqlite-utils on the same connection."""

from reader.store.annotations import Annotation, AnnotationStore
from reader.store.database import SCHEMA_VERSION, connect, connect_readonly, now_iso
from reader.store.documents import Document, Progress
from reader.store.relations import Relation

__all__ = [
    "SCHEMA_VERSION",
    "Annotation",
    "AnnotationStore",
    "Document",
    "Progress",
    "Relation",
    "connect",
    "connect_readonly",
    "now_iso",
]

"""brat standoff: a folder with `<id>.txt` (the exact text) and `<id>.ann` per document.

brat counts code points like reader, but a text-bound annotation cannot cross a line break:
such spans are written with brat's discontinuous syntax `START END;START END`, one fragment
per line, and the text field joins the fragments with a space, as brat does. Notes become
`#N\tAnnotatorNotes Tn\tnote` lines, relations `Rn\tLABEL Arg1:Tm Arg2:Tk` lines (head first);
an `annotation.conf` lists the labels, and each relation label with the span labels its
heads and children have. brat has no document labels: those are left out and reported. The
folder is signed with a `.reader-export` marker (reader.formats.atomic): only a folder
reader wrote, unedited since, is replaced by the next export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from reader.formats import atomic
from reader.formats.records import ExportOptions, ExportRow, document_id
from reader.formats.registry import FolderExport, Format
from reader.formats.summary import Summary, describe_span

CONF_NAME = "annotation.conf"

# Whatever str.splitlines() breaks on: brat reads .ann files line by line.
LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_NOT_IN_TYPE = re.compile(r"[\s]+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks, in order."""
    pieces = []
    position = start
    for match in LINE_BREAKS.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if end > position:
        pieces.append((position, end))
    return pieces


class Types:
    """What annotation.conf declares: the span labels, and per relation label the span
    labels of its heads (Arg1) and children (Arg2)."""

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.relations: dict[str, tuple[set[str], set[str]]] = {}


def _type(label: str, summary: Summary, what: str, where: str) -> str:
    """A brat type: no whitespace."""
    written = _NOT_IN_TYPE.sub("_", label)
    if written != label:
        summary.note(f"{what} with spaces (written with '_')", where)
    return written


def annotation_lines(row: ExportRow, summary: Summary, types: Types) -> list[str]:
    lines: list[str] = []
    number = 0
    notes = 0
    written: dict[str, tuple[str, str]] = {}  # span id -> its T id and type
    for span in row.spans():
        where = describe_span(row.id, span)
        pieces = fragments(row.text, span["start"], span["end"])
        if not pieces:
            summary.note("spans of line breaks only (brat cannot show them, left out)", where)
            continue
        label = _type(span["label"], summary, "labels", where)
        types.entities.add(label)
        number += 1
        written[span["id"]] = (f"T{number}", label)
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        shown = " ".join(row.text[start:end] for start, end in pieces)
        lines.append(f"T{number}\t{label} {offsets}\t{shown}\n")
        if span["note"]:
            note = LINE_BREAKS.sub(" ", span["note"])
            if note != span["note"]:
                summary.note("notes with line breaks (joined with spaces)", where)
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes T{number}\t{note}\n")
    relations = 0
    for relation in row.relations() if row.relation_count else ():
        where = f"{row.id} {relation['label']} {relation['id']}"
        head, child = written.get(relation["head"]), written.get(relation["child"])
        if head is None or child is None:
            summary.left_out("relations", 1, "relations with a span brat cannot show (left"
                             " out)", where)
            continue
        label = _type(relation["label"], summary, "relation labels", where)
        heads, children = types.relations.setdefault(label, (set(), set()))
        heads.add(head[1])
        children.add(child[1])
        relations += 1
        lines.append(f"R{relations}\t{label} Arg1:{head[0]} Arg2:{child[0]}\n")
    if row.doc_label_count:
        summary.left_out("document labels", row.doc_label_count,
                         "document labels (brat has no place for them, left out)",
                         f"{row.id} {', '.join(row.cats())}")
    return lines


def _is_ours(name: str) -> bool:
    return name.endswith((".txt", ".ann")) or name == CONF_NAME


def previous_export_problem(folder: Path) -> str | None:
    """Why an export may not replace `folder` (None: it may): only an empty folder or one
    reader wrote (its marker says so) with nothing added or edited since, not even in brat's
    own editor, is replaced without --force."""
    return atomic.previous_export_problem(folder, "brat", _is_ours)


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def file_name(row: ExportRow, taken: set[str], summary: Summary) -> str:
    """The name of the document's .txt and .ann files: its id, unless that is no safe file
    name or names another document's files on a case-blind file system; then its text
    hash's start (reported), which the reader's JSONL also carries as `sha256`."""
    name = str(row.id)
    if not _SAFE_NAME.fullmatch(name) or name.casefold() in taken:
        summary.note("document ids that make no safe, unique file name (files named by the"
                     " text hash's start)", name)
        name = document_id(row.sha256)
    taken.add(name.casefold())
    return name


def export(rows: Iterable[ExportRow], folder: Path, summary: Summary,
           options: ExportOptions) -> None:
    types = Types()
    taken: set[str] = set()
    for row in rows:
        name = file_name(row, taken, summary)
        (folder / f"{name}.txt").write_text(row.text, encoding="utf-8", newline="")
        lines = annotation_lines(row, summary, types)
        (folder / f"{name}.ann").write_text("".join(lines), encoding="utf-8", newline="")
        summary.wrote(sum(line.startswith("T") for line in lines),
                      sum(line.startswith("R") for line in lines))
    (folder / CONF_NAME).write_text(conf(types), encoding="utf-8")


def conf(types: Types) -> str:
    relations = "".join(
        f"{label}\tArg1:{'|'.join(sorted(heads))}, Arg2:{'|'.join(sorted(children))}\n"
        for label, (heads, children) in sorted(types.relations.items()))
    return ("[entities]\n" + "".join(f"{label}\n" for label in sorted(types.entities))
            + "\n[relations]\n" + relations + "\n[events]\n\n[attributes]\n")


FORMAT = Format(
    name="brat",
    description="brat standoff: a folder of .txt and .ann files, and annotation.conf",
    suffix="",
    exporter=FolderExport(export, previous_export_problem),
)

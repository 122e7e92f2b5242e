"""A spaCy DocBin (`.spacy`), built with spaCy's own API so `spacy train` reads it as is.

Every span goes in `doc.spans["sc"]`; the non-overlapping ones (longest first, spaCy's
filter_spans) also in `doc.ents`. Each document is tokenized by spaCy's blank pipeline for
its own `meta.lang` (Chinese text with `zh` gets spaCy's one token per character), else
`--spacy-lang`; a language spaCy cannot load here (Japanese needs SudachiPy) falls back to
`--spacy-lang`, reported. spaCy's tokens are not reader's: a span whose edges cut a
spaCy token is widened to whole tokens and reported, never dropped silently. Document labels
are `doc.cats` (1.0 for the document's labels and, once it has one, 0.0 for the export's
other labels, as textcat training wants); relations, which a Doc has no place for, go in
`doc.user_data["relations"]` with their spans' exact character offsets, and spans' meta
(provenance) in `doc.user_data["span_meta"]` the same way. DocBin keeps the
whole corpus in memory (spaCy's design), so this format is not flat in memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from reader.errors import INSTALL_SPACY, ReaderError
from reader.formats.records import ExportOptions, ExportRow
from reader.formats.registry import BinaryExport, Format
from reader.formats.summary import Summary, describe_span

SPANS_KEY = "sc"
ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID"]


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise ReaderError(
            f"the spacy format needs spaCy: {INSTALL_SPACY}"
        ) from None
    return spacy


def check_available() -> None:
    _spacy()


def relations(row: ExportRow) -> list[dict[str, Any]]:
    """The relations with their spans by character offsets (code points, end exclusive):
    exact, whatever spaCy's tokens made of the spans themselves."""
    if not row.relation_count:
        return []
    spans = row.spans_by_id()
    found = []
    for relation in row.relations():
        ends = {end: {key: spans[relation[end]][key] for key in ("start", "end", "label")}
                for end in ("head", "child")}
        found.append({"id": relation["id"], "label": relation["label"], **ends,
                      "annotator": relation["annotator"]})
    return found


def span_meta(row: ExportRow) -> list[dict[str, Any]]:
    """The spans that have a meta (provenance), each by its exact character offsets and
    label beside its meta and annotator: a spaCy Span keeps no attributes of its own in a
    DocBin, so they travel in `doc.user_data["span_meta"]` as relations do."""
    return [{"start": span["start"], "end": span["end"], "label": span["label"],
             "annotator": span["annotator"], "meta": span["meta"]}
            for span in row.spans() if "meta" in span]


def _pipeline(spacy: Any, pipelines: dict[str, Any], row: ExportRow, default: Any,
              summary: Summary) -> Any:
    """The blank pipeline for the document's `meta.lang`, loaded once per language; the
    default one when it names none or one spaCy cannot load (said in the summary)."""
    lang = row.meta().get("lang")
    if not isinstance(lang, str) or not lang:
        return default
    if lang not in pipelines:
        try:
            pipelines[lang] = spacy.blank(lang)
        except Exception:  # an unknown code, or a language whose tokenizer is not installed
            pipelines[lang] = None
    if pipelines[lang] is None:
        summary.note(f"documents in a language spaCy cannot load here (tokenized as"
                     f" {default.lang!r})", f"{row.id} meta.lang {lang!r}")
        return default
    return pipelines[lang]


def export(rows: Iterable[ExportRow], out: IO[bytes], summary: Summary,
           options: ExportOptions) -> None:
    spacy = _spacy()
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    try:
        default = spacy.blank(options.spacy_lang)
    except Exception as error:  # spaCy raises its own ImportError/ValueError subclasses
        raise ReaderError(f"spaCy language {options.spacy_lang!r}: {error}") from None
    pipelines: dict[str, Any] = {options.spacy_lang: default}
    # A blank pipeline sets no tags, lemmas or parses: storing only what it has keeps the
    # in-memory DocBin about three times smaller.
    docbin = DocBin(attrs=ATTRS, store_user_data=True)
    for row in rows:
        nlp = _pipeline(spacy, pipelines, row, default, summary)
        doc = nlp.make_doc(row.text)
        spans = []
        for span in row.spans():
            where = describe_span(row.id, span)
            made = doc.char_span(span["start"], span["end"], label=span["label"],
                                 alignment_mode="strict")
            if made is None:
                made = doc.char_span(span["start"], span["end"], label=span["label"],
                                     alignment_mode="expand")
                if made is None or len(made) == 0:
                    summary.note("spans hold no spaCy token (left out)", where)
                    continue
                summary.note("spans cut a spaCy token (widened to whole tokens)", where)
            spans.append(made)
        doc.spans[SPANS_KEY] = spans
        entities = filter_spans(spans)
        for span in spans:
            if span not in entities:
                summary.note("overlapping spans only in doc.spans['sc'], not doc.ents",
                             f"{row.id}[{span.start_char}:{span.end_char}] {span.label_}")
        doc.ents = entities
        cats = row.cats()
        if cats:
            doc.cats = {label: cats.get(label, 0.0) for label in row.facts.doc_labels}
        doc.user_data.update({"id": row.id, "source": row.source, "sha256": row.sha256,
                              "status": row.status, "meta": row.meta(),
                              "relations": relations(row), "cats_by": row.cats_by()})
        provenance = span_meta(row)
        if provenance:
            doc.user_data["span_meta"] = provenance
        docbin.add(doc)
        summary.wrote(len(spans), row.relation_count, row.doc_label_count)
    out.write(docbin.to_bytes())


FORMAT = Format(
    name="spacy",
    description="spaCy DocBin for `spacy train`: spans in doc.spans['sc'] and doc.ents",
    suffix=".spacy",
    exporter=BinaryExport(export),
    check_available=check_available,
)

"""Sources of suggestions: each turns a text into `Suggestion`s.

Phrase patterns, gazetteers and spans learned from the corpus are phrases matched by
`PhraseIndex` (no spaCy needed); token patterns and models need spaCy, imported only when
such a source is made, with a one-line error when it is not installed. Every file problem
is a `ReaderError` naming FILE:LINE."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from reader.errors import INSTALL_SPACY, ReaderError
from reader.suggest.record import LEARNED, Suggestion
from reader.text.matching import FEW, PhraseIndex, leftmost_longest, windows

MAX_PATTERN_BYTES = 512 * 1024 * 1024  # a pattern file is text, never more than this
SPACY_HINT = f"spaCy is not installed: {INSTALL_SPACY}"


class Source(Protocol):
    """Anything that suggests spans for a text."""

    name: str

    def suggest(self, text: str, doc: int = 0) -> list[Suggestion]: ...


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of a UTF-8 text file, refused in one line if it is not one."""
    from reader.text.loading import read_regular

    try:
        raw = read_regular(path, MAX_PATTERN_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReaderError(f"{path}:{raw_line(path, error.start)}: not valid UTF-8") from None
    for number, line in enumerate(raw.split("\n"), start=1):  # as editors count lines
        yield number, line.removesuffix("\r")


def raw_line(path: Path, byte_offset: int) -> int:
    """The line number of a byte offset in `path` (for a decoding error)."""
    with path.open("rb") as handle:
        return handle.read(byte_offset).count(b"\n") + 1


def _check_label(label: object, where: str, labels: Iterable[str] | None) -> str:
    if not isinstance(label, str) or not label.strip():
        raise ReaderError(f"{where}: label must be a non-empty string")
    label = label.strip()
    known = list(labels) if labels is not None else None
    if known is not None and label not in known:
        raise ReaderError(f"{where}: label {label!r} is not a span label"
                          f" (labels: {', '.join(known)})")
    return label


@dataclass
class PhraseSource:
    """Phrases with labels, matched as whole words (`reader.text.matching`)."""

    name: str
    index: PhraseIndex

    def suggest(self, text: str, doc: int = 0) -> list[Suggestion]:
        return phrase_suggestions([self], text, doc)


@dataclass
class TokenPatternSource:
    """spaCy `Matcher` patterns (`[{"lower": "minister"}]`), run on spaCy's tokens of a
    blank pipeline: matches are token spans, the longest kept where they overlap."""

    name: str
    patterns: list[tuple[str, list[dict[str, Any]], str]]  # (label, pattern, FILE:LINE)
    lang: str = "xx"
    _nlp: Any = field(default=None, repr=False)
    _matcher: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        spacy = import_spacy()
        from spacy.matcher import Matcher

        self._nlp = spacy.blank(self.lang)
        self._matcher = Matcher(self._nlp.vocab, validate=True)
        for label, pattern, where in self.patterns:
            try:
                self._matcher.add(label, [pattern])
            except Exception as error:  # spaCy's MatchPatternError, ValueError, KeyError
                detail = " ".join(str(error).split())
                raise ReaderError(f"{where}: bad token pattern: {detail[:200]}") from None

    def suggest(self, text: str, doc: int = 0) -> list[Suggestion]:
        from spacy.util import filter_spans

        self._nlp.max_length = max(self._nlp.max_length, len(text) + 1)
        parsed = self._nlp.make_doc(text)
        spans = filter_spans(self._matcher(parsed, as_spans=True))
        return [Suggestion(doc, span.start_char, span.end_char, span.label_, self.name)
                for span in spans]


def import_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise ReaderError(SPACY_HINT) from None
    return spacy


def load_patterns(path: Path, labels: Iterable[str] | None = None,
                  lang: str = "xx") -> list[Source]:
    """A spaCy EntityRuler / Prodigy patterns file (JSON Lines): phrase patterns
    (`"pattern": "Sergey Lavrov"`) become a `PhraseSource`, token patterns (`"pattern":
    [{"lower": "minister"}]`) a `TokenPatternSource` (which needs spaCy). `labels`, when
    given, are the span labels a pattern may use."""
    known = list(labels) if labels is not None else None
    phrases = PhraseIndex()
    tokens: list[tuple[str, list[dict[str, Any]], str]] = []
    for number, line in _lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReaderError(f"{where}: invalid JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise ReaderError(f"{where}: a pattern must be a JSON object with label and"
                              " pattern")
        label = _check_label(record.get("label"), where, known)
        pattern = record.get("pattern")
        if isinstance(pattern, str):
            if not pattern.strip():
                raise ReaderError(f"{where}: pattern is empty")
            phrases.add(pattern, label)
        elif isinstance(pattern, list) and pattern and all(
                isinstance(item, dict) for item in pattern):
            tokens.append((label, pattern, where))
        else:
            raise ReaderError(f"{where}: pattern must be a string (a phrase) or a list of"
                              " token objects")
    name = f"patterns:{path.name}"
    if not len(phrases) and not tokens:
        raise ReaderError(f"{path}: no patterns")
    sources: list[Source] = []
    if len(phrases):
        sources.append(PhraseSource(name, phrases))
    if tokens:
        sources.append(TokenPatternSource(name, tokens, lang))
    return sources


def load_gazetteer(path: Path, labels: Iterable[str] | None = None) -> PhraseSource:
    """A gazetteer: `text<TAB>label` a line (blank lines and `#` comments skipped); where
    entries overlap in a text, the longest match wins."""
    known = list(labels) if labels is not None else None
    index = PhraseIndex()
    for number, line in _lines(path):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{number}"
        text, tab, label = line.rpartition("\t")
        if not tab:
            raise ReaderError(f"{where}: expected text<TAB>label")
        if not text.strip():
            raise ReaderError(f"{where}: the text before the tab is empty")
        index.add(text, _check_label(label, where, known))
    if not len(index):
        raise ReaderError(f"{path}: no entries")
    return PhraseSource(f"gazetteer:{path.name}", index)


def learned_source(counts: Iterable[tuple[str, str, int]]) -> PhraseSource:
    """Every span text already tagged, suggested wherever it occurs again with the label
    used most for it (the first in name order on a tie), as INCEpTION's string matcher
    does. `counts` are (span text, label, how many spans) rows. (`reader open --suggest`
    keeps the same up to date edit by edit: `reader.suggest.learned`.)"""
    from reader.suggest.learned import best_labels

    return PhraseSource(LEARNED, PhraseIndex(sorted(best_labels(counts).items())))


@dataclass
class ModelSource:
    """A spaCy pipeline (an installed package name or a folder), its entities mapped to
    span labels by `label_map` (entity label -> span label; entities it does not map are
    not suggested). Nothing is downloaded: spaCy loads only what is installed or on disk."""

    name: str
    nlp: Any
    label_map: Mapping[str, str]

    def suggest(self, text: str, doc: int = 0) -> list[Suggestion]:
        self.nlp.max_length = max(self.nlp.max_length, len(text) + 1)
        return [Suggestion(doc, entity.start_char, entity.end_char,
                           self.label_map[entity.label_], self.name)
                for entity in self.nlp(text).ents if entity.label_ in self.label_map]


def load_model(name_or_path: str, label_map: Mapping[str, str]) -> ModelSource:
    """`spacy.load` of a package name or a folder, refused in one line if it fails."""
    spacy = import_spacy()
    try:
        nlp = spacy.load(name_or_path)
    except (OSError, ValueError, KeyError) as error:
        detail = " ".join(str(error).split())
        raise ReaderError(f"model {name_or_path}: cannot load it ({detail[:200]})") from None
    label = Path(name_or_path).name or name_or_path
    return ModelSource(f"model:{label}", nlp, dict(label_map))


_KEY = attrgetter("start", "end", "label", "source")


def phrase_suggestions(sources: list[PhraseSource], text: str, doc: int) -> list[Suggestion]:
    """What phrase sources suggest for `text`, each source's matches in text order. When
    one source has many phrases the text is cut into units (a window at a time) once for
    all of them; sources of few phrases alone search for each (`PhraseIndex.every`)."""
    if all(len(source.index) <= FEW for source in sources):
        found = [list(source.index.every(text)) for source in sources]
    else:
        found = [[] for _ in sources]
        for window in windows(text, max(source.index.longest for source in sources)):
            for source, kept in zip(sources, found, strict=True):
                kept.extend(source.index.in_window(window))
    return [Suggestion(doc, start, end, source.index.labels[phrase], source.name)
            for source, every in zip(sources, found, strict=True)
            for start, end, phrase in leftmost_longest(every)]


def suggest_all(sources: Iterable[Source], text: str, doc: int = 0,
                skip: Callable[[Suggestion], bool] | None = None) -> list[Suggestion]:
    """What every source suggests for `text`, in text order, one per (offsets, label,
    source); `skip` drops some (those already annotated or rejected)."""
    sources = list(sources)
    phrases = [source for source in sources if isinstance(source, PhraseSource)]
    found = phrase_suggestions(phrases, text, doc) if phrases else []
    for source in sources:
        if not isinstance(source, PhraseSource):
            found.extend(source.suggest(text, doc))
    if skip is not None:
        found = [suggestion for suggestion in found if not skip(suggestion)]
    found.sort(key=_KEY)  # stable: of equal keys the first source's comes first
    unique: list[Suggestion] = []
    previous = None
    for suggestion in found:
        key = _KEY(suggestion)
        if key != previous:
            unique.append(suggestion)
            previous = key
    return unique

"""Sources of suggestions: pattern files (phrase and token patterns), gazetteers, spans
learned from the corpus, a spaCy pipeline built in the test; the model label map in the
config; every bad file a one-line error with FILE:LINE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.annotate.labels import load_config
from reader.errors import ReaderError
from reader.suggest.record import Suggestion
from reader.suggest.sources import (
    PhraseSource,
    TokenPatternSource,
    learned_source,
    load_gazetteer,
    load_model,
    load_patterns,
    suggest_all,
)

TEXT = "Sergey Lavrov met Ararat Mirzoyan.\r\nThe minister said the CSTO had failed; Lavrov."
LABELS = ("actor", "topic", "commitment")


def spans(suggestions: list[Suggestion], text: str = TEXT) -> list[tuple[str, str, str]]:
    return [(text[s.start:s.end], s.label, s.source) for s in suggestions]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_phrase_and_token_patterns(tmp_path: Path) -> None:
    patterns = write_lines(tmp_path / "actors.jsonl", [
        json.dumps({"label": "actor", "pattern": "Sergey Lavrov"}),
        "",
        json.dumps({"label": "actor", "pattern": "CSTO"}),
        json.dumps({"label": "actor", "pattern": [{"lower": "minister"}]}),
    ])
    sources = load_patterns(patterns, LABELS)
    assert [type(source) for source in sources] == [PhraseSource, TokenPatternSource]
    found = suggest_all(sources, TEXT, doc=7)
    assert spans(found) == [("Sergey Lavrov", "actor", "patterns:actors.jsonl"),
                            ("minister", "actor", "patterns:actors.jsonl"),
                            ("CSTO", "actor", "patterns:actors.jsonl")]
    assert {suggestion.doc for suggestion in found} == {7}


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", r"p\.jsonl:2: invalid JSON"),
    ('["actor", "x"]', r"p\.jsonl:2: a pattern must be a JSON object"),
    ('{"pattern": "x"}', r"p\.jsonl:2: label must be a non-empty string"),
    ('{"label": "PERSON", "pattern": "x"}',
     r"p\.jsonl:2: label 'PERSON' is not a span label \(labels: actor, topic, commitment\)"),
    ('{"label": "actor", "pattern": 3}', r"p\.jsonl:2: pattern must be a string"),
    ('{"label": "actor", "pattern": "  "}', r"p\.jsonl:2: pattern is empty"),
    ('{"label": "actor", "pattern": [{"lowr": "x"}]}', r"p\.jsonl:2: bad token pattern"),
])
def test_bad_pattern_files_are_one_line_errors(tmp_path: Path, line: str, message: str) -> None:
    path = write_lines(tmp_path / "p.jsonl", ['{"label": "actor", "pattern": "ok"}', line])
    with pytest.raises(ReaderError, match=message) as raised:
        load_patterns(path, LABELS)
    assert "\n" not in str(raised.value)


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"label": "actor", "pattern": "ok"}\n'
                     b'{"label": "actor", "pattern": "\xff"}\n')
    with pytest.raises(ReaderError, match=r"p\.jsonl:2: not valid UTF-8"):
        load_patterns(path, LABELS)


def test_gazetteer_longest_match_wins(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "names.tsv", [
        "# names", "Lavrov\tactor", "Sergey Lavrov\tactor", "", "CSTO\ttopic"])
    found = load_gazetteer(path, LABELS).suggest(TEXT)
    assert spans(found) == [("Sergey Lavrov", "actor", "gazetteer:names.tsv"),
                            ("CSTO", "topic", "gazetteer:names.tsv"),
                            ("Lavrov", "actor", "gazetteer:names.tsv")]


@pytest.mark.parametrize(("line", "message"), [
    ("Lavrov actor", r"g\.tsv:2: expected text<TAB>label"),
    ("\tactor", r"g\.tsv:2: the text before the tab is empty"),
    ("Lavrov\t", r"g\.tsv:2: label must be a non-empty string"),
    ("Lavrov\tperson", r"g\.tsv:2: label 'person' is not a span label"),
])
def test_bad_gazetteers_are_one_line_errors(tmp_path: Path, line: str, message: str) -> None:
    path = write_lines(tmp_path / "g.tsv", ["CSTO\ttopic", line])
    with pytest.raises(ReaderError, match=message):
        load_gazetteer(path, LABELS)


def test_learned_source_uses_the_label_used_most() -> None:
    source = learned_source([("Lavrov", "actor", 3), ("Lavrov", "topic", 1),
                             ("CSTO", "topic", 1), ("CSTO", "actor", 1), (" ", "x", 9)])
    assert spans(source.suggest(TEXT)) == [("Lavrov", "actor", "learned"),
                                           ("CSTO", "actor", "learned"),  # a tie: by name
                                           ("Lavrov", "actor", "learned")]


def test_model_suggestions_from_a_pipeline_built_here(tmp_path: Path) -> None:
    """An EntityRuler-only pipeline saved to disk: nothing downloaded. Its entity labels
    are mapped to span labels by the config; unmapped ones are not suggested."""
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Sergey Lavrov"},
                        {"label": "ORG", "pattern": "CSTO"},
                        {"label": "NORP", "pattern": [{"LOWER": "minister"}]},
                        {"label": "DATE", "pattern": "Tuesday"}])
    folder = tmp_path / "tiny-model"
    nlp.to_disk(folder)
    config = write_lines(tmp_path / "reader.toml", [
        "[model_labels]", 'actor = ["PERSON", "ORG", "GPE"]', 'topic = ["NORP"]'])
    label_map = load_config(config).entity_label_map()
    assert label_map == {"PERSON": "actor", "ORG": "actor", "GPE": "actor", "NORP": "topic"}
    source = load_model(str(folder), label_map)
    text = TEXT + " On Tuesday."
    assert spans(source.suggest(text, 3), text) == [
        ("Sergey Lavrov", "actor", "model:tiny-model"), ("minister", "topic", "model:tiny-model"),
        ("CSTO", "actor", "model:tiny-model")]


def test_a_model_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    with pytest.raises(ReaderError, match=r"model .*nowhere: cannot load it"):
        load_model(str(tmp_path / "nowhere"), {})


def test_without_spacy_token_patterns_say_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy raises ImportError
    path = write_lines(tmp_path / "p.jsonl", [
        '{"label": "actor", "pattern": "phrases need no spaCy"}',
        '{"label": "actor", "pattern": [{"lower": "minister"}]}'])
    with pytest.raises(ReaderError, match=r"^spaCy is not installed: pip install"):
        load_patterns(path, LABELS)
    phrase_only = write_lines(tmp_path / "q.jsonl", ['{"label": "actor", "pattern": "CSTO"}'])
    assert spans(suggest_all(load_patterns(phrase_only, LABELS), TEXT)) == [
        ("CSTO", "actor", "patterns:q.jsonl")]


@pytest.mark.parametrize(("lines", "message"), [
    (["[model_labels]", 'person = ["PERSON"]'],
     r"reader\.toml:2: model_labels: 'person' is not a span label"),
    (["[model_labels]", "actor = 3"], r"reader\.toml:2: model_labels: actor must be a list"),
    (["[model_labels]", 'actor = ["ORG"]', 'topic = ["ORG"]'],
     r"reader\.toml:3: model_labels: entity label 'ORG' is mapped twice"),
    (['model_labels = "actor"'], r"reader\.toml:1: model_labels must be a table"),
])
def test_bad_model_label_maps_name_their_line(tmp_path: Path, lines: list[str],
                                              message: str) -> None:
    path = write_lines(tmp_path / "reader.toml", lines)
    with pytest.raises(ReaderError, match=message):
        load_config(path)


def test_without_a_map_entities_keep_span_labels_of_their_name(tmp_path: Path) -> None:
    config = load_config(write_lines(tmp_path / "reader.toml", ['annotator = "ann"']))
    assert config.entity_label_map() == {label: label for label in LABELS}


def test_phrases_across_the_windows_of_a_long_text(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A long text is cut into units a window at a time, so its units never all sit in
    memory at once (a 3 MB article's took ~100 MB for a moment): a name over a window's
    edge is still found once, whole, by every phrase source (here by the trie, as for a
    pattern file of many phrases, by `str.find` when every source has few)."""
    import tracemalloc

    import reader.suggest.sources as sources
    import reader.text.matching as matching

    monkeypatch.setattr(matching, "WINDOW", 4096)
    filler = "ab " * ((4096 - 4) // 3)
    text = filler + "Sergey Lavrov met Lavrov. " + filler * 16 + "Lavrov"
    assert text.index("Sergey") < 4096 < text.index("Lavrov")
    gazetteer = load_gazetteer(write_lines(tmp_path / "names.tsv", [
        "Lavrov\tactor", "Sergey Lavrov\tactor"]), LABELS)
    learned = learned_source([("met Lavrov", "topic", 1)])
    for few in (0, matching.FEW):
        monkeypatch.setattr(sources, "FEW", few)
        tracemalloc.start()
        try:
            found = suggest_all([gazetteer, learned], text)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 8 * len(text)  # all the units at once: ~50 bytes a character here
        assert spans(found, text) == [("Sergey Lavrov", "actor", "gazetteer:names.tsv"),
                                      ("met Lavrov", "topic", "learned"),
                                      ("Lavrov", "actor", "gazetteer:names.tsv"),
                                      ("Lavrov", "actor", "gazetteer:names.tsv")]

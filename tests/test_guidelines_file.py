"""The guidelines file (issue 12, item 13): named in the config (next to it) or with
`--guidelines`, read at start with the bounded regular-file reading, refused in one line;
a heading per label is found; a folder's guidelines file is not one of its articles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run_reader

from reader.annotate.guidelines import is_label_heading, label_heading, load_guidelines
from reader.annotate.labels import Config, load_config, override
from reader.corpus import read_inputs
from reader.errors import ReaderError

SAMPLES = Path(__file__).resolve().parents[1] / "sample_articles"


@pytest.mark.parametrize("title", ["Actor", "actor", "2. Actor", "`actor`", "**Actor**",
                                   "Actor — who acts or speaks", "Actor: people", "ACTOR"])
def test_a_labels_heading(title: str) -> None:
    assert is_label_heading(title, "actor")


@pytest.mark.parametrize("title", ["Actors and topics", "Factors", "The actor", "Act", ""])
def test_not_a_labels_heading(title: str) -> None:
    assert not is_label_heading(title, "actor")


def test_the_first_heading_of_a_label_wins() -> None:
    assert label_heading(["Intro", "Named entity", "named entity (again)"],
                         "Named  Entity") == 1
    assert label_heading(["Intro"], "actor") is None


def test_the_sample_guidelines_have_a_section_per_sample_label() -> None:
    guidelines = load_guidelines(SAMPLES / "GUIDELINES.md")
    headings = [line.lstrip("#").strip() for line in guidelines.text.splitlines()
                if line.startswith("#")]
    for label in Config().labels:
        assert label_heading(headings, label.name) is not None, label.name


def test_the_sample_config_names_them(tmp_path: Path) -> None:
    config = load_config(SAMPLES / "reader.toml")
    assert config.guidelines == SAMPLES / "GUIDELINES.md"
    assert [label.name for label in config.labels] == ["actor", "topic", "commitment"]


def test_a_path_relative_to_the_config_and_the_option_over_it(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "reader.toml").write_text('guidelines = "docs/G.md"\n', encoding="utf-8")
    config = load_config(folder / "reader.toml")
    assert config.guidelines == folder / "docs" / "G.md"
    assert override(config, guidelines=Path("other.md")).guidelines == Path("other.md")


@pytest.mark.parametrize("value", ["3", '""', "[]"])
def test_a_bad_guidelines_value_names_file_and_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "reader.toml"
    path.write_text(f'annotator = "a"\nguidelines = {value}\n', encoding="utf-8")
    with pytest.raises(ReaderError, match=f"^{path}:2: guidelines must be the path"):
        load_config(path)


@pytest.mark.parametrize(("make", "needle"), [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"caf\xe9"), "not valid UTF-8 (byte 3)"),
    (lambda p: os.mkfifo(p), "FIFO"),
])
def test_unreadable_guidelines_are_one_sentence(tmp_path: Path, make, needle: str) -> None:
    path = tmp_path / "G.md"
    make(path)
    with pytest.raises(ReaderError) as error:
        load_guidelines(path)
    assert str(error.value).startswith("guidelines: ")
    assert needle in str(error.value) and "\n" not in str(error.value)


def test_a_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "G.md"
    path.write_bytes("\ufeff# Actor\n".encode())
    assert load_guidelines(path).text == "# Actor\n"


def test_a_folders_guidelines_file_is_not_an_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("An article.", encoding="utf-8")
    (tmp_path / "GUIDELINES.md").write_text("# Actor\n", encoding="utf-8")
    every = read_inputs([tmp_path], encoding="utf-8", annotator="a")
    assert len(every.items) == 2
    plan = read_inputs([tmp_path], encoding="utf-8", annotator="a",
                       guidelines=tmp_path / "GUIDELINES.md")
    assert [item.source for item in plan.items] == [str(tmp_path / "a.txt")]  # type: ignore[union-attr]


def test_cli_refuses_missing_guidelines_before_the_database(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    db = tmp_path / "db" / "annotations.db"
    result = run_reader("open", str(article), "--db", str(db),
                        "--guidelines", str(tmp_path / "missing.md"))
    assert_one_line_error(result, "guidelines: ")
    assert "no such file" in result.stderr
    assert not db.parent.exists()


def test_cli_refuses_bad_keys_before_the_database(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("An article.", encoding="utf-8")
    config = tmp_path / "reader.toml"
    config.write_text('[keys]\nannotation.delete = "1"\n', encoding="utf-8")
    db = tmp_path / "db" / "annotations.db"
    result = run_reader("open", str(article), "--db", str(db),
                        env={"READER_CONFIG": str(config)})
    assert_one_line_error(result, f"{config}:2: keys: 1 for annotation.delete is a label key")
    assert not db.parent.exists()

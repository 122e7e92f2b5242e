"""Label sets from the command line and from TOML, with errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate.labels import (
    DEFAULT_LABELS,
    DEFAULT_RELATIONS,
    Config,
    DocLabel,
    RelationType,
    find_config,
    labels_from_names,
    load_config,
    override,
    relations_from_names,
)
from reader.errors import ReaderError


def test_defaults_and_names() -> None:
    assert [(label.name, label.key) for label in DEFAULT_LABELS] == [
        ("actor", "1"), ("topic", "2"), ("commitment", "3")]
    labels = labels_from_names("person, place,event")
    assert [(label.name, label.key) for label in labels] == [
        ("person", "1"), ("place", "2"), ("event", "3")]
    with pytest.raises(ReaderError, match="repeats"):
        labels_from_names("a,a")


def test_toml_config(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text('annotator = "alice"\n[[labels]]\nname = "claim"\nkey = "4"\n'
                    'color = "#ff0000"\ndescription = "A claim"\n')
    config = find_config([tmp_path / "missing.toml", path])
    assert config.annotator == "alice"
    assert config.by_key("4").name == "claim"  # type: ignore[union-attr]
    assert config.labels[0].description == "A claim"


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ('[[labels]]\nname = "a"\nkey = \n', ":3:", "invalid TOML"),
        ('[[labels]]\nname = "a"\n[[labels]]\nname = "b"\ncolor = "nope"\n', ":5:", "colour"),
        ('[[labels]]\nname = "a"\nkey = "1"\n[[labels]]\nname = "b"\nkey = "1"\n', ":4:",
         "already used"),
        ('[[labels]]\nname = "a"\nshape = "round"\n', ":1:", "unknown label field"),
    ],
)
def test_bad_config_names_file_and_line(tmp_path: Path, body: str, where: str,
                                        message: str) -> None:
    path = tmp_path / "reader.toml"
    path.write_text(body)
    with pytest.raises(ReaderError, match=message) as error:
        load_config(path)
    assert f"{path}{where}" in str(error.value)


@pytest.mark.parametrize("color", ["rgb(300,0,0)", "rgb(-5,0,0)", "hsl(900,200%,50%)",
                                   "ansi_red", "grey50", "#ff000080", "default"])
def test_a_colour_the_screen_cannot_paint_is_refused_at_its_line(tmp_path: Path,
                                                                 color: str) -> None:
    """Issue 8 item 11: these passed the check and then crashed the first paint."""
    path = tmp_path / "reader.toml"
    path.write_text(f'[[labels]]\nname = "a"\n\n[[labels]]\nname = "b"\ncolor = "{color}"\n')
    with pytest.raises(ReaderError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}:6: bad colour {color!r} for label 'b'")


@pytest.mark.parametrize("color", ["red", "#4e79a7", "rgb(10, 20, 30)", "white"])
def test_an_accepted_colour_is_one_every_painter_reads(tmp_path: Path, color: str) -> None:
    from rich.style import Style
    from textual.color import Color

    path = tmp_path / "reader.toml"
    path.write_text(f'[[labels]]\nname = "a"\ncolor = "{color}"\n')
    loaded = load_config(path).labels[0].color
    Style.parse(f"bold black on {loaded}")  # the legend, the list, the help
    Color.parse(loaded)  # the article pane


# --- relations and document labels (issue 10) ----------------------------------------------


def test_default_relations_and_document_labels() -> None:
    config = Config()
    assert [(kind.name, kind.key, kind.from_labels, kind.to_labels)
            for kind in config.relations] == [("by", "1", ("commitment",), ("actor",)),
                                              ("about", "2", ("commitment",), ("topic",))]
    assert config.relation("by") == config.relation_by_key("1") == DEFAULT_RELATIONS[0]
    assert [(label.name, label.key) for label in config.doc_labels] == [
        ("relevant", "1"), ("irrelevant", "2")]
    assert config.doc_labels_multi is False
    assert config.doc_label_by_key("2") == config.doc_label("irrelevant")
    by = DEFAULT_RELATIONS[0]
    assert by.allows("commitment", "actor") and not by.allows("actor", "commitment")
    assert by.rule() == "by joins commitment → actor"
    assert RelationType("near", None, "#000000").allows("x", "y")


def test_relations_from_names() -> None:
    relations = relations_from_names("by, near")
    assert [(kind.name, kind.key, kind.from_labels, kind.to_labels, kind.description != "")
            for kind in relations] == [("by", "1", ("commitment",), ("actor",), True),
                                       ("near", "2", (), (), False)]
    assert len({kind.color for kind in relations}) == 2
    # with span labels that are not the defaults, `by` joins any span rather than none
    (by,) = relations_from_names("by", labels_from_names("PER,commitment"))
    assert (by.from_labels, by.to_labels) == (("commitment",), ())
    for bad, message in (("", "at least one"), (" , ", "at least one"), ("a,a", "repeats")):
        with pytest.raises(ReaderError, match=message):
            relations_from_names(bad)


def test_the_command_line_overrides_keep_the_rest_of_the_config(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text('annotator = "alice"\ndoc_labels_multi = true\n'
                    '[[doc_labels]]\nname = "sports"\n')
    config = load_config(path)
    assert override(config) == config
    relabelled = override(config, labels="PER,LOC")
    assert [label.name for label in relabelled.labels] == ["PER", "LOC"]
    assert relabelled.relations == (), "by and about can join nothing among PER and LOC"
    assert (relabelled.annotator, relabelled.doc_labels_multi) == ("alice", True)
    assert [label.name for label in relabelled.doc_labels] == ["sports"]
    both = override(config, labels="PER,LOC", relations="by,rel")
    assert [(kind.name, kind.from_labels) for kind in both.relations] == [("by", ()),
                                                                          ("rel", ())]
    assert [kind.name for kind in override(config, relations="about").relations] == ["about"]


def test_toml_relations_and_document_labels(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text(
        'doc_labels_multi = true\n'
        '[[labels]]\nname = "PER"\n[[labels]]\nname = "CLAIM"\n[[labels]]\nname = "ORG"\n'
        '[[relations]]\nname = "said"\nkey = "3"\ncolor = "red"\ndescription = " who "\n'
        'from = ["CLAIM"]\nto = ["PER", "ORG"]\n'
        '[[relations]]\nname = "near"\n'
        '[[doc_labels]]\nname = "sports"\ndescription = "Sport news"\n'
        '[[doc_labels]]\nname = "politics"\nkey = "5"\n')
    config = load_config(path)
    said, near = config.relations
    assert said == RelationType("said", "3", "#FF0000", "who", ("CLAIM",), ("PER", "ORG"))
    assert near == RelationType("near", "2", near.color, "", (), ())
    assert near.color.lower() == DEFAULT_RELATIONS[1].color  # the palette, after `by`'s
    assert config.doc_labels == (DocLabel("sports", "1", "Sport news"),
                                 DocLabel("politics", "5", ""))
    assert config.doc_labels_multi is True


def test_toml_without_relations_keeps_the_defaults_that_fit(tmp_path: Path) -> None:
    path = tmp_path / "reader.toml"
    path.write_text('[[labels]]\nname = "commitment"\n[[labels]]\nname = "actor"\n')
    config = load_config(path)
    assert [kind.name for kind in config.relations] == ["by"]  # no topic: no `about`
    assert config.doc_labels == Config().doc_labels and not config.doc_labels_multi
    path.write_text('relations = []\ndoc_labels = []\n')
    off = load_config(path)
    assert off.relations == () and off.doc_labels == ()
    assert off.labels == Config().labels


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ('[[relations]]\nname = "by"\nfrom = ["commitment"]\nto = ["person"]\n', ":4:",
         "relation 'by': to names 'person', which is not a span label "
         r"\(labels: actor, topic, commitment\)"),
        ('[[relations]]\nname = "by"\n\n[[relations]]\nname = "by"\n', ":4:",
         "relation 'by' is defined twice"),
        ('[[relations]]\nname = "a"\nkey = "1"\n[[relations]]\nname = "b"\nkey = "1"\n', ":4:",
         "relation 'b': key 1 is already used"),
        ('[[relations]]\nname = "a"\nkey = "x"\n', ":1:", "key must be one of 1-9"),
        ('[[relations]]\nname = "a"\n\n\ncolor = "nope"\n', ":5:", "bad colour 'nope' for"
         " relation 'a'"),
        ('[[relations]]\nname = "a"\nfrom = 3\n', ":3:", "from must be a list of span label"),
        ('[[relations]]\nname = "a"\nkind = "x"\n', ":1:", r"unknown relation field\(s\): kind"),
        ('[[relations]]\nkey = "1"\n', ":1:", "relation needs a name"),
        ('relations = "by"\n', ":1:", r"relations must be \[\[relations\]\] tables"),
        ('[[doc_labels]]\nname = "a"\n[[doc_labels]]\nname = "a"\n', ":3:",
         "document label 'a' is defined twice"),
        ('[[doc_labels]]\nname = "a"\ncolor = "red"\n', ":1:",
         r"unknown document label field\(s\): color"),
        ('\n[[doc_labels]]\nname = "a"\ndescription = 1\n', ":2:",
         "document label 'a': description must be text"),
        ('annotator = "x"\ndoc_labels_multi = "yes"\n', ":2:",
         "doc_labels_multi must be true or false"),
    ],
)
def test_bad_relations_and_document_labels_name_file_and_line(
        tmp_path: Path, body: str, where: str, message: str) -> None:
    path = tmp_path / "reader.toml"
    path.write_text(body)
    with pytest.raises(ReaderError, match=message) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}{where}")
    assert "\n" not in str(error.value)


def test_reader_open_takes_relations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import reader.ui.launch
    from reader.cli import cli

    bad = CliRunner().invoke(cli, ["open", str(tmp_path / "a.txt"), "--relations", "by,by"])
    assert isinstance(bad.exception, ReaderError)
    assert str(bad.exception) == "--relations repeats a name: by,by"
    seen: dict[str, object] = {}
    monkeypatch.setattr(reader.ui.launch, "launch", lambda **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(cli, ["open", "a.txt", "--relations", "by", "--labels", "x"])
    assert result.exit_code == 0 and (seen["relations"], seen["labels"]) == ("by", "x")


def test_a_reading_width_in_the_config_and_on_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import reader.ui.launch
    from reader.cli import cli

    path = tmp_path / "reader.toml"
    path.write_text('annotator = "a"\nwidth = 72\n')
    assert load_config(path).width == 72
    path.write_text('width = "full"\n')
    assert load_config(path).width is None
    assert Config().width is None  # no width: the whole pane, as before
    for body in ('annotator = "a"\nwidth = 5\n', 'annotator = "a"\nwidth = true\n',
                 'annotator = "a"\nwidth = "wide"\n', 'annotator = "a"\nwidth = 80.5\n'):
        path.write_text(body)
        with pytest.raises(ReaderError, match="width must be a number of cells") as error:
            load_config(path)
        assert str(error.value).startswith(f"{path}:2: ")
    assert override(Config(width=72), width="full").width is None
    assert override(Config(), width="90").width == 90
    with pytest.raises(ReaderError, match=r"^--width must be a number of cells from 20"):
        override(Config(), width="0")
    seen: dict[str, object] = {}
    monkeypatch.setattr(reader.ui.launch, "launch", lambda **kwargs: seen.update(kwargs))
    result = CliRunner().invoke(cli, ["open", "a.txt", "--width", "80"])
    assert result.exit_code == 0 and seen["width"] == "80"

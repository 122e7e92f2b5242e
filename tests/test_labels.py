"""Label sets from the command line and from TOML, with errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate.labels import DEFAULT_LABELS, find_config, labels_from_names, load_config
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

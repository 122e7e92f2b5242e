"""`[keys]` in the config (issue 12, item 12): ids remapped to keys as users type them, and
every mistake one line naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate.labels import load_config
from reader.errors import ReaderError
from reader.ui.keymap import checked_keymap, key_for, normalize_key


def keymap_of(tmp_path: Path, body: str) -> dict[str, str]:
    path = tmp_path / "reader.toml"
    path.write_text(body, encoding="utf-8")
    return checked_keymap(load_config(path))


@pytest.mark.parametrize(("written", "key"), [
    (">", "greater_than_sign"), ("G", "G"), ("d", "d"), ("Ctrl+R", "ctrl+r"),
    ("F1", "f1"), ("Esc", "escape"), ("PgDn", "pagedown"), ("shift+right", "shift+right"),
    ("Shift+g", "G"), ("space", "space"), ("#", "number_sign"), ("ctrl++", "ctrl+plus"),
    ("/", "slash"), ("Enter", "enter"), ("alt+ctrl+x", "alt+ctrl+x"),
    ("ctrl+alt+x", "alt+ctrl+x"),
])
def test_keys_as_typed_become_textual_names(written: str, key: str) -> None:
    assert normalize_key(written) == key


@pytest.mark.parametrize("written", ["dd", "ctrl+", "hyperspace", "cmd+x", "ctrl+banana"])
def test_not_keys(written: str) -> None:
    assert normalize_key(written) is None


def test_dotted_ids_lists_and_tables(tmp_path: Path) -> None:
    keymap = keymap_of(tmp_path, '[[labels]]\nname = "actor"\n\n[keys]\n'
                       'annotation.delete = "d"\n"corpus.next" = [">", "ctrl+n"]\n\n'
                       '[keys.history]\nundo = "ctrl+z"\n')
    assert keymap == {"annotation.delete": "d", "corpus.next": "greater_than_sign,ctrl+n",
                      "history.undo": "ctrl+z"}
    assert key_for(keymap, "corpus.next", "greater_than_sign") == ">"
    assert key_for(keymap, "history.redo", "ctrl+r") == "Ctrl+R"


def test_moving_two_keys_past_each_other_is_no_clash(tmp_path: Path) -> None:
    """`x` to delete-relation and `X` to delete: each key freed by the other's move."""
    keymap = keymap_of(tmp_path, '[keys]\nannotation.delete = "X"\nrelation.delete = "x"\n')
    assert keymap == {"annotation.delete": "X", "relation.delete": "x"}


@pytest.mark.parametrize(("body", "line", "message"), [
    ('annotator = "a"\n[keys]\ndelete = "d"\n', 3,
     "no binding has the id 'delete' (did you mean annotation.delete?)"),
    ('[keys]\nannotation.delete = "dd"\n', 2, "'dd' (for annotation.delete) is not a key"),
    ('[keys]\nannotation.delete = 4\n', 2, "annotation.delete needs a key"),
    ('[keys]\nannotation.delete = []\n', 2, "annotation.delete needs a key"),
    ('[keys]\nannotation.delete = "1"\n', 2, "1 for annotation.delete is a label key (label"
     " 'actor')"),
    ('[keys]\ntag.key1 = "t"\n', 2, "tag.key1 is a label key: set label keys with key ="),
    ('[keys]\nannotation.delete = "j"\n', 2, "j for annotation.delete is already"
     " cursor.down's key in the article (down)"),
    ('[keys]\nhistory.undo = "d"\nannotation.delete = "d"\n', 3, "d for annotation.delete"
     " is already history.undo's key"),
    ('[keys]\nannotation.delete = "ctrl+q"\n', 2, "Ctrl+Q for annotation.delete is Textual's"
     " key for quit"),
    ('[keys]\nrows.down = "L"\n', 2, "L for rows.down is already corpus.library's key in"
     " the annotation list"),
    ('[keys]\n\n[keys.annotation]\ndelete = ">"\n', 4, "> for annotation.delete is already"
     " corpus.next's key"),
    ('keys = "x"\n', 1, "keys must be a table"),
])
def test_bad_keys_name_file_and_line(tmp_path: Path, body: str, line: int,
                                     message: str) -> None:
    with pytest.raises(ReaderError) as error:
        keymap_of(tmp_path, body)
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 'reader.toml'}:{line}: keys")
    assert message in text
    assert "\n" not in text


def test_every_binding_has_an_id() -> None:
    """What `[keys]` moves is found by id: a binding without one could not be moved."""
    from reader.ui.keymap import scopes

    missing = [(place, binding.key) for place, bindings in scopes().items()
               for binding in bindings if not binding.id]
    assert missing == []


def readme_ids() -> set[str]:
    """The ids the README's config section lists (`corpus.next` `.previous` ...)."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = readme[readme.index("The ids: "):].split("\n\n")[0]
    ids, prefix = set(), ""
    for token in re.findall(r"`([^`]+)`", listed):
        if token.startswith("."):
            ids.add(prefix + token)
        else:
            prefix = token.split(".")[0]
            ids.add(token)
    return ids


def test_the_readme_lists_every_id_that_keys_can_move() -> None:
    from reader.ui.keymap import LABEL_KEY_IDS, scopes

    ids = {binding.id for bindings in scopes().values() for binding in bindings
           if binding.id and not binding.id.startswith(LABEL_KEY_IDS)}
    assert sorted(ids - readme_ids()) == []
    assert sorted(readme_ids() - ids) == []

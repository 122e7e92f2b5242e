"""Key remapping (posting's pattern): every binding has an id, `[keys]` in the config maps
ids to other keys, and Textual's keymap (`App.set_keymap`) swaps the key of every binding
with that id wherever it is bound. The config is read by `reader.annotate.keymap`; here it
is checked against the bindings that exist and against each other, before anything
starts, and turned back into keys as a user types them for the help and the messages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding, BindingType
from textual.keys import Keys, _character_to_key, format_key

from reader.annotate.keymap import KeyRemap
from reader.annotate.labels import Config
from reader.errors import ReaderError

Keymap = dict[str, str]
"""Binding id -> its keys, comma-separated, in Textual's names (`greater_than_sign`)."""

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")  # Textual's order: sorted
ALIASES = {"esc": "escape", "return": "enter", "pgdn": "pagedown", "pgup": "pageup",
           "del": "delete", "ins": "insert", "bs": "backspace"}
NAMED_KEYS = {"pagedown": "PgDn", "pageup": "PgUp", "escape": "Esc", "enter": "Enter",
              "tab": "Tab", "space": "Space", "home": "Home", "end": "End",
              "backspace": "Backspace", "delete": "Del", "insert": "Ins",
              "up": "↑", "down": "↓", "left": "←", "right": "→"}
"""Keys Textual's `format_key` would show in lower case or as words (its own aliases: `esc`,
`pgdn`, `⏎`); everything else is what `format_key` makes of it (`question_mark` -> `?`)."""
RESERVED = {"ctrl+q": "quit", "ctrl+c": "copy and quit", "ctrl+p": "the command palette"}
"""Textual's own keys, bound in every screen."""
_FUNCTION_KEY = re.compile(r"f\d{1,2}")  # f1 -> F1, as keyboards print it
LABEL_KEY_IDS = ("tag.key", "list.tag")  # the label keys 1-9: set in [[labels]], not [keys]
_NAMES = frozenset(key.value.split("+")[-1] for key in Keys
                   if not key.value.startswith("<")) | frozenset(NAMED_KEYS) | frozenset(
    _character_to_key(chr(code)) for code in range(0x21, 0x7F))  # question_mark, plus...


def key_name(key: str) -> str:
    """One bound key as a user types it: `ctrl+r` -> `Ctrl+R`, `shift+right` -> `Shift+→`,
    `number_sign` -> `#`, `f1` -> `F1`."""
    *modifiers, base = key.split("+") if key != "+" else [key]
    shown = NAMED_KEYS.get(base) or (base.upper() if _FUNCTION_KEY.fullmatch(base)
                                     else format_key(base))
    if modifiers and len(shown) == 1:
        shown = shown.upper()
    return "+".join([*(modifier.capitalize() for modifier in modifiers), shown])


def key_names(keys: str) -> str:
    """`pagedown,space` -> `PgDn / Space` (the way people write keys)."""
    return " / ".join(key_name(key) for key in keys.split(","))


def normalize_key(written: str) -> str | None:
    """A key as a user writes it (`>`, `G`, `Ctrl+R`, `F1`, `Esc`, `shift+right`) in
    Textual's names (`greater_than_sign`, `G`, `ctrl+r`, `f1`, `escape`, `shift+right`),
    or None if it is not a key."""
    text = written.strip()
    if len(text) == 1:
        return _character_to_key(text)
    *modifiers, base = [*text[:-2].split("+"), "+"] if text.endswith("++") else text.split("+")
    mods = sorted({modifier.strip().lower() for modifier in modifiers})
    if not base.strip() or any(modifier not in MODIFIERS for modifier in mods):
        return None
    base = base.strip()
    if len(base) == 1:
        if mods == ["shift"] and base.isalpha():
            return base.upper()  # Shift+g arrives as G
        key = _character_to_key(base.lower() if mods else base)
    else:
        key = ALIASES.get(base.lower(), base.lower())
        if key not in _NAMES:
            return None
    return "+".join([*mods, key])


def _bindings(*groups: Iterable[BindingType]) -> list[Binding]:
    return [binding for group in groups for binding in group if isinstance(binding, Binding)]


def scopes() -> dict[str, list[Binding]]:
    """The bindings that act together (the focused widget's, its screen's): a key may mean
    one thing in each. Imported here, not at the top: the screens import this module."""
    from reader.ui.screens.article import ArticleScreen
    from reader.ui.screens.curation import CurationScreen
    from reader.ui.screens.dialogs import ChooseScreen, NoteScreen
    from reader.ui.screens.help import HelpScreen
    from reader.ui.screens.library import LibraryScreen
    from reader.ui.screens.stats import StatsScreen
    from reader.ui.widgets.annotation_list import AnnotationList, SpanList
    from reader.ui.widgets.article_view import ArticleView
    from reader.ui.widgets.guidelines_panel import GuidelinesPanel
    from reader.ui.widgets.line_list import LineList
    from reader.ui.widgets.search_bar import SearchBar

    article = ArticleScreen.BINDINGS
    return {
        "the article": _bindings(ArticleView.BINDINGS, article),
        "the annotation list": _bindings(LineList.BINDINGS, SpanList.BINDINGS, article),
        "the annotation list's filter": _bindings(AnnotationList.BINDINGS),
        "the guidelines": _bindings(GuidelinesPanel.BINDINGS, article),
        "the library": _bindings(LineList.BINDINGS, LibraryScreen.BINDINGS),
        "the help": _bindings(HelpScreen.BINDINGS),
        "the statistics": _bindings(StatsScreen.BINDINGS),
        "the label picker": _bindings(ChooseScreen.BINDINGS),
        "the note editor": _bindings(NoteScreen.BINDINGS),
        "the search bar": _bindings(SearchBar.BINDINGS),
        "the curation screen": _bindings(CurationScreen.BINDINGS),
    }


def checked_keymap(config: Config) -> Keymap:
    """The config's `[keys]` as Textual's keymap, or a ReaderError naming the file and line:
    an id no binding has, something that is not a key, a key another binding of the same
    place already has (a label key 1-9, Ctrl+Q, ...)."""
    if not config.keys:
        return {}
    where = str(config.source) if config.source is not None else "config"
    places = scopes()
    known = {binding.id for bindings in places.values() for binding in bindings
             if binding.id}
    keymap: Keymap = {}
    lines: dict[str, int] = {}
    for remap in config.keys:
        at = f"{where}:{remap.line}: keys"
        _check_id(remap, known, at)
        keys = []
        for written in remap.keys:
            key = normalize_key(written)
            if key is None:
                raise ReaderError(f"{at}: {written!r} (for {remap.binding_id}) is not a key;"
                                  ' write it as typed ("d", ">", "G") or by name ("ctrl+d",'
                                  ' "f1", "space", "enter", "escape", "pagedown")')
            keys.append(key)
        keymap[remap.binding_id] = ",".join(dict.fromkeys(keys))
        lines[remap.binding_id] = remap.line
    for place, bindings in places.items():
        _check_clashes(place, bindings, keymap, lines, where, config)
    return keymap


def _check_id(remap: KeyRemap, known: set[str], at: str) -> None:
    binding_id = remap.binding_id
    if binding_id.startswith(LABEL_KEY_IDS):
        raise ReaderError(f"{at}: {binding_id} is a label key: set label keys with key = in"
                          " [[labels]]")
    if binding_id not in known:
        close = difflib.get_close_matches(binding_id, sorted(known), n=1)
        if not close:
            close = [i for i in sorted(known) if i.split(".")[-1] == binding_id][:1]
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ReaderError(f"{at}: no binding has the id {binding_id!r}{hint}; the README's"
                          " key table lists them")


def _check_clashes(place: str, bindings: Sequence[Binding], keymap: Mapping[str, str],
                   lines: Mapping[str, int], where: str, config: Config) -> None:
    """One key, two different bindings in one place, one of them moved there by `[keys]`."""
    by_key: dict[str, list[Binding]] = {}
    for binding in bindings:
        for key in effective_keys(binding, keymap).split(","):
            by_key.setdefault(key, []).append(binding)
    for key, sharing in by_key.items():
        moved = [b for b in sharing if b.id in keymap]
        if not moved:
            continue
        mover = max(moved, key=lambda b: lines[b.id or ""])
        at = f"{where}:{lines[mover.id or '']}: keys: {key_name(key)} for {mover.id}"
        if key in RESERVED:
            raise ReaderError(f"{at} is Textual's key for {RESERVED[key]}")
        other = next((b for b in sharing if b.id != mover.id), None)
        if other is None:
            continue
        if (other.id or "").startswith(LABEL_KEY_IDS):
            label = config.by_key(key)
            whose = f" (label {label.name!r})" if label else ""
            raise ReaderError(f"{at} is a label key{whose}: the keys 1-9 tag, in [[labels]]")
        raise ReaderError(f"{at} is already {other.id}'s key in {place}"
                          f" ({other.description.lower()}); move that one too or pick"
                          " another key")


def effective_keys(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The binding's keys once the keymap is applied (Textual's names, comma-separated)."""
    return keymap.get(binding.id or "", "") or ",".join(
        key.strip() for key in binding.key.split(","))


def rebound(bindings: Iterable[Binding], keymap: Mapping[str, str]) -> list[Binding]:
    """The bindings with the user's keys, for lists of them (the help, the palette)."""
    return [binding.with_key(effective_keys(binding, keymap)) if binding.id in keymap
            else binding for binding in bindings]


def hint_key(keymap: Mapping[str, str], binding_id: str, shown: str) -> str:
    """`shown` (how a hint writes the key: `esc`, `enter`), or the user's key if `[keys]`
    moved the binding."""
    return key_for(keymap, binding_id, "") if binding_id in keymap else shown


def key_for(keymap: Mapping[str, str], binding_id: str, default: str) -> str:
    """The first key of a binding as a user types it, for a message (`press / to search`);
    `default` is the binding's own key (Textual's name)."""
    return key_name(keymap.get(binding_id, default).split(",")[0])

"""Keystrokes to tag a gold set by hand, with `*` (annotate all occurrences), and with
suggestions (issue 11): the same gold spans replayed through the Pilot on the real app.

    python benchmarks/bench_keystrokes.py            # every mode, table at the end
    python benchmarks/bench_keystrokes.py --verbose  # and the keys typed for each span

The gold set is `benchmarks/gold_keystrokes.json`: 10 entries (label, text) on the sample
article, each with every span it covers (23 spans). For each span still missing, the script
plays an efficient user who knows the text: it reads the app's real state (cursor,
selection, the search bar's query and matches, the spans already there) and types the
cheapest of these ways to reach and tag it, checked before it is typed against the same
search and word-motion code the app runs:

- `/` the span's whole text, Enter (selects the match), `n` to skip matches before it, label key;
- one word: `/` the shortest prefix that lands on it, Enter, `n`…, `h` (drops the selection,
  the cursor stays in the word), label key (tags the word under the cursor); or `n`… from
  the current search, label key;
- several words: `/` a prefix of the span, Enter, `n`…, `b` back to its start, `v`, then `w`
  per word or `/` the shortest end of the span that the search finds there, Enter (in `v`
  mode the search extends the selection), label key; or `n`… to its start, `v`, …, label key.

Queries are typed as they stand in the text (only characters on a keyboard: a span with a
no-break space cannot be searched by typing it). Each key counts one (Shift included). After
every span the database must hold exactly the spans expected so far; at the end every gold
span must be there with `text[start:end]` equal to its text, and no other span.

Modes:
- by hand: each span as above, entry after entry, nearest span first;
- with `*`: the first span of an entry as above, then `*` tags the rest of the entry;
- with suggestions learned from the first tagging of each name (`reader open --suggest`):
  the first span of each entry as above (each is learned as it is tagged: its other
  occurrences are suggested), then the suggestions are accepted: one `+` (accept all) when
  every suggestion shown is a gold span, else `)` / `(` to each and `s`;
- with a patterns file (`--suggest --patterns names.jsonl`, the gold set's names, its
  five actor entries, as phrase patterns): accept what is suggested the same way, tag by
  hand what is not (what is tagged is learned, as above).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from reader.annotate.labels import Config
from reader.store.annotations import live_annotations
from reader.store.database import connect
from reader.store.documents import add_document, get_progress
from reader.text.loading import LoadedText, load_text
from reader.text.search import Search
from reader.text.tokens import next_word_offset, previous_word_offset, token_at
from reader.ui.app import ReaderApp, Session, make_app
from reader.ui.widgets.article_view import ArticleView
from reader.ui.workspace import LiveSources

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path(__file__).resolve().parent / "gold_keystrokes.json"
SIZE = (100, 30)
MAX_QUERY = 40  # the longest prefix tried
KEY_NAMES = {" ": "space", "/": "slash", ",": "comma", "-": "minus", ".": "full_stop",
             "'": "apostrophe", "*": "asterisk", ":": "colon", ";": "semicolon",
             "(": "left_parenthesis", ")": "right_parenthesis", '"': "quotation_mark",
             "+": "plus"}
Target = tuple[int, int, str]  # start, end, label


@dataclass
class Gold:
    text: str
    label_keys: dict[str, str]
    entries: list[tuple[str, str, list[Target]]]  # label, text, spans

    @property
    def spans(self) -> set[Target]:
        return {span for _label, _text, spans in self.entries for span in spans}


def load_gold(path: Path = GOLD) -> Gold:
    raw = json.loads(path.read_text(encoding="utf-8"))
    text = load_text(ROOT / raw["document"]).text
    config = Config()
    keys = {label.name: label.key for label in config.labels if label.key}
    entries = []
    for entry in raw["entries"]:
        spans = [(start, end, entry["label"]) for start, end in entry["spans"]]
        for start, end, _ in spans:
            assert text[start:end] == entry["text"], (entry["text"], start, end)
        entries.append((entry["label"], entry["text"], spans))
    return Gold(text, keys, entries)


# --- what the app will do: the same search and motion code, on the app's real state --------


@dataclass
class State:
    """What the planner needs of the app before the next key."""

    cursor: int
    selection: tuple[int, int] | None
    bar: str  # the search bar's query: `/` Enter searches it again
    match_starts: list[int]
    match_length: int
    current_match: int | None
    own: set[Target]


def state_of(app: ReaderApp) -> State:
    from reader.ui.widgets.search_bar import SearchBar

    screen = app.screen
    view = screen.query_one(ArticleView)
    bars = screen.query(SearchBar)
    matches = view.matches
    own = {(s.start, s.end, s.label) for s in view.spans if s.own}
    return State(view.cursor, view.selection, bars.first().value if bars else "",
                 list(matches.starts), matches.length, view.current_match, own)


_SEARCHES: dict[tuple[str, str], list[int]] = {}


def starts_of(text: str, query: str) -> list[int]:
    key = (text, query)
    if key not in _SEARCHES:
        _SEARCHES[key] = list(Search(text, query).run().starts)
    return _SEARCHES[key]


def typed(query: str) -> bool:
    return query.isascii() and query.isprintable()


def search_keys(state: State, query: str) -> list[str]:
    """`/`, the query (nothing when the bar holds it already), Enter."""
    return ["/", *([] if query == state.bar else query), "enter"]


def reach_by_search(text: str, state: State, query: str, start: int) -> list[str] | None:
    """Keys that select the match of `query` at `start`: the search picks the first match at
    or after the cursor, each `n` the next one."""
    starts = starts_of(text, query)
    place = bisect_left(starts, start)
    if place == len(starts) or starts[place] != start:
        return None
    first = bisect_left(starts, state.cursor) % len(starts)
    return [*search_keys(state, query), *["n"] * ((place - first) % len(starts))]


def reach_by_n(state: State, start: int) -> list[str] | None:
    """`n` presses that put the cursor on the match at `start` (with no selection: with one,
    `n` moves the selection, which `reach_by_search` counts)."""
    starts = state.match_starts
    if not starts or start not in starts or state.selection is not None:
        return None
    count, cursor = 0, state.cursor
    for count in range(1, len(starts) + 1):
        cursor = starts[bisect_right(starts, cursor) % len(starts)]
        if cursor == start:
            return ["n"] * count
    return None


def word_keys(text: str, state: State, target: Target, key: str) -> list[list[str]]:
    """Ways to tag a one-word span: the cursor in the word, no selection, the label key."""
    start, end, label = target
    ways = []
    by_n = reach_by_n(state, start)
    if by_n is not None and state.selection is None:
        ways.append([*by_n, key])
    for length in range(1, end - start):
        prefix = text[start:start + length]
        if not typed(prefix):
            break
        reach = reach_by_search(text, state, prefix, start)
        if reach is not None and not any(s <= start + length - 1 < e and lab == label
                                         for s, e, lab in state.own):
            ways.append([*reach, "h", key])  # h: the selection goes, the cursor stays in it
    return ways


def extend_keys(text: str, start: int, end: int, bar: str) -> list[str] | None:
    """In `v` mode from `start`: `w` per word, or a search for the span's end."""
    ways = []
    position, presses = start, 0
    while position < end and presses < 20:
        position = next_word_offset(text, position, to_end=True)
        presses += 1
    if position == end:
        ways.append(["w"] * presses)
    for begin in range(end - 1, start, -1):
        query = text[begin:end]
        if not typed(query) or query != query.strip():
            continue
        starts = starts_of(text, query)
        first = bisect_left(starts, start)
        if first < len(starts) and starts[first] + len(query) == end:
            ways.append(["/", *([] if query == bar else query), "enter"])
            break
    return min(ways, key=len) if ways else None


def phrase_keys(text: str, state: State, target: Target, key: str) -> list[list[str]]:
    """Ways to tag a span of several words: to its start, `v`, extend, the label key."""
    start, end, _label = target
    ways = []
    by_n = reach_by_n(state, start) if state.selection is None else None
    if by_n is not None:
        extend = extend_keys(text, start, end, state.bar)
        if extend is not None:
            ways.append([*by_n, "v", *extend, key])
    for length in range(1, min(end - start, MAX_QUERY) + 1):
        prefix = text[start:start + length]
        if not typed(prefix):
            break
        reach = reach_by_search(text, state, prefix, start)
        if reach is None:
            continue
        back, position = 0, start + length  # `b` until the cursor is at the span's start
        while position > start and back < 6:
            position, back = previous_word_offset(text, position), back + 1
        extend = extend_keys(text, start, end, prefix) if position == start else None
        if extend is not None:
            ways.append([*reach, *["b"] * back, "v", *extend, key])
    return ways


def ways_to_tag(text: str, state: State, target: Target, key: str) -> list[list[str]]:
    start, end, _label = target
    ways: list[list[str]] = []
    whole = text[start:end]
    if typed(whole):
        reach = reach_by_search(text, state, whole, start)
        if reach is not None:
            ways.append([*reach, key])
    token = token_at(text, start)
    if token is not None and (token.start, token.end) == (start, end):
        ways.extend(word_keys(text, state, target, key))
    else:
        ways.extend(phrase_keys(text, state, target, key))
    return ways


# --- replaying ------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    keys: int
    correct: int
    wrong: int
    missing: int
    log: list[str]


class Replay:
    def __init__(self, gold: Gold, pilot: Pilot[None], app: ReaderApp) -> None:
        self.gold, self.pilot, self.app = gold, pilot, app
        self.keys = 0
        self.log: list[str] = []
        self.expected: set[Target] = set()

    async def press(self, keys: list[str]) -> None:
        self.keys += len(keys)
        for key in keys:
            await self.pilot.press(KEY_NAMES.get(key, key))
            if key in ("*", "+", "s"):  # a worker finds occurrences / learns anew
                await self.pilot.pause()
                await self.app.workers.wait_for_complete()
            await self.pilot.pause()

    def own(self) -> set[Target]:
        return state_of(self.app).own

    async def tag(self, target: Target) -> None:
        """Reach and tag one span the cheapest way, and check that it, only it, is new."""
        text = self.gold.text
        key = self.gold.label_keys[target[2]]
        ways = ways_to_tag(text, state_of(self.app), target, key)
        if not ways:
            raise SystemExit(f"no way found to tag {text[target[0]:target[1]]!r} at {target}")
        keys = min(ways, key=len)
        await self.press(keys)
        self.expected.add(target)
        self.check(f"{target[2]} {text[target[0]:target[1]]!r}", keys)

    async def star(self, entry: list[Target]) -> None:
        await self.press(["*"])
        self.expected.update(entry)
        self.check(f"* → {len(entry)} spans", ["*"])

    def check(self, what: str, keys: list[str]) -> None:
        shown = " ".join("␣" if k == " " else k for k in keys)
        self.log.append(f"  {len(keys):3d}  {what}: {shown}")
        if self.own() != self.expected:
            extra = sorted(self.own() - self.expected)
            missing = sorted(self.expected - self.own())
            raise SystemExit(f"after {what} ({shown}): unexpected {extra}, missing {missing}")

    def nearest(self, targets: list[Target]) -> Target:
        """The remaining span cheapest to reach from here."""
        state = state_of(self.app)
        text = self.gold.text

        def cost(target: Target) -> int:
            ways = ways_to_tag(text, state, target, self.gold.label_keys[target[2]])
            return min((len(way) for way in ways), default=10**6)

        return min(targets, key=cost)


async def by_hand(replay: Replay) -> None:
    for _label, _text, spans in replay.gold.entries:
        left = list(spans)
        while left:
            target = replay.nearest(left)
            await replay.tag(target)
            left.remove(target)


async def with_star(replay: Replay) -> None:
    for _label, _text, spans in replay.gold.entries:
        await replay.tag(replay.nearest(spans))
        if len(spans) > 1:
            await replay.star(spans)


async def settle(replay: Replay) -> None:
    """Let the live sources' worker finish and its suggestions land."""
    await replay.pilot.pause()
    await replay.app.workers.wait_for_complete()
    await replay.pilot.pause()


def suggested(app: ReaderApp) -> list[Target]:
    """The suggestions drawn, once each (two sources may suggest the same span)."""
    view = app.screen.query_one(ArticleView)
    return sorted({(s.start, s.end, s.label) for s in view.suggestions})


def jump_keys(app: ReaderApp, start: int) -> list[str] | None:
    """`)` or `(` presses that put the cursor on the suggestion starting at `start` (they go
    to the next / previous suggestion's start, as `AnnotationSession.next_suggestion`)."""
    view = app.screen.query_one(ArticleView)
    starts = sorted({s.start for s in view.suggestions})
    if start not in starts:
        return None
    place, cursor = starts.index(start), view.cursor
    if cursor == start:
        return []
    if start > cursor:
        return [")"] * (place - bisect_right(starts, cursor) + 1)
    return ["("] * (bisect_left(starts, cursor) - place)


async def accept_suggested(replay: Replay, left: set[Target]) -> None:
    """Accept the gold spans that are suggested: one `+` when every suggestion shown is one
    (nothing wrong gets in), else `)` / `(` to each and `s`."""
    await settle(replay)
    shown = suggested(replay.app)
    good = [target for target in shown if target in left]
    if not good:
        return
    if set(shown) <= left:
        await replay.press(["+"])
        replay.expected.update(good)
        replay.check(f"+ → {len(good)} suggestions", ["+"])
        return
    for target in good:
        under = [s for s in shown if s[0] <= target[0] < s[1]]
        keys = jump_keys(replay.app, target[0])
        if keys is None or under != [target]:  # several there: left for tagging by hand
            continue
        await replay.press([*keys, "s"])
        replay.expected.add(target)
        replay.check(f"accepted {target}", [*keys, "s"])


async def with_learned_suggestions(replay: Replay) -> None:
    """`reader open --suggest`: tag the first of each name by hand (each learned as it is
    tagged: its other occurrences are suggested), then accept them all at once."""
    for _label, _text, spans in replay.gold.entries:
        await replay.tag(replay.nearest(spans))
    await tag_the_rest(replay)


async def with_patterns_file(replay: Replay) -> None:
    """`reader open --suggest --patterns names.jsonl` (the names as phrase patterns): accept
    what is suggested, tag what is not by hand."""
    await tag_the_rest(replay)


async def tag_the_rest(replay: Replay) -> None:
    """Accept the gold spans suggested; tag by hand what is left, accepting again what
    that suggests."""
    left = set(replay.gold.spans) - replay.expected
    await accept_suggested(replay, left)
    left -= replay.expected
    for _label, _text, spans in replay.gold.entries:
        todo = [span for span in spans if span in left]
        while todo:
            target = replay.nearest(todo)
            await replay.tag(target)
            left.discard(target)
            await accept_suggested(replay, left)
            left -= replay.expected
            todo = [span for span in spans if span in left]


def patterns_from_gold(gold: Gold, folder: Path) -> LiveSources:
    """A patterns file of the gold set's names (its actor entries, the people and the
    CSTO), as a project might start with; the topics and commitments are not in it."""
    from reader.suggest.sources import load_patterns

    path = folder / "names.jsonl"
    path.write_text("".join(json.dumps({"label": label, "pattern": text}) + "\n"
                            for label, text, _spans in gold.entries if label == "actor"),
                    encoding="utf-8")
    return LiveSources(list(load_patterns(path, list(gold.label_keys))))


# What `reader open --suggest` would load for a mode (None: suggestions off).
LIVE: dict[str, Callable[[Gold, Path], LiveSources]] = {
    "suggestions learned from the first tagging": lambda gold, folder: LiveSources(),
    "suggestions from a patterns file of the names": patterns_from_gold,
}

MODES: dict[str, Callable[[Replay], object]] = {
    "by hand": by_hand,
    "with *": with_star,
    "suggestions learned from the first tagging": with_learned_suggestions,
    "suggestions from a patterns file of the names": with_patterns_file,
}


async def run_mode(gold: Gold, mode: str, verbose: bool) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        conn = connect(Path(folder) / "keystrokes.db")
        document, _ = add_document(conn, LoadedText.from_text(gold.text, "sample.txt"))
        live = LIVE[mode](gold, Path(folder)) if mode in LIVE else None
        session = Session(conn=conn, document=document, annotator="bench", config=Config(),
                          progress=get_progress(conn, document.id, "bench"),
                          live_sources=live)
        app = make_app(session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            replay = Replay(gold, pilot, app)
            await MODES[mode](replay)  # type: ignore[misc]
            own = replay.own()
        stored = live_annotations(conn, document.id)
        conn.close()
    text = gold.text
    inexact = [a for a in stored if not 0 <= a.start < a.end <= len(text)
               or text[a.start:a.end] != a.text]
    if inexact or {(a.start, a.end, a.label) for a in stored} != own:
        raise SystemExit(f"{mode}: stored spans differ from the screen's or are not exact:"
                         f" {inexact}")
    correct = len(own & gold.spans)
    if verbose:
        print(f"{mode}:")
        print("\n".join(replay.log))
    return Result(mode, replay.keys, correct, len(own - gold.spans), len(gold.spans - own),
                  replay.log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print the keys of each span")
    args = parser.parse_args()
    gold = load_gold()
    print(f"gold: {len(gold.entries)} entries, {len(gold.spans)} spans, "
          f"{len(gold.text):,} characters ({GOLD.name})")
    results = [asyncio.run(run_mode(gold, mode, args.verbose)) for mode in MODES]
    base = results[0].keys / max(results[0].correct, 1)
    print("\n| mode | keys | correct spans | wrong | missing | keys per correct span"
          " | vs by hand |\n|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        per = result.keys / max(result.correct, 1)
        print(f"| {result.mode} | {result.keys} | {result.correct}/{len(gold.spans)} |"
              f" {result.wrong} | {result.missing} | {per:.2f} | {per / base - 1:+.0%} |")
    if any(result.wrong or result.missing for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()

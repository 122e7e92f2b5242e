"""Suggestions: spans proposed by patterns, gazetteers, the corpus's own spans or a model,
which become annotations only when an annotator accepts them (issue 11).

Pure code: no Textual, no SQL. The layers around it:

- here: `Suggestion` (record.py) and the sources
  (sources.py): `load_patterns(path)` (spaCy EntityRuler / Prodigy JSONL; token patterns
  need spaCy), `load_gazetteer(path)` (`text<TAB>label`), `learned_source(counts)`,
  `load_model(name_or_path, label_map)`; each has `.name` and `.suggest(text, doc)`, and
  `suggest_all(sources, text, doc)` merges them. learned.py keeps the learned source of
  `reader open --suggest` up to date edit by edit (`Learned`, `Learning`): a tag searches
  the text for its own span text only.
- `reader.store.suggestions`: the `suggestions` and `suggestion_decisions` tables, bulk
  staging (`SuggestionStage`), pending/rejected queries, counts per source for
  `reader stats`; `AnnotationStore.accept_suggestion(s)`, `.accept_suggestions([...])` (one
  event, one undo step) and `.reject_suggestion(s)` (undoable too).
- `reader.annotate.session.AnnotationSession`: what a screen calls, with `Saved` /
  `NotDone` outcomes: `load_suggestions`, `suggestions` (what to draw), `suggestions_at`,
  `next_suggestion` / `previous_suggestion`, `find_suggestions` (in a worker) and
  `use_suggestions`, `learned_source`, `accept_suggestion`, `reject_suggestion`,
  `accept_all_suggestions`; undo and redo as for every edit.
- `reader suggest` fills the table for the corpus; `reader import --as-suggestions` brings
  a model's predictions in; `reader stats` counts decisions per source.

Phrases are found by `reader.text.matching` (`PhraseIndex`: whole words, exact code-point
offsets, fast for 10,000 phrases), the matcher `*` uses too.

docs/suggestions.md is the user's page. Nothing is imported here: `reader open` loads
`record` on its way to the store, and the matcher's regexes only when suggestions are
found."""

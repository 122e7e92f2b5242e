"""Tell an input file's format from its first record, for `reader import --format auto`
and `reader open` of a corpus. The formats themselves, parsers included, are listed in
reader.formats.registry."""

from __future__ import annotations


def detect(record: object) -> str:
    """Guess a JSON Lines file's format from its first record."""
    if not isinstance(record, dict):
        return "jsonl"
    if "data" in record:
        return "label-studio"
    if {"label", "labels", "entities"} & set(record) and "spans" not in record:
        return "doccano"
    if {"tokens", "_input_hash", "_task_hash", "answer"} & set(record):
        return "prodigy"
    return "jsonl"

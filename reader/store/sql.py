"""Small SQL building blocks shared by the store's queries."""

from __future__ import annotations

import json
from collections.abc import Iterable


def in_values(column: str) -> str:
    """`column IN (...)` over a list bound as ONE JSON parameter (pass `as_json(values)`).

    Binding one placeholder per value breaks on SQLite builds limited to 999 variables
    (`reader open` of a 1,200-document corpus did); `json_each` takes any number."""
    return f"{column} IN (SELECT value FROM json_each(?))"


def as_json(values: Iterable[object]) -> str:
    """The parameter for `in_values`."""
    return json.dumps(list(values), ensure_ascii=False)

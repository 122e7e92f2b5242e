"""Small SQL building blocks shared by the store's queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


def in_values(column: str) -> str:
    """`column IN (...)` over a list bound as ONE JSON parameter (pass `as_json(values)`).

    Binding one placeholder per value breaks on SQLite builds limited to 999 variables
    (`reader open` of a 1,200-document corpus did); `json_each` takes any number."""
    return f"{column} IN (SELECT value FROM json_each(?))"


def as_json(values: Iterable[object]) -> str:
    """The parameter for `in_values`."""
    import json  # not at import: `reader open` gets to its first paint without it

    return json.dumps(list(values), ensure_ascii=False)


@contextmanager
def staging_batch(conn: sqlite3.Connection) -> Iterator[None]:
    """One transaction for a batch of staged rows (a statement per row would each be one).
    Staging writes only the TEMP database, so it takes no lock on the main one; inside a
    caller's transaction, that one serves. Shared by import, merge and suggestion staging."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

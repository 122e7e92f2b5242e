"""Pilot-test fixtures. Async tests (`async def test_...`) run on a fresh asyncio loop
through the small `pytest_pyfunc_call` hook below, so the suite needs no async plugin.

Typical use::

    async def test_tags_a_word(reader, seed_text) -> None:
        app = reader.open(seed_text)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("1")
        assert_exact(reader.rows(), reader.text)
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from pilot_helpers import MULTILINGUAL_PATH, SEED_PATH, ReaderFactory, read_text


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests to completion on their own event loop."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[ReaderFactory]:
    factory = ReaderFactory(tmp_path / "annotations.db")
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return read_text(SEED_PATH)


@pytest.fixture(scope="session")
def multilingual_text() -> str:
    return read_text(MULTILINGUAL_PATH)

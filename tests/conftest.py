"""Shared fixtures: keep the user's own data, config and clipboard out of every test."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Shared, noisy machines: time limits per example would make property tests flaky.
settings.register_profile(
    "reader", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# CI (`.ci/run`) replays the same examples every run, so a landing never hinges on what
# hypothesis happens to draw; locally, random draws keep exploring.
settings.register_profile(
    "ci", parent=settings.get_profile("reader"), derandomize=True, database=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reader"))

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))

# Hugging Face `datasets` reads our JSONL locally; it must never reach for the network.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject's addopts) starts two workers per core, not one: a Pilot test
    sleeps through a good part of its run (after each key the Pilot waits for the app to
    go idle) and an end-to-end test mostly waits for tmux, so with one worker per core the
    cores would idle meanwhile. PYTEST_XDIST_AUTO_NUM_WORKERS, when set, still decides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    return 2 * len(os.sched_getaffinity(0))


def _schedule_rank(item: pytest.Item) -> int:
    if item.get_closest_marker("slow"):
        return 0
    if item.get_closest_marker("e2e"):
        return 1
    return 2 if TESTS / "ui" in item.path.parents else 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first: `slow` tests, then the end-to-end ones, the Pilot ones, and the short
    unit tests last. pytest-xdist's worksteal hands each worker a share of this order and an
    idle worker steals from the end of another's, so a long test left for the end would run
    alone while the other workers wait; short ones at the end even the finish out."""
    items.sort(key=_schedule_rank)  # stable: the file order is kept within a rank


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what the imports and the collection made (Textual, hypothesis, pandas, spaCy:
    hundreds of thousands of objects that live as long as the worker), so the cyclic garbage
    collector stops traversing them again and again, and collect less often (an app makes
    many short-lived objects): the collector was about a sixth of a Pilot test's CPU time.
    `reader open` does the same for its start-up (reader/ui/collector.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(2000, 10, 10)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the database, config and data folders at a temporary place for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("READER_DB", str(home / "annotations.db"))
    monkeypatch.setenv("READER_ANNOTATOR", "tester")
    # No READER_CONFIG (one naming a missing file is an error); the user config folder is
    # an empty temporary one instead.
    monkeypatch.delenv("READER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return home

"""Shared fixtures: keep the user's own data, config and clipboard out of every test."""

from __future__ import annotations

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

sys.path.insert(0, str(Path(__file__).parent))

# Hugging Face `datasets` reads our JSONL locally; it must never reach for the network.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


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

"""Shared fixtures: every test runs git isolated from the user's and the system's configuration.
The helpers (CLI runners, documents, seeds, a real-git Repo) are in tests/helpers."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    """No user or system git config, no GIT_DIR leaking in from a hook running the tests."""
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

"""Every test under tests/e2e/ is marked ``e2e``: the quick loop skips them with
``pytest -m "not e2e and not slow"`` (see tests/README.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)

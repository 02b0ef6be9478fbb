"""Shared by the regression tests: where the real reports are."""
from __future__ import annotations

from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parents[2] / "data" / "reports"


@pytest.fixture(scope="session")
def reports() -> Path:
    """data/reports/: the seeds 000-004 and the real reports named in each docstring."""
    return REPORTS

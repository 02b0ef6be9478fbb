"""status: the status rules, one by one, on what the steps below found (no parsing)."""
import pytest

from gxbg_kit.schema import REASONS, STATUSES
from gxbg_kit.status import failed, status_of

ALL = ("overview", "active", "applications", "reviews", "problems", "other")
FULL = {"applications": (175, 175), "active": (10, 10), "reviews": (15, 15)}


@pytest.mark.parametrize("sections, found, cells, want", [
    ((), (), {}, ("failed", "not_a_report")),
    (("overview", "active"), (), {}, ("partial", "sections_missing")),
    (("overview", "active", "applications"), ("active", "applications"),
     {"active": (10, 10), "applications": (175, 175)}, ("partial", "truncated")),
    (ALL, ("active", "applications"), {"active": (10, 10), "applications": (175, 175)},
     ("partial", "cells_missing")),
    (ALL, ("applications", "active", "reviews"), {**FULL, "applications": (170, 175)},
     ("partial", "cells_missing")),
    ((), ("applications", "active", "reviews"), FULL, ("ok", "complete")),  # tables, no headings
    (ALL, ("applications", "active", "reviews"), FULL, ("ok", "complete")),
])
def test_each_rule(sections, found, cells, want):
    status, reason, message = status_of(sections, found, cells)
    assert (status, reason) == want
    assert status in STATUSES and reason in REASONS and message


def test_messages_name_what_is_missing():
    _, _, msg = status_of(ALL, ("active", "applications"), {"active": (10, 10),
                                                            "applications": (170, 175)})
    assert msg == "cells found: applications 170/175; tables not found: reviews"
    _, _, msg = status_of(("overview",), ("active",), {"active": (10, 10)})
    assert "applications, reviews table(s)" in msg
    _, _, msg = status_of(("overview", "active"), (), {})
    assert msg == "sections found (overview, active) but none of the template's tables"


def test_a_file_not_read_keeps_its_reason():
    assert failed("too_large", "over 50 MiB") == ("failed", "too_large", "over 50 MiB")

"""When bids close: noon UK time on an exercise's deadline date.

The same rule as netimpact.web.clock.closes_at (docs/decisions/0005), here without Django so that the
domain core and the open-data writers can state the closing moment. tests/standards/test_ocds_export.py
checks that the two agree.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
CLOSING_TIME = time(12, 0)


def closes_at(deadline: date) -> datetime:
    """The moment bids close on `deadline`: noon UK time (GMT or BST as the date falls)."""
    return datetime.combine(deadline, CLOSING_TIME, tzinfo=UK)

"""The one clock the commissioning rules read: when bids close, whether they are sealed, when a link expires.

Code asks `clock.now()` (through the module, never `from clock import now`), so a test can move time
by replacing `netimpact.web.clock.now` (the `clock` fixture in tests/conftest.py) and a live server in
the same process sees the same time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

UK = ZoneInfo("Europe/London")

# Bids close at noon UK time on the deadline date, as in most council tender packs; the published
# criteria page and the bidder portal say so (docs/decisions/0005-bids-sealed-until-noon-on-the-deadline.md).
CLOSING_TIME = time(12, 0)


def now() -> datetime:
    return timezone.now()


def closes_at(deadline: date) -> datetime:
    """The moment bids close on `deadline`: noon UK time (GMT or BST as the date falls)."""
    return datetime.combine(deadline, CLOSING_TIME, tzinfo=UK)

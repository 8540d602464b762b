"""Progress of imports running in this process's background threads, for the run page to show.

Kept in memory, not in the database: the import holds its one transaction open until the end, so a
progress row written inside it would stay invisible, and one written beside it would need a second write
connection (SQLite allows one writer). In a multi-process deployment the page then shows "running"
without the phase, and still refreshes until the run row says it finished.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

_LOCK = threading.Lock()
_PROGRESS: dict[int, tuple[str, int, int]] = {}


@dataclass(frozen=True, slots=True)
class Progress:
    phase: str
    done: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None


def report(run_id: int, phase: str, done: int, total: int) -> None:
    with _LOCK:
        _PROGRESS[run_id] = (phase, done, total)


def of(run_id: int) -> Progress | None:
    with _LOCK:
        found = _PROGRESS.get(run_id)
    return Progress(*found) if found else None


def forget(run_id: int) -> None:
    with _LOCK:
        _PROGRESS.pop(run_id, None)

"""The sync status: what the engine reports and the status area shows.

A plain record with no network in it, so that the interface may read it without
reaching the client or the engine.
"""

from dataclasses import dataclass, field
from datetime import datetime

CLOCK_WARNING_S = 300.0


@dataclass(frozen=True)
class SyncStatus:
    """What the status area shows. ``state`` is a code: ``idle``, ``sending``, ``online``,
    ``offline``, ``needs_enrolment``, ``certificate_refused``, ``stopped``."""

    state: str
    pending: int = 0
    to_check: int = 0
    last_sent_at: datetime | None = None
    clock_offset_s: float | None = None
    retry_in_s: float | None = None
    changed: int = 0
    offline_since: datetime | None = None  # the first failure of the run of failures now
    # The national season table (a document for app/seasons.py), on the report of the
    # pass that fetched it: at the start of a session, then once a day.
    seasons: dict | None = field(default=None, compare=False)

    @property
    def clock_is_off(self) -> bool:
        return self.clock_offset_s is not None and abs(self.clock_offset_s) > CLOCK_WARNING_S

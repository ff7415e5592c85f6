"""Sample data for the tests: a store on disk, a season table, a clock."""

from datetime import UTC, datetime

from app.desk import Desk
from app.keys import open_encrypted
from app.paths import default_paths
from app.seasons import load_seasons

# 15 October 2025, 14:32 in Paris: the 2025 season is open.
DESK_DAY = datetime(2025, 10, 15, 12, 32, tzinfo=UTC)
VALID_SIRET = "73282932000074"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = DESK_DAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def open_desk(clock: Clock | None = None, with_club: bool = True) -> Desk:
    paths = default_paths().create()
    conn, vault = open_encrypted(paths.database, paths.backups)
    desk = Desk(conn, load_seasons(), clock or Clock(), vault)
    if with_club:
        desk.save_club_profile(
            "Étoile sportive d'Hérouville", VALID_SIRET, "W751234567", "Football"
        )
    return desk

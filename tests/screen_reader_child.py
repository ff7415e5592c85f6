"""The program as a volunteer starts it, on a fixed day, for tests/screen_reader.py.

Run as its own process on the real X platform (Xvfb) with the accessibility bridge on.
The first time, it makes the test's data: a club, and a passphrase (no keyring), which
the program then asks for, as on a club laptop with no keyring."""

import sys

from app.desk import open_desk
from app.paths import default_paths
from app.settings import Settings
from tests.factories import DESK_DAY, VALID_SIRET, Clock
from ui.app import run

PASSPHRASE = "Velo@Club 1987"


def main() -> int:
    paths = default_paths().create()
    clock = Clock(DESK_DAY)
    if not paths.database.exists():
        desk = open_desk(paths.database, paths.backups, PASSPHRASE, clock)
        desk.save_club_profile("Étoile sportive d'Hérouville", VALID_SIRET, "W751234567")
        desk.close()
    return run(
        paths,
        Settings(paths.settings_file),
        lambda passphrase: open_desk(paths.database, paths.backups, passphrase, clock),
        sys.argv[:1],
    )


if __name__ == "__main__":
    sys.exit(main())

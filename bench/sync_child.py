"""The process the sync crash bench kills: it records registrations and sends them.

``python -m bench.sync_child HOME URL START COUNT`` opens the store below HOME (as
``PASSSPORT_CLUB_HOME``), records COUNT validations with codes numbered from START
(``bench.crash_child.code_text``), then sends what waits with ``SyncEngine.sync_once``
against the national API at URL, in a loop, recording one more validation after each
pass, until it is killed. The device token comes in the environment variable
``PASSSPORT_SYNC_TOKEN`` (the keyring is not reachable here, and a token does not belong
on a command line). The clock is fixed in the 2025 season; the personal fields are sealed
with the benches' fixed key (``bench.crash.BENCH_VAULT``).

A line goes to stdout, flushed, once the step it reports has returned:

- ``V <receipt> <code>``: a validation saved (``desk.validate``);
- ``R``: ready, the first validations are saved and sending starts;
- ``S``: a sync pass starts; ``O <pending>``: it ended, ``E <reason>``: it failed
  for a reason that passes (the pass is tried again at once, with a new client).

No Qt is imported: the process starts in a fraction of a second.
"""

import os
import sys
import time

from bench.crash_child import CHILD_NOW, CODE_YEAR, PEOPLE, code_text

TOKEN_VARIABLE = "PASSSPORT_SYNC_TOKEN"


def main(argv: list[str]) -> None:
    if len(argv) != 5:
        raise SystemExit("usage: python -m bench.sync_child HOME URL START COUNT")
    home, url, counter, count = argv[1], argv[2], int(argv[3]), int(argv[4])
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise SystemExit(f"the device token is expected in {TOKEN_VARIABLE}")
    os.environ["PASSSPORT_CLUB_HOME"] = home
    from app.desk import Desk
    from app.paths import default_paths
    from app.seasons import load_seasons
    from app.store import open_store
    from bench.crash import BENCH_VAULT
    from sync.client import ApiClient, RetryLater
    from sync.engine import SyncEngine

    paths = default_paths().create()
    seasons = load_seasons()
    conn = open_store(paths.database, paths.backups, BENCH_VAULT)
    desk = Desk(conn, seasons, lambda: CHILD_NOW, BENCH_VAULT)
    desk.set_volunteer("Banc")
    season = seasons.by_year(CODE_YEAR)
    people = [desk.check_person(last, first, born, season) for last, first, born in PEOPLE]
    out = sys.stdout

    def report(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    def record() -> None:
        nonlocal counter
        code, existing = desk.read_code(code_text(counter))
        counter += 1
        if existing is not None:  # never: each run has its own counter range
            raise SystemExit(f"code {code} already registered")
        done = desk.validate(code, people[counter % len(people)], "Judo", 18000)
        report(f"V {done.receipt_no} {done.code}")

    for _ in range(count):
        record()
    report("R")
    engine = SyncEngine(
        paths.database,
        lambda: ApiClient(url, token),
        clock=lambda: CHILD_NOW,
        vault=BENCH_VAULT,
    )
    client = ApiClient(url, token)
    while True:
        report("S")
        try:
            status = engine.sync_once(conn, client)
        except RetryLater as error:
            report(f"E {error.reason}")
            client.close()
            client = ApiClient(url, token)
            time.sleep(0.005)
            continue
        report(f"O {status.pending}")
        record()


if __name__ == "__main__":
    main(sys.argv)

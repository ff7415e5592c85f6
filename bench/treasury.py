"""The treasurer's files with a full season behind them: 100,000 validations.

Exports (CSV, XLSX), the import of a 100,000-line extract of Le Compte Asso (read,
compare, write) and the reading of such an extract saved as XLSX, each on a real database
file with personal fields sealed, as the program runs them. The exports also run once on
the background helper in a Qt event loop while a 10 ms timer ticks: the longest gap between
ticks is how long the interface froze.
"""

import itertools
import os
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from app.desk import Desk
from app.paths import default_paths
from app.portal_extracts import MAX_ROWS
from app.seasons import load_seasons
from app.store import open_store, transaction
from app.treasury import Treasury
from app.vault import Vault, new_key
from app.workbook import read_workbook
from app.xlsx import Column, write_xlsx
from bench.desk import NOW, SEED, fill
from bench.harness import Figure, measure
from ui.texts.treasurer import EXPORT_LABELS

ROWS = 100_000
STATES = ("to_send", "confirmed", "in_processing", "paid", "paid", "to_check", "cancelled")


def _mix_states(conn, rng: random.Random) -> None:
    """A season later on: most registrations answered, many paid."""
    with transaction(conn):
        conn.executemany(
            "UPDATE validations SET state = ?, paid_cents = ?, paid_on = ? WHERE id = ?",
            [
                (
                    state,
                    7000 if state == "paid" else None,
                    "2025-11-05" if state == "paid" else None,
                    i,
                )
                for i in range(1, ROWS + 1)
                for state in (rng.choice(STATES),)
            ],
        )


def _extract(path: Path, conn, rng: random.Random) -> None:
    """A "payment state" extract of every live registration, as the portal writes it."""
    lines = ["Extraction état de paiement pass'Sport", "", "N° pass'Sport;Nom;Prénom;Statut;"
             "Montant;Date de paiement"]  # fmt: skip
    rows = conn.execute(
        "SELECT code, last_name, first_name FROM validation_rows WHERE state != 'cancelled'"
    )
    day = date(2025, 12, 3)
    for code, last, first in rows:
        state = rng.choice(("En cours de traitement", "En cours de paiement", "Remboursé"))
        paid = (day - timedelta(days=rng.randint(0, 20))).strftime("%d/%m/%Y")
        lines.append(f"{code};{last.upper()};{first};{state};70,00;{paid if 'R' in state else ''}")
    lines.append("Total;;;;;")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace"))


def _extract_xlsx(path: Path, conn, rng: random.Random) -> None:
    """An extract of every registration saved as XLSX (by app.xlsx, strings inline): codes
    and names as text, birth and payment dates as date cells, amounts as numbers."""
    columns = [
        Column("N° pass'Sport", "text"),
        Column("Nom", "text"),
        Column("Prénom", "text"),
        Column("Date de naissance", "date"),
        Column("Statut", "text"),
        Column("Montant", "money"),
        Column("Date de paiement", "date"),
    ]
    day = date(2025, 12, 3)

    def rows():
        for code, last, first in conn.execute(
            "SELECT code, last_name, first_name FROM validation_rows"
        ):
            state = rng.choice(("En cours de traitement", "En cours de paiement", "Remboursé"))
            born = date(2008, 1, 1) + timedelta(days=rng.randint(0, 4000))
            paid = day - timedelta(days=rng.randint(0, 20)) if "R" in state else None
            yield [code, last.upper(), first, born, state, 7000, paid]

    with open(path, "wb") as out:
        write_xlsx(out, "Extraction", columns, rows(), ROWS)


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _longest_pause(work) -> float:
    """Run ``work`` on the background helper; the longest gap between 10 ms ticks, in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from ui.app import make_application
    from ui.tasks import Tasks

    make_application([])
    tasks, loop, ticks = Tasks(), QEventLoop(), [time.perf_counter()]
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    tasks.run(work, lambda _: loop.quit(), lambda error: loop.quit())
    loop.exec()
    timer.stop()
    tasks.wait()
    return max(b - a for a, b in itertools.pairwise(ticks)) * 1000


def _unencrypted_exports(runs: int) -> list[Figure]:
    """The same exports from a file that stores names in clear: what sealing costs them."""
    from bench.desk import ClearVault

    with tempfile.TemporaryDirectory(prefix="passsport-treasury-clear-") as home:
        paths = default_paths({"PASSSPORT_CLUB_HOME": home}).create()
        vault = ClearVault()
        conn = open_store(paths.database, paths.backups, vault)
        desk = Desk(conn, load_seasons(), lambda: NOW, vault)
        fill(desk, conn, ROWS, random.Random(SEED))
        treasury = Treasury(paths.database, vault, desk.seasons, lambda: NOW)
        folder = Path(home)
        try:
            csv_s = [
                _timed(
                    lambda i=i: treasury.export_csv(folder / f"{i}.csv", 2025, None, EXPORT_LABELS)
                )
                for i in range(runs)
            ]
            xlsx_s = [
                _timed(
                    lambda i=i: treasury.export_xlsx(
                        folder / f"{i}.xlsx", 2025, None, EXPORT_LABELS
                    )
                )
                for i in range(runs)
            ]
        finally:
            treasury.close()
            desk.close()
    return [
        measure("export CSV, 100,000 validations (unencrypted, for comparison)", "s", csv_s),
        measure("export XLSX, 100,000 validations (unencrypted, for comparison)", "s", xlsx_s),
    ]


def run(runs: int) -> list[Figure]:
    return _encrypted(runs) + _unencrypted_exports(max(1, min(runs, 5)))


def _encrypted(runs: int) -> list[Figure]:
    rng = random.Random(SEED)
    runs = max(1, min(runs, 5))
    with tempfile.TemporaryDirectory(prefix="passsport-treasury-bench-") as home:
        paths = default_paths({"PASSSPORT_CLUB_HOME": home}).create()
        vault = Vault(new_key())
        conn = open_store(paths.database, paths.backups, vault)
        desk = Desk(conn, load_seasons(), lambda: NOW, vault)
        fill(desk, conn, ROWS, rng)
        _mix_states(conn, rng)
        treasury = Treasury(paths.database, vault, desk.seasons, lambda: NOW)
        folder = Path(home)
        try:
            csv_s, xlsx_s, import_s, import_xlsx_s, read_xlsx_s = [], [], [], [], []
            for index in range(runs):
                csv_s.append(
                    _timed(
                        lambda index=index: treasury.export_csv(
                            folder / f"{index}.csv", 2025, None, EXPORT_LABELS
                        )
                    )
                )
                xlsx_s.append(
                    _timed(
                        lambda index=index: treasury.export_xlsx(
                            folder / f"{index}.xlsx", 2025, None, EXPORT_LABELS
                        )
                    )
                )
            extract = folder / "extrait.csv"
            _extract(extract, conn, rng)
            xlsx_extract = folder / "extrait.xlsx"
            _extract_xlsx(xlsx_extract, conn, rng)
            # Each import starts from the same database: a copy in memory is put back after.
            snapshot = sqlite3.connect(":memory:")
            conn.backup(snapshot)

            def one_import(path: Path) -> None:
                table = treasury.read_extract(path)
                plan, _ = treasury.compare(table, table.mapping)
                treasury.apply(plan, str(path))

            for _ in range(runs):
                import_s.append(_timed(lambda: one_import(extract)))
                snapshot.backup(conn)
                import_xlsx_s.append(_timed(lambda: one_import(xlsx_extract)))
                snapshot.backup(conn)
            snapshot.close()
            for _ in range(runs):
                read_xlsx_s.append(_timed(lambda: read_workbook(xlsx_extract, MAX_ROWS)))
            pause_csv = _longest_pause(
                lambda: treasury.export_csv(folder / "ui.csv", 2025, None, EXPORT_LABELS)
            )
            pause_xlsx = _longest_pause(
                lambda: treasury.export_xlsx(folder / "ui.xlsx", 2025, None, EXPORT_LABELS)
            )
        finally:
            treasury.close()
            desk.close()
    return [
        measure("export CSV, 100,000 validations", "s", csv_s, "< 2"),
        measure("export XLSX, 100,000 validations", "s", xlsx_s, "< 15"),
        measure("import 100,000-line CSV extract (read, compare, write)", "s", import_s, "< 10"),
        measure(
            "import 100,000-line XLSX extract (read, compare, write)", "s", import_xlsx_s, "< 3"
        ),
        measure("of which reading the XLSX file", "s", read_xlsx_s, "< 2"),
        measure("longest interface pause during CSV export", "ms", [pause_csv], "< 100"),
        measure("longest interface pause during XLSX export", "ms", [pause_xlsx], "< 100"),
    ]

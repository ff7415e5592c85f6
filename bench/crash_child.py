"""The process the crash bench kills: it saves registrations until it is stopped.

``python -m bench.crash_child HOME START`` opens the store below HOME (as
``PASSSPORT_CLUB_HOME``) and loops over the desk's writes with a fixed clock in the
2025 season. A line goes to stdout, flushed, only once the write has returned, that is
once the desk said it was saved:

- ``V <receipt> <code>``: a validation with its code (``desk.validate``);
- ``D <receipt>``: a registration with a deposit cheque (``desk.take_deposit``);
- ``A <receipt> <code>``: the code of a deposit registration arrived (``desk.attach_code``);
- ``X <receipt>``: a registration cancelled (``desk.cancel``).

Codes come from a counter starting at START, so runs given different STARTs never
reuse a code. No Qt is imported: the process starts in a fraction of a second.
"""

import os
import sys
from datetime import UTC, datetime

from app.codes import LETTER_COUNT, LETTERS, PassCode

# 15 October 2025, 14:00 in Paris: the 2025 season takes codes.
CHILD_NOW = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
CODE_YEAR = 2025
PEOPLE = (
    ("Lefèvre", "Chloé", "12/03/2012"),
    ("N'Diaye", "Aïssata", "02/11/2010"),
    ("Martin", "Léo", "30/06/2015"),
    ("Da Silva", "João", "21/01/2008"),
)
CANCEL_EVERY = 7
DEPOSIT_EVERY = 11


def code_letters(counter: int) -> str:
    """Eight letters: ``counter`` written in base 24 over the letters codes use."""
    letters = []
    for _ in range(LETTER_COUNT):
        counter, digit = divmod(counter, len(LETTERS))
        letters.append(LETTERS[digit])
    if counter:
        raise ValueError("counter too large for eight letters")
    return "".join(reversed(letters))


def code_text(counter: int, year: int = CODE_YEAR) -> str:
    """The code numbered ``counter``, formatted ``YY-XXXX-XXXX``."""
    return str(PassCode(year, code_letters(counter), False))


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        raise SystemExit("usage: python -m bench.crash_child HOME START")
    home, counter = argv[1], int(argv[2])
    os.environ["PASSSPORT_CLUB_HOME"] = home
    # Imported after the variable is set, although paths read it only when called.
    from app.desk import Desk
    from app.paths import default_paths
    from app.seasons import load_seasons
    from app.store import open_store
    from app.validations import ChequeState
    from bench.crash import BENCH_VAULT

    paths = default_paths().create()
    seasons = load_seasons()
    conn = open_store(paths.database, paths.backups, BENCH_VAULT)
    desk = Desk(conn, seasons, lambda: CHILD_NOW)
    desk.set_volunteer("Banc")
    season = seasons.by_year(CODE_YEAR)
    people = [desk.check_person(last, first, born, season) for last, first, born in PEOPLE]
    out = sys.stdout

    def report(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    saved: list[tuple[int, str]] = []  # (id, receipt) validated by this run
    deposits: list[tuple[int, str]] = []  # waiting for their code
    step = 0
    while True:
        step += 1
        person = people[step % len(people)]
        code, existing = desk.read_code(code_text(counter))
        counter += 1
        if existing is not None:  # never: each run has its own counter range
            raise SystemExit(f"code {code} already registered")
        done = desk.validate(code, person, "Judo", 18000)
        report(f"V {done.receipt_no} {done.code}")
        saved.append((done.id, done.receipt_no))
        if step % CANCEL_EVERY == 0 and len(saved) > 2:
            validation_id, receipt = saved.pop(len(saved) // 2)
            desk.cancel(validation_id, "Erreur de saisie")
            report(f"X {receipt}")
        if step % DEPOSIT_EVERY == 0:
            done = desk.take_deposit(person, season, "0012345", "Crédit Mutuel", "70", "Judo")
            report(f"D {done.receipt_no}")
            deposits.append((done.id, done.receipt_no))
        elif deposits and step % DEPOSIT_EVERY == DEPOSIT_EVERY // 2:
            validation_id, receipt = deposits.pop(0)
            code, _ = desk.read_code(code_text(counter))
            counter += 1
            done = desk.attach_code(validation_id, code)
            desk.settle_cheque(validation_id, ChequeState.RETURNED)
            report(f"A {receipt} {done.code}")


if __name__ == "__main__":
    main(sys.argv)

"""The desk with a full season behind it: 100,000 validations already in the database.

Save latency is ``Desk.validate`` on a real file with the program's pragmas
(``synchronous=FULL``, WAL); search latency is ``Desk.find`` over a mix of what
volunteers type. The database is filled once with batched INSERTs writing the rows
``app.validations.record`` writes (validation, 'redeem' outbox entry, journal row).
"""

import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from app.desk import Desk
from app.paths import default_paths
from app.people import Person
from app.seasons import load_seasons
from app.store import open_store, transaction
from app.validations import State
from app.vault import Vault, new_key
from bench.crash_child import code_letters
from bench.harness import Figure, measure

ROWS = 100_000
SAVES = 300
SEARCH_REPEATS = 20
SEED = 20251015
# 15 October 2025, 14:00 in Paris: the 2025 season takes codes.
NOW = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)
SEASON_STARTS = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)
# Codes of the fill are spread over the code space; those of the timed saves come after.
CODE_STRIDE = 7919
FIRST_NAMES = (
    "Chloé", "Léa", "Inès", "Zoé", "Maëlys", "Anaïs", "Hélène", "Aïssata", "Emma", "Jade",
    "Léo", "Noé", "Raphaël", "Théo", "Gaël", "Loïc", "Jérôme", "Mathéo", "Hugo", "Louis",
    "João", "Yanis", "Adèle", "Célestine", "François", "Éloïse", "Bérénice", "Ismaël",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèbvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez", "Légaré", "Chéron",
    "Bénard", "Pâris", "Hébert", "Gérard", "N'Diaye", "Da Silva", "Le Goff", "Saint-Éloi",
    "Évrard", "Côté", "Mbappé", "Ouédraogo", "Nguyễn", "Brûlé", "Crépin", "Ménard",
)  # fmt: skip
ACTIVITIES = ("Football", "Judo", "Natation", "Basket", "Danse", "Tennis de table")


def _code(index: int) -> str:
    letters = code_letters(index * CODE_STRIDE + 12345)
    return f"25-{letters[:4]}-{letters[4:]}"


def fill(desk: Desk, conn, rows: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """Insert ``rows`` validations of the 2025 season in one transaction.

    Returns (receipt, code, last name) of each row, for the searches."""
    season = desk.seasons.by_year(2025)
    device = conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()[0]
    span = (NOW - SEASON_STARTS).total_seconds()
    moments = sorted(SEASON_STARTS + timedelta(seconds=rng.uniform(0, span)) for _ in range(rows))
    validations, outbox, journal, made = [], [], [], []
    for index, moment in enumerate(moments):
        receipt = f"{device}-{index + 1:05d}"
        code = _code(index)
        person = Person(
            rng.choice(LAST_NAMES),
            rng.choice(FIRST_NAMES),
            date(rng.randint(1996, 2019), rng.randint(1, 12), rng.randint(1, 28)),
        )
        at = moment.isoformat()
        volunteer = rng.choice(("Sophie", "Karim", "Élodie"))
        validations.append(
            {
                "id": index + 1,
                "receipt_no": receipt,
                "idempotency_key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "code": code,
                "season": season.year,
                "last_name": person.last_name,
                "first_name": person.first_name,
                "birth_date": person.birth_date.isoformat(),
                "activity": rng.choice(ACTIVITIES),
                "fee_cents": rng.choice((None, 12000, 15000, 18000)),
                "amount_cents": season.amount_cents,
                "state": State.TO_SEND,
                "recorded_at": at,
                "recorded_by": volunteer,
            }
        )
        outbox.append((index + 1, "redeem", at))
        journal.append((at, "validated", index + 1, volunteer, ""))
        made.append((receipt, code, person.last_name))
    with transaction(conn):
        conn.executemany(
            "INSERT INTO validations(id, receipt_no, idempotency_key, code, code_hash, season,"
            " last_name, first_name, birth_date, activity, fee_cents, amount_cents, state,"
            " recorded_at, recorded_by) VALUES (:id, :receipt_no, :idempotency_key,"
            " pii_seal(:code, 'validations.code', :id), pii_hash(:code), :season,"
            " pii_seal(:last_name, 'validations.last_name', :id),"
            " pii_seal(:first_name, 'validations.first_name', :id),"
            " pii_seal(:birth_date, 'validations.birth_date', :id), :activity, :fee_cents,"
            " :amount_cents, :state, :recorded_at, :recorded_by)",
            validations,
        )
        conn.executemany(
            "INSERT INTO outbox(validation_id, kind, created_at) VALUES (?, ?, ?)", outbox
        )
        conn.executemany(
            "INSERT INTO journal(at, kind, validation_id, actor, detail) VALUES (?, ?, ?, ?, ?)",
            journal,
        )
        conn.execute("UPDATE meta SET value = ? WHERE key = 'receipt_seq'", (str(rows),))
    # No ANALYZE: the program never runs it, so the query plans stay the ones it gets.
    return made


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def _queries(made: list[tuple[str, str, str]], rng: random.Random) -> list[str]:
    receipt, code, _ = rng.choice(made)
    return [
        "Moreau",  # a last name
        "dup",  # the start of a name
        "lefevre",  # Lefèvre typed without its accent
        "helene bena",  # a first name without accent and part of a last name
        code,  # a code as printed
        code.replace("-", "").lower(),  # a code typed in one piece
        receipt,  # a receipt number
        "15/10/2025",  # a day at the desk
    ]


class ClearVault(Vault):
    """Stores personal fields in clear: only to measure what encryption costs."""

    def __init__(self) -> None:
        super().__init__(new_key())

    def seal(self, value, field, row):
        return value

    def open(self, blob, field, row):
        return blob

    def lookup_hash(self, value):
        return value


def run(runs: int) -> list[Figure]:
    return _run(runs, Vault(new_key()), "") + _run(runs, ClearVault(), "unencrypted, ")[1:3]


def _run(runs: int, vault: Vault, label: str) -> list[Figure]:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="passsport-desk-bench-") as home:
        paths = default_paths({"PASSSPORT_CLUB_HOME": home}).create()
        conn = open_store(paths.database, paths.backups, vault)
        desk = Desk(conn, load_seasons(), lambda: NOW)
        try:
            started = time.perf_counter()
            made = fill(desk, conn, ROWS, rng)
            filled = time.perf_counter() - started
            season = desk.seasons.by_year(2025)
            person = desk.check_person("Lefèvre", "Chloé", "12/03/2012", season)
            queries = _queries(made, rng)
            started = time.perf_counter()
            desk.find("martin")  # the first search opens every name once
            first_search = (time.perf_counter() - started) * 1000
            next_code = ROWS
            p50s, p99s, p95s, slowest = [], [], [], []
            for _ in range(runs):
                saves = []
                for _ in range(SAVES):
                    code, _existing = desk.read_code(_code(next_code))
                    next_code += 1
                    started = time.perf_counter()
                    desk.validate(code, person, "Judo", 18000)
                    saves.append((time.perf_counter() - started) * 1000)
                p50s.append(statistics.median(saves))
                p99s.append(_percentile(saves, 0.99))
                searches, by_query = [], {}
                for _ in range(SEARCH_REPEATS):
                    for query in queries:
                        started = time.perf_counter()
                        desk.find(query)
                        took = (time.perf_counter() - started) * 1000
                        searches.append(took)
                        by_query[query] = max(by_query.get(query, 0.0), took)
                p95s.append(_percentile(searches, 0.95))
                slowest.append(max(by_query.values()))
        finally:
            desk.close()
    note = f"{label}{ROWS:,} validations in the database"
    return [
        measure(f"desk: fill {ROWS:,} validations (one transaction)", "s", [filled]),
        measure(f"desk: save p50, desk.validate ({note})", "ms", p50s),
        measure(f"desk: save p99, desk.validate ({note})", "ms", p99s, "< 20 ms"),
        measure(
            f"desk: search p95, desk.find, {len(queries)} kinds of query", "ms", p95s, "< 50 ms"
        ),
        measure("desk: search, slowest single query", "ms", slowest),
        measure("desk: first search of a session (opens every name)", "ms", [first_search]),
    ]

"""The treasurer's money is always right: the portal's states read by their meaning, the
latest event decides, a recorded payment is never undone, one transition table for every
path, and totals that agree in every export."""

import csv
import itertools
from datetime import date, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.national import NationalChange, apply_changes
from app.paths import default_paths
from app.portal_extracts import read_table
from app.portal_states import PortalState, meaning
from app.store import transaction
from app.treasury import Treasury
from app.validations import INITIAL, TRANSITIONS, State, allowed, move
from ui.texts.treasurer import EXPORT_LABELS

HEADER = ["N° Pass'Sport", "Nom", "Prénom", "Date de naissance", "Statut", "Montant",
          "Date de paiement"]  # fmt: skip


@pytest.fixture
def treasury(desk, clock):
    opened = Treasury(default_paths().database, desk.vault, desk.seasons, clock)
    yield opened
    opened.close()


def register(desk, code, fee_cents=None):
    """Léa Martin, as every line of :func:`extract` names her (brothers and sisters too)."""
    parsed, _ = desk.read_code(code)
    person = desk.check_person("Martin", "Léa", "15/03/2012", desk.season_of(parsed))
    return desk.validate(parsed, person, fee_cents=fee_cents)


def extract(path, lines, header=HEADER):
    """A portal extract as a CSV file: ``lines`` of (code, state, amount, paid on...)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        sheet = csv.writer(out, delimiter=";")
        sheet.writerow(header)
        for line in lines:
            code, state, *rest = line
            sheet.writerow([code, "Martin", "Léa", "15/03/2012", state, *rest])
    return path


def import_file(treasury, path, states=None):
    """Read, compare and apply, as the import screen does; returns the plan."""
    table = read_table(path)
    plan, _ = treasury.compare(table, table.mapping, states)
    treasury.apply(plan, str(path))
    return plan


def row(desk, validation_id):
    return desk._conn.execute(
        "SELECT state, paid_cents, paid_on, national_reason FROM validations WHERE id = ?",
        (validation_id,),
    ).fetchone()


def outbox_open(desk, validation_id):
    return desk._conn.execute(
        "SELECT count(*) FROM outbox WHERE validation_id = ? AND sent_at IS NULL"
        " AND withdrawn_at IS NULL",
        (validation_id,),
    ).fetchone()[0]


# -- Wordings read by their meaning --------------------------------------------------------------

WORDINGS = {
    "En cours de traitement": PortalState.REGISTERED,
    "Inscrit": PortalState.REGISTERED,
    "Validé": PortalState.REGISTERED,
    "En attente": PortalState.REGISTERED,
    "En cours de paiement": PortalState.IN_PAYMENT,
    "Remboursement en cours": PortalState.IN_PAYMENT,
    "Mis en paiement": PortalState.IN_PAYMENT,
    "Remboursé": PortalState.PAID,
    "REMBOURSÉE": PortalState.PAID,
    "Payé": PortalState.PAID,
    "Paiement effectué": PortalState.PAID,
    "Virement effectué le 05/11/2025": PortalState.PAID,
    "Remboursement refusé": PortalState.REFUSED,
    "Ne sera pas remboursé": PortalState.REFUSED,
    "Non remboursable": PortalState.REFUSED,
    "Remboursement non accordé": PortalState.REFUSED,
    "Non éligible": PortalState.REFUSED,
    "N'est pas éligible": PortalState.REFUSED,
    "Refusé": PortalState.REFUSED,
    # A transfer that failed on its way: the registration stands, the money is still owed.
    "Paiement rejeté": PortalState.UNPAID,
    "Virement rejeté": PortalState.UNPAID,
    "Paiement en échec": PortalState.UNPAID,
    "RIB invalide": PortalState.UNPAID,
    "Impayé": PortalState.UNPAID,
    "Non remboursé": PortalState.UNPAID,
    "Pas encore payé": PortalState.UNPAID,
    "Annulé": PortalState.CANCELLED,
    "Inscription supprimée": PortalState.CANCELLED,
    "Inscription annulée puis réactivée": PortalState.REGISTERED,
    "Inscrit (après annulation)": PortalState.REGISTERED,
    # A number is not a negation; "sans" or "aucune" about something else negate nothing.
    "Paiement n°3 effectué": PortalState.PAID,
    "Virement N° 2025-118 effectué": PortalState.PAID,
    "Payé sans incident": PortalState.PAID,
    # A payment order is not yet a payment.
    "Mandaté": PortalState.IN_PAYMENT,
    # Not understood: never guessed.
    "Dossier incomplet": None,
    "Remboursement": None,
    "Paiement": None,
    "Trop perçu": None,
    "Annulation refusée": None,
    "Payé : non": None,
    "Payé : faux": None,
    "Remboursé : 0": None,
    "Payé par erreur - à reverser": None,
    "Remboursé - titre de recette émis": None,
    "Inscrit, dossier incomplet": None,
    "Jeune": None,
}


@pytest.mark.parametrize(("wording", "expected"), list(WORDINGS.items()))
def test_a_state_is_read_by_its_meaning(wording, expected):
    assert meaning(wording) is expected


@pytest.mark.parametrize("wording", ["Remboursement refusé", "Impayé", "Non remboursé",
                                     "Paiement rejeté", "Remboursement en cours"])  # fmt: skip
def test_a_refusal_or_a_negation_never_marks_a_code_paid(desk, treasury, tmp_path, wording):
    made = register(desk, "25-ABCD-EFGH")
    import_file(treasury, extract(tmp_path / "a.csv", [("25-ABCD-EFGH", wording, "70,00")]))
    assert row(desk, made.id)["state"] != State.PAID
    assert treasury.summary(2025).received_cents == 0


def test_an_unknown_wording_is_shown_to_map_and_changes_nothing(desk, treasury, tmp_path):
    made = register(desk, "25-ABCD-EFGH")
    other = register(desk, "25-BCDE-FGHJ")
    path = extract(
        tmp_path / "a.csv",
        [("25-ABCD-EFGH", "Dossier incomplet"), ("25-BCDE-FGHJ", "Non éligible")],
    )
    table = read_table(path)
    assert table.wordings() == {"Dossier incomplet": 1, "Non éligible": 1}
    plan = import_file(treasury, path)
    # Left alone, and still to be sent: an unknown wording never withdraws it.
    assert [line.code for line in plan.ignored] == ["25-ABCD-EFGH"]
    assert row(desk, made.id)["state"] == State.TO_SEND and outbox_open(desk, made.id) == 1
    assert plan.here_only == []  # listed in the file all the same
    assert row(desk, other.id)["state"] == State.TO_CHECK
    assert row(desk, other.id)["national_reason"] == "refused_nationally"
    # The treasurer says what it means: then it counts.
    import_file(treasury, path, {"dossier incomplet": PortalState.IN_PAYMENT})
    assert row(desk, made.id)["state"] == State.IN_PROCESSING
    assert outbox_open(desk, made.id) == 0  # known nationally: never sent again


# -- The latest event decides ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Cancelled, then entered again on the portal: alive.
        ([("Annulé", "", "", "01/10/2025"), ("Inscrit", "", "", "05/10/2025")], State.CONFIRMED),
        # The same two lines, the file in the other order: the dates decide.
        ([("Inscrit", "", "", "05/10/2025"), ("Annulé", "", "", "01/10/2025")], State.CONFIRMED),
        ([("Inscrit", "", "", "01/10/2025"), ("Annulé", "", "", "05/10/2025")], State.TO_CHECK),
        # No dates: the order of the file.
        ([("Annulé", "", ""), ("Inscrit", "", "")], State.CONFIRMED),
        ([("Inscrit", "", ""), ("Annulé", "", "")], State.TO_CHECK),
        # Payment waves: a line in payment listed after the payment does not undo it.
        ([("Remboursé", "70,00", "05/11/2025"), ("En cours de paiement", "", "")], State.PAID),
    ],
)
def test_the_latest_event_decides(desk, treasury, tmp_path, lines, expected):
    made = register(desk, "25-ABCD-EFGH")
    header = [*HEADER, "Date de modification"]
    rows = [
        ("25-ABCD-EFGH", state, amount, paid, *changed) for state, amount, paid, *changed in lines
    ]
    import_file(treasury, extract(tmp_path / "a.csv", rows, header))
    assert row(desk, made.id)["state"] == expected


def test_a_cancellation_never_erases_a_recorded_payment(desk, treasury, tmp_path):
    made = register(desk, "25-ABCD-EFGH")
    import_file(treasury, extract(tmp_path / "a.csv", [("25-ABCD-EFGH", "Remboursé", "70,00",
                                                        "05/11/2025")]))  # fmt: skip
    assert treasury.summary(2025).received_cents == 7000
    plan = import_file(treasury, extract(tmp_path / "b.csv", [("25-ABCD-EFGH", "Annulé")]))
    assert [u.after for u in plan.updates] == [State.TO_CHECK]
    after = row(desk, made.id)
    assert (after["state"], after["paid_cents"], after["paid_on"]) == (
        State.TO_CHECK, 7000, "2025-11-05"
    )  # fmt: skip
    assert after["national_reason"] == "cancelled_after_payment"
    assert treasury.summary(2025).received_cents == 7000  # "Déjà remboursé" stays
    # Both facts are in the registration's words: the reason and the payment.
    shown = desk.get(made.id)
    assert shown.paid_cents == 7000 and shown.national_reason == "cancelled_after_payment"
    # Importing the same file again changes nothing.
    assert import_file(treasury, tmp_path / "b.csv").updates == []


def test_the_national_service_never_takes_a_payment_back(desk, treasury):
    made = register(desk, "25-ABCD-EFGH")
    key = desk._conn.execute(
        "SELECT idempotency_key FROM validations WHERE id = ?", (made.id,)
    ).fetchone()[0]
    now = desk.now()

    def change(state, cents=7000, paid_on=None):
        return NationalChange("r-1", key, "25-ABCD-EFGH", state, cents, paid_on)

    apply_changes(desk._conn, [change("paid", paid_on="2025-11-05")], "c1", now)
    apply_changes(desk._conn, [change("in_processing")], "c2", now)
    assert row(desk, made.id)["state"] == State.PAID
    apply_changes(desk._conn, [change("cancelled")], "c3", now)
    after = row(desk, made.id)
    assert after["state"] == State.TO_CHECK and after["paid_cents"] == 7000
    assert after["national_reason"] == "cancelled_after_payment"


# -- One transition table ----------------------------------------------------------------------


@pytest.mark.parametrize(("before", "after"), list(itertools.product(State, State)))
def test_every_change_of_state_goes_through_the_table(desk, before, after):
    made = register(desk, "25-ABCD-EFGH")
    conn = desk._conn
    conn.execute("UPDATE validations SET state = ? WHERE id = ?", (before, made.id))
    with transaction(conn):
        moved = move(conn, made.id, before, after, desk.now(), "test")
    assert moved == allowed(before, after)
    assert row(desk, made.id)["state"] == (after if moved else before)


def test_the_table_keeps_money_moving_forward():
    forward = [State.TO_SEND, State.CONFIRMED, State.IN_PROCESSING, State.PAID]
    for earlier, later in itertools.combinations(forward, 2):
        assert allowed(earlier, later) and not allowed(later, earlier)
    assert TRANSITIONS[State.CANCELLED] == frozenset()
    assert State.TO_CHECK not in INITIAL and State.CANCELLED not in INITIAL


def test_a_payment_once_recorded_is_kept_by_every_move(desk):
    made = register(desk, "25-ABCD-EFGH")
    conn = desk._conn
    with transaction(conn):
        move(conn, made.id, State.TO_SEND, State.PAID, desk.now(), "t", paid_cents=7000,
             paid_on=date(2025, 11, 5))  # fmt: skip
        move(conn, made.id, State.PAID, State.TO_CHECK, desk.now(), "t", paid_cents=None,
             paid_on=None)  # fmt: skip
    assert (row(desk, made.id)["paid_cents"], row(desk, made.id)["paid_on"]) == (7000, "2025-11-05")


# -- One way to create a registration ------------------------------------------------------------


def test_the_import_reads_codes_with_the_desks_grammar(desk, treasury, tmp_path):
    path = extract(
        tmp_path / "a.csv",
        [("25-IOIO-OOOO", "Inscrit"), ("25-ABCD-EFGH", "Inscrit"), ("25-ABCO-EFGH", "Inscrit")],
    )
    table = read_table(path)
    plan, _ = treasury.compare(table, table.mapping)
    assert [line.code for line in plan.portal_only] == ["25-ABCD-EFGH"]
    assert len(plan.unreadable) == 2
    assert treasury.add_from_portal(treasury.addable(plan), str(path)) == 1
    added = desk.find("25-ABCD-EFGH")[0]
    assert added.state is State.CONFIRMED and not outbox_open(desk, added.id)
    assert added.receipt_no  # numbered like any registration


# -- Totals that agree everywhere -----------------------------------------------------------------


@pytest.fixture
def season(desk, treasury, tmp_path):
    """A season with every case a treasurer meets: paid, overpaid, in payment, to send,
    cancelled, a deposit cheque still held and one whose code arrived, a small fee."""
    paid = register(desk, "25-ABCD-EFGH")
    register(desk, "25-BCDE-FGHJ")  # overpaid
    register(desk, "25-CDEF-GHJK")  # to send
    register(desk, "25-DEFG-HJKL", fee_cents=4500)  # a fee below the aid
    cancelled = register(desk, "25-EFGH-JKLM")
    desk.cancel(cancelled.id, "Doublon")
    s = desk.seasons.by_year(2025)
    held = desk.check_person("Noir", "Ana", "12/12/2011", s)
    desk.take_deposit(held, s, "0001234", "La Banque Postale", "70")
    arrived = desk.take_deposit(held, s, "0001235", "Crédit Mutuel", "70")
    parsed, _ = desk.read_code("25-FGHJ-KLMN")
    desk.attach_code(arrived.id, parsed)
    import_file(
        treasury,
        extract(
            tmp_path / "paiement.csv",
            [
                ("25-ABCD-EFGH", "Remboursé", "70,00", "05/11/2025"),
                ("25-BCDE-FGHJ", "Remboursé", "100,00", "05/11/2025"),
                ("25-DEFG-HJKL", "En cours de paiement", "", ""),
            ],
        ),
    )
    return paid


def test_a_fee_below_the_aid_is_all_the_aid_takes(desk, treasury, season):
    cheap = desk.find("25-DEFG-HJKL")[0]
    assert cheap.amount_cents == 4500 and cheap.remaining_cents == 0


def test_the_screen_figures_count_each_code_once(treasury, season):
    s = treasury.summary(2025)
    # Claimed: paid 70, overpaid 70, to send 70, small fee 45, code arrived 70.
    assert s.expected_cents == 70_00 * 4 + 45_00
    assert s.received_cents == 170_00
    # What is missing, code by code: the 30 € overpaid on one hides nothing of the others.
    assert s.missing_cents == 70_00 + 45_00 + 70_00
    assert s.overpaid_cents == 30_00
    # Both cheques are still in the drawer: the code of one arrived, it is not returned.
    assert (s.cheques_held, s.cheques_held_cents) == (2, 140_00)
    assert s.count == 7 == sum(t.count for t in s.totals.values())


def test_every_export_sums_to_the_screen(treasury, season, tmp_path):
    s = treasury.summary(2025)
    treasury.export_csv(tmp_path / "e.csv", 2025, None, EXPORT_LABELS)
    with open(tmp_path / "e.csv", encoding="utf-8-sig", newline="") as source:
        rows = list(csv.DictReader(source, delimiter=";"))

    def total(column):
        return sum(round(float(r[column].replace(",", ".")) * 100) for r in rows if r[column])

    assert total("À recevoir de l'État") == s.expected_cents
    assert total("Déjà remboursé") == s.received_cents
    assert total("Reste à recevoir") == s.missing_cents

    treasury.export_xlsx(tmp_path / "e.xlsx", 2025, None, EXPORT_LABELS)
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    header, *data, totals = list(sheet.iter_rows(values_only=True))
    assert totals[0] == "Total"
    for title, figure in (
        ("À recevoir de l'État", s.expected_cents),
        ("Déjà remboursé", s.received_cents),
        ("Reste à recevoir", s.missing_cents),
    ):
        column = header.index(title)
        assert round(sum(r[column] or 0 for r in data) * 100) == figure
        assert totals[column].startswith("=SUBTOTAL(9,")


def test_a_code_not_sent_before_the_deadline_is_lost(treasury, season, clock):
    clock.now = clock.now.replace(year=2026, month=3)
    s = treasury.summary(2025)
    assert s.lost.count == 2 and s.lost.cents == 140_00  # to send, and the code that arrived
    assert s.totals[State.TO_SEND].count == 0
    assert s.expected_cents == 70_00 * 2 + 45_00  # never claimed again
    assert s.count == 7


def test_the_summary_pdf_lines_add_up_to_its_total(treasury, season):
    from ui.treasury_pdf import summary_rows

    s = treasury.summary(2025)
    assert sum(int(count) for _, count, _ in summary_rows(s)) == s.count


# -- Whatever the portal says, a payment stays and a refusal never pays ---------------------------

STATES = ["Inscrit", "En cours de paiement", "Remboursé", "Annulé", "Remboursement refusé",
          "Impayé", "Non éligible", "Paiement rejeté", "", "Dossier incomplet"]  # fmt: skip
REFUSED_OR_GONE = (PortalState.REFUSED, PortalState.CANCELLED, PortalState.UNPAID)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(STATES), st.one_of(st.none(), st.integers(0, 90))),
        min_size=1,
        max_size=6,
    ),
    dated=st.booleans(),
)
def test_any_sequence_of_portal_lines_keeps_payments_and_never_pays_a_refusal(
    desk, treasury, tmp_path_factory, lines, dated
):
    made = register(desk, "25-ABCD-EFGH")
    folder = tmp_path_factory.mktemp("lines")
    start = date(2025, 10, 1)
    rows = []
    for wording, day in lines:
        when = start + timedelta(days=day or 0)
        paid = when.strftime("%d/%m/%Y") if wording == "Remboursé" else ""
        changed = when.strftime("%d/%m/%Y") if dated and day is not None else ""
        rows.append(("25-ABCD-EFGH", wording, "70,00" if paid else "", paid, changed))
    header = [*HEADER, "Date de modification"]
    # What the file says in the end: its lines in time order (by date when every line
    # has one, else as written); a payment stands unless a negative line comes after it.
    order = [i for i, (wording, _) in enumerate(lines) if not wording or meaning(wording)]
    if all(rows[i][4] for i in order):  # the lines of an unknown state are set aside
        order.sort(key=lambda i: (start + timedelta(days=lines[i][1] or 0), i))
    said = [meaning(lines[i][0]) if lines[i][0] else None for i in order]
    negative = [i for i, state in enumerate(said) if state in REFUSED_OR_GONE]
    paid_at_the_end = PortalState.PAID in said[(negative[-1] + 1 if negative else 0) :]
    try:
        import_file(treasury, extract(folder / "a.csv", rows, header))
        after = row(desk, made.id)
        # Paid only by a payment the file still stands by; never by a refusal.
        assert (after["paid_cents"] == 7000) == paid_at_the_end
        assert (after["state"] == State.PAID) <= paid_at_the_end
        recorded = after["paid_cents"]
        # Later files never take a recorded payment away, whatever they say.
        import_file(treasury, extract(folder / "b.csv", [("25-ABCD-EFGH", "Annulé")]))
        assert row(desk, made.id)["paid_cents"] == recorded
        import_file(treasury, extract(folder / "c.csv", list(reversed(rows)), header))
        assert row(desk, made.id)["paid_cents"] == recorded or recorded is None
    finally:
        desk._conn.execute("DELETE FROM journal")
        desk._conn.execute("DELETE FROM outbox")
        desk._conn.execute("DELETE FROM validations")


# -- Found on review: what a treasurer would have seen wrong ---------------------------------------


def test_a_payment_taken_back_later_in_the_file_is_no_payment(desk, treasury, tmp_path):
    made = register(desk, "25-ABCD-EFGH")
    header = [*HEADER, "Date de modification"]
    import_file(
        treasury,
        extract(
            tmp_path / "a.csv",
            [
                ("25-ABCD-EFGH", "Paiement effectué", "70,00", "15/10/2025", "15/10/2025"),
                ("25-ABCD-EFGH", "Paiement rejeté", "", "", "20/10/2025"),
                ("25-ABCD-EFGH", "En cours de paiement", "", "", "05/11/2025"),
            ],
            header,
        ),
    )
    after = row(desk, made.id)
    assert after["state"] == State.IN_PROCESSING and after["paid_cents"] is None
    assert treasury.summary(2025).received_cents == 0


def test_an_unknown_wording_does_not_turn_a_payment_extract_into_a_list_to_enter(
    desk, treasury, tmp_path
):
    register(desk, "25-ABCD-EFGH")
    register(desk, "25-BCDE-FGHJ")
    import_file(
        treasury,
        extract(tmp_path / "r.csv", [("25-ABCD-EFGH", "Inscrit"), ("25-BCDE-FGHJ", "Inscrit")]),
    )
    payments = extract(tmp_path / "p.csv", [("25-BCDE-FGHJ", "Paiement suspendu", "70,00")])
    table = read_table(payments)
    plan, _ = treasury.compare(table, table.mapping)
    assert [line.code for line in plan.ignored] == ["25-BCDE-FGHJ"]
    assert plan.here_only == []  # 25-ABCD-EFGH is confirmed: nothing to type again


def test_the_wordings_of_aeeh_codes_can_be_mapped_too(desk, treasury, tmp_path):
    path = extract(tmp_path / "a.csv", [("25-IBCD-EFGH", "Dossier complet")])
    table = treasury.read_extract(path)
    assert table.wordings() == {"Dossier complet": 1}


def test_national_news_never_moves_a_payment_back(desk, treasury):
    made = register(desk, "25-ABCD-EFGH")
    key = desk._conn.execute(
        "SELECT idempotency_key FROM validations WHERE id = ?", (made.id,)
    ).fetchone()[0]

    def pull(*changes):
        apply_changes(desk._conn, [NationalChange("r-1", key, "25-ABCD-EFGH", *c) for c in changes],
                      "c", desk.now())  # fmt: skip

    pull(("paid", None, "2025-11-05"))  # no amount said: the deduction was paid
    assert row(desk, made.id)["paid_cents"] == 7000
    pull(("cancelled", 7000, None), ("in_processing", 7000, None))
    after = row(desk, made.id)
    assert after["state"] == State.PAID and after["paid_cents"] == 7000


def test_a_payment_for_a_registration_cancelled_at_the_desk_is_still_received(desk, treasury):
    made = register(desk, "25-ABCD-EFGH")
    key = desk._conn.execute(
        "SELECT idempotency_key FROM validations WHERE id = ?", (made.id,)
    ).fetchone()[0]
    desk.cancel(made.id, "Erreur de saisie")
    change = NationalChange("r-1", key, "25-ABCD-EFGH", "paid", 7000, "2025-11-05")
    apply_changes(desk._conn, [change], "c", desk.now())
    after = row(desk, made.id)
    assert after["state"] == State.CANCELLED and after["paid_cents"] == 7000
    assert treasury.summary(2025).received_cents == 7000  # as on the bank statement


def test_an_inner_write_the_database_rolled_back_says_what_happened(tmp_path):
    import sqlite3

    conn = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE u(x)")
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON u WHEN new.x = 9"
        " BEGIN SELECT RAISE(ROLLBACK, 'refused by the database'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="refused by the database"):
        with transaction(conn), transaction(conn):
            conn.execute("INSERT INTO u VALUES (1)")
            conn.execute("INSERT INTO u VALUES (9)")
    assert not conn.in_transaction and conn.execute("SELECT count(*) FROM u").fetchone()[0] == 0
    conn.close()

"""The treasurer's figures and files: totals per state, CSV and XLSX read back by other
programs' readers, formulas made inert, files written whole or not at all."""

import csv
import errno
import os
from datetime import date

import openpyxl
import pytest

from app.exports import ExportError, write_stream
from app.filenames import safe_file_name
from app.paths import default_paths
from app.treasury import Treasury, TreasuryError
from app.validations import State
from app.workbook import read_workbook
from ui.texts.treasurer import EXPORT_LABELS

PLANTED = '=HYPERLINK("http://x","y")'


@pytest.fixture
def treasury(desk, clock):
    opened = Treasury(default_paths().database, desk.vault, desk.seasons, clock)
    yield opened
    opened.close()


def register(desk, code, last="Martin", first="Léa", activity="", born="15/03/2012"):
    parsed, _ = desk.read_code(code)
    person = desk.check_person(last, first, born, desk.season_of(parsed))
    return desk.validate(parsed, person, activity)


def set_state(treasury, validation_id, state, paid_cents=None, paid_on=None):
    """Move a registration as the national answers would (written in a transaction)."""
    conn = treasury._conn
    conn.execute(
        "UPDATE validations SET state = ?, paid_cents = ?, paid_on = ? WHERE id = ?",
        (state, paid_cents, paid_on, validation_id),
    )


@pytest.fixture
def season(desk, treasury):
    """Six registrations of 2025 in every state a treasurer meets, one with a planted
    formula as its activity, and a deposit cheque."""
    made = [
        register(desk, "25-ABCD-EFGH", "Martin", "Léa", PLANTED),
        register(desk, "25-BCDE-FGHJ", "Lefèvre", "Chloé", 'Judo; "loisir"'),
        register(desk, "25-CDEF-GHJK", "N'Diaye", "Aïssata"),
        register(desk, "25-DEFG-HJKL", "Da Silva", "João"),
        register(desk, "25-EFGH-JKLM", "Bernard", "Hugo"),
    ]
    set_state(treasury, made[1].id, State.CONFIRMED)
    set_state(treasury, made[2].id, State.IN_PROCESSING)
    set_state(treasury, made[3].id, State.PAID, 7000, "2025-11-05")
    desk.cancel(made[4].id, "Doublon")
    season = desk.seasons.by_year(2025)
    person = desk.check_person("Petit", "Inès", "12/12/2011", season)
    desk.take_deposit(person, season, "0001234", "La Banque Postale", "70")
    return made


def test_the_summary_gives_what_is_owed_paid_and_missing(treasury, season):
    s = treasury.summary(2025)
    assert {state: t.count for state, t in s.totals.items() if t.count} == {
        State.TO_SEND: 1,
        State.CONFIRMED: 1,
        State.IN_PROCESSING: 1,
        State.PAID: 1,
        State.CANCELLED: 1,
        State.AWAITING_CODE: 1,
    }
    assert s.expected_cents == 4 * 7000  # cancelled and awaiting a code are not claimed
    assert s.received_cents == 7000
    assert s.missing_cents == 3 * 7000
    assert (s.cheques_held, s.cheques_held_cents) == (1, 7000)
    assert s.days_left == 77 and not s.closed
    assert treasury.years() == [2025]


def test_after_the_deadline_codes_not_entered_are_no_longer_offered(treasury, season, clock):
    clock.now = clock.now.replace(year=2026, month=2)
    s = treasury.summary(2025)
    assert s.closed and s.days_left == 0
    assert treasury.to_enter() == [] and treasury.to_enter_count() == 0


def test_the_listing_filters_by_state_and_counts_all(treasury, season):
    shown, total = treasury.listing(2025, State.PAID)
    assert total == 1 and [v.last_name for v in shown] == ["Da Silva"]
    shown, total = treasury.listing(2025, None, limit=2)
    assert total == 6 and len(shown) == 2


def test_the_csv_opens_in_french_excel_and_reads_back_the_same_rows(treasury, season, tmp_path):
    path = tmp_path / "export.csv"
    seen = []
    written = treasury.export_csv(
        path, 2025, None, EXPORT_LABELS, progress=lambda d, t: seen.append((d, t))
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert written == 6 and len(rows) == 7 and seen[-1] == (6, 6)
    header, *data = rows
    assert header[:4] == ["Numéro de reçu", "Code pass'Sport", "Nom", "Prénom"]
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in data}
    paid = by_code["25-DEFG-HJKL"]
    assert paid["Nom"] == "Da Silva" and paid["Prénom"] == "João"
    assert paid["État"] == "Remboursé" and paid["À recevoir de l'État"] == "70,00"
    assert paid["Remboursé le"] == "05/11/2025" and paid["Déjà remboursé"] == "70,00"
    assert paid["Reste à recevoir"] == "0,00"
    # Cancelled and awaiting a code: nothing to claim, so nothing to add up.
    assert by_code["25-EFGH-JKLM"]["À recevoir de l'État"] == ""
    assert paid["Enregistré le"] == "15/10/2025" and paid["Saison"] == "2025"
    # The planted formula is text: it starts with an apostrophe, never with "=".
    assert by_code["25-ABCD-EFGH"]["Activité"] == "'" + PLANTED
    assert by_code["25-BCDE-FGHJ"]["Activité"] == 'Judo; "loisir"'  # quoted, read back whole
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in data for cell in row)


def test_the_xlsx_has_typed_cells_a_frozen_header_and_totals(treasury, season, tmp_path):
    path = tmp_path / "export.xlsx"
    assert treasury.export_xlsx(path, 2025, None, EXPORT_LABELS) == 6
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FF1D3557"
    rows = list(sheet.iter_rows(values_only=True))
    header, data, totals = rows[0], rows[1:-1], rows[-1]
    assert len(data) == 6
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in data}
    paid = by_code["25-DEFG-HJKL"]
    assert paid["Nom"] == "Da Silva" and paid["Saison"] == 2025
    assert paid["À recevoir de l'État"] == 70.0 and paid["Déjà remboursé"] == 70.0
    assert paid["Remboursé le"].date() == date(2025, 11, 5)
    assert sheet.cell(2, 9).number_format.startswith("#,##0.00")
    # The planted formula is a string cell, shown as typed: inert.
    planted = next(c for c in sheet["E"] if c.value == PLANTED)
    assert planted.data_type == "s"
    assert totals[0] == "Total" and totals[8] == "=SUBTOTAL(9,I2:I7)"
    # Our own reader (used for the portal's extracts) reads the same cells, and the totals
    # saved with the formulas are the screen's: 4 claimed, 1 paid.
    (ours,) = read_workbook(path, 100)
    assert ours.rows[0] == list(header) and len(ours.rows) == 8
    assert ours.rows[-1][8] == 4 * 70.0 and ours.rows[-1][10] == 70.0


def test_a_file_is_never_replaced_without_consent(treasury, season, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("ancien")
    with pytest.raises(ExportError) as caught:
        treasury.export_csv(path, 2025, None, EXPORT_LABELS)
    assert caught.value.reason == "exists" and path.read_text() == "ancien"
    treasury.export_csv(path, 2025, None, EXPORT_LABELS, overwrite=True)
    assert path.read_text(encoding="utf-8-sig").startswith("Numéro de reçu")


@pytest.mark.parametrize(
    ("code", "reason"), [(errno.ENOSPC, "disk_full"), (errno.EIO, "write_failed")]
)
def test_a_full_disk_or_a_pulled_key_leaves_no_half_file(tmp_path, code, reason):
    def write(out):
        out.write(b"debut")
        raise OSError(code, os.strerror(code))

    target = tmp_path / "export.csv"
    with pytest.raises(ExportError) as caught:
        write_stream(target, write)
    assert caught.value.reason == reason
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_gone_is_a_plain_error(treasury, season, tmp_path):
    with pytest.raises(ExportError) as caught:
        treasury.export_xlsx(tmp_path / "cle-retiree" / "export.xlsx", 2025, None, EXPORT_LABELS)
    assert caught.value.reason == "write_failed"


def test_file_names_are_safe_everywhere():
    assert safe_file_name("pass'Sport 2025 A/B: C*D?", "csv") == "pass'Sport 2025 A-B- C-D.csv"
    assert safe_file_name("CON", "pdf") == "export-CON.pdf"
    assert safe_file_name("  ..  ", "xlsx") == "export.xlsx"
    assert len(safe_file_name("x" * 500, "csv")) == 120


def test_a_code_entered_on_the_portal_is_not_offered_nor_sent_again(desk, treasury):
    first = register(desk, "25-ABCD-EFGH")
    second = register(desk, "25-BCDE-FGHJ", first="Tom")
    assert [v.id for v in treasury.to_enter()] == [first.id, second.id]
    assert treasury.to_enter_count() == 2
    treasury.mark_entered(first.id)
    assert [v.id for v in treasury.to_enter()] == [second.id]
    assert treasury.to_enter_count() == 1
    assert desk.get(first.id).state is State.CONFIRMED
    assert desk.pending_count() == 1  # its 'redeem' will never be sent by this program
    journal = desk._conn.execute(
        "SELECT kind FROM journal WHERE validation_id = ? ORDER BY id", (first.id,)
    ).fetchall()
    assert [r[0] for r in journal] == ["validated", "portal_entered"]
    with pytest.raises(TreasuryError):
        treasury.mark_entered(first.id)

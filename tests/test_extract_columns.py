"""Columns and values of Le Compte Asso's extracts recognised by their meaning: the
ministry's (OSIRIS) column names, the young person's category that is not a state, the
date of the state, Excel serial dates, amounts written the French or the English way,
headers printed again and payment-wave titles inside the file."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from app.extract_columns import Field, field_of, guess_mapping
from app.extract_values import read_date, read_money
from app.portal_extracts import read_lines, read_table
from app.portal_states import PortalState
from tests.extracts import HEADER, Entry, write_csv
from ui.texts.imports import FIELD_WORDS

ENTRIES = [
    Entry("25-ABCD-EFGH", "Martin", "Léa", date(2012, 3, 15), "Remboursé", "70,00", date(2025, 11, 5)),
    Entry("25-BCDE-FGHJ", "Lefèvre", "Chloé", date(2010, 7, 2), "En cours de paiement"),
    Entry("25-CDEF-GHJK", "Diallo", "Aïssata", date(2013, 11, 23)),
]  # fmt: skip
CODES = [e.code for e in ENTRIES]


def write_rows(path, rows, delimiter=";"):
    """A CSV extract exactly as given, row by row (Windows line ends, UTF-8 with BOM)."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def read(path):
    table = read_table(path)
    return table, read_lines(table)


# -- Column titles -------------------------------------------------------------------------------

TITLES = {
    # the ministry's names: CamelCase, snake_case, glued in lower case, short forms
    "NumeroPassSport": Field.CODE,
    "numero_pass_sport": Field.CODE,
    "numeropasssport": Field.CODE,
    "id_psp": Field.CODE,
    "IdPsp": Field.CODE,
    "N° PSP": Field.CODE,
    "Num PSP": Field.CODE,
    "EtatInscription": Field.STATE,
    "etat_inscription": Field.STATE,
    "StatutPaiement": Field.STATE,
    "NomBeneficiaire": Field.LAST_NAME,
    "nom_usage": Field.LAST_NAME,
    "Nom de naissance": Field.LAST_NAME,
    "PrenomBeneficiaire": Field.FIRST_NAME,
    "MontantAide": Field.AMOUNT,
    # the young person's category is no state, no code
    "situation": None,
    "Situation pass'Sport": None,
    "Catégorie PSP": None,
    # birth
    "Né(e) le": Field.BIRTH_DATE,
    "Née le": Field.BIRTH_DATE,
    "Date de naissance": Field.BIRTH_DATE,
    "DateNaissance": Field.BIRTH_DATE,
    "date_naissance": Field.BIRTH_DATE,
    "datedenaissance": Field.BIRTH_DATE,
    "naissance": Field.BIRTH_DATE,
    "Lieu de naissance": None,
    # the date of the state
    "DateModification": Field.CHANGED_ON,
    "date_modification": Field.CHANGED_ON,
    "Date de modification": Field.CHANGED_ON,
    "Dernière modification": Field.CHANGED_ON,
    "Date de mise à jour": Field.CHANGED_ON,
    "Date MAJ": Field.CHANGED_ON,
    "Mis à jour le": Field.CHANGED_ON,
    "Date de l'état": Field.CHANGED_ON,
    "Date du statut": Field.CHANGED_ON,
    "Date de saisie": Field.CHANGED_ON,
    "Date d'inscription": Field.CHANGED_ON,
    # payment dates stay payment dates, other dates mean nothing here
    "Date de paiement": Field.PAID_ON,
    "Date du virement": Field.PAID_ON,
    "date_paiement": Field.PAID_ON,
    "Payé le": Field.PAID_ON,
    "Date de début de saison": None,
    "Code postal": None,
}


@pytest.mark.parametrize("title", TITLES)
def test_a_column_title_is_read_by_its_meaning(title):
    assert field_of(title) is TITLES[title]


def test_the_date_of_a_change_wins_over_the_date_of_entry():
    both = ["N° pass'Sport", "Date d'inscription", "Date de paiement", "Date de modification"]
    assert guess_mapping(both)[Field.CHANGED_ON] == 3
    assert guess_mapping(both)[Field.PAID_ON] == 2
    alone = ["N° pass'Sport", "Date d'inscription", "Date de paiement"]
    assert guess_mapping(alone)[Field.CHANGED_ON] == 1  # the only date of a state there is


def test_the_date_of_the_state_has_words_in_the_column_choice():
    assert set(FIELD_WORDS) == set(Field)  # the preview offers every meaning, in French
    assert list(Field).index(Field.CHANGED_ON) == list(Field).index(Field.PAID_ON) + 1


# -- Through a file ------------------------------------------------------------------------------


def test_an_extract_with_the_ministry_column_names_is_read(tmp_path):
    header = ("NumeroPassSport", "NomBeneficiaire", "PrenomBeneficiaire", "DateNaissance",
              "EtatInscription", "MontantAide", "date_paiement")  # fmt: skip
    table, lines = read(write_csv(tmp_path / "osiris.csv", ENTRIES, header=header))
    assert set(table.mapping) == set(Field) - {Field.CHANGED_ON}
    assert lines.unreadable == []
    assert [line.code for line in lines.lines] == CODES
    first = lines.lines[0]
    assert (first.last_name, first.first_name, first.birth_date) == (
        "MARTIN",
        "Léa",
        ENTRIES[0].born,
    )
    assert first.state is PortalState.PAID and first.amount_cents == 7000
    assert first.paid_on == date(2025, 11, 5)


def osiris_rows(situation=True, state=True):
    """Ministry columns, the young person's category in ``situation`` and dates as Excel
    serial numbers written as text (45966 is 5 November 2025)."""
    titles = ["id_psp", "nom", "prenom", "Né(e) le"]
    titles += ["situation"] if situation else []
    titles += ["etat_inscription"] if state else []
    titles += ["DateModification"]
    rows = [["Export OSIRIS pass'Sport"], titles]
    for code, last, first, born, category, wording, changed in (
        ("25-ABCD-EFGH", "MARTIN", "Léa", "40983", "jeune", "Remboursé", "45966"),
        ("25-BCDE-FGHJ", "LEFEVRE", "Chloé", "40361,0", "AAH", "En cours de paiement", "45966.5"),
        ("25-CDEF-GHJK", "DIALLO", "Aïssata", "41601", "boursier", "En cours de paiement", "45950"),
    ):
        row = [code, last, first, born]
        row += [category] if situation else []
        row += [wording] if state else []
        rows.append([*row, changed])
    return rows


def test_the_young_persons_category_is_not_taken_for_the_state(tmp_path):
    table, lines = read(write_rows(tmp_path / "osiris.csv", osiris_rows()))
    assert table.mapping[Field.STATE] == 5  # etat_inscription, not situation (column 4)
    assert [line.state for line in lines.lines] == [
        PortalState.PAID, PortalState.IN_PAYMENT, PortalState.IN_PAYMENT
    ]  # fmt: skip

    table, lines = read(write_rows(tmp_path / "seul.csv", osiris_rows(state=False)))
    assert Field.STATE not in table.mapping
    assert [line.state for line in lines.lines] == [None, None, None]
    assert lines.unreadable == [] and [line.code for line in lines.lines] == CODES


def test_a_status_column_that_holds_categories_is_not_the_state(tmp_path):
    rows = osiris_rows(state=False)
    rows[1][4] = "Statut"  # the category under a title that could be a state
    table, _ = read(write_rows(tmp_path / "statut.csv", rows))
    assert Field.STATE not in table.mapping
    rows = osiris_rows()
    rows[1][4] = "Statut"  # and next to the real state column, which is taken
    table, lines = read(write_rows(tmp_path / "deux.csv", rows))
    assert table.mapping[Field.STATE] == 5
    assert lines.lines[0].state is PortalState.PAID


def test_excel_serial_dates_in_a_text_file_are_read(tmp_path):
    table, lines = read(write_rows(tmp_path / "osiris.csv", osiris_rows()))
    assert table.mapping[Field.BIRTH_DATE] == 3 and table.mapping[Field.CHANGED_ON] == 6
    assert [line.birth_date for line in lines.lines] == [
        date(2012, 3, 15), date(2010, 7, 2), date(2013, 11, 23)
    ]  # fmt: skip
    assert [line.changed_on for line in lines.lines] == [
        date(2025, 11, 5), date(2025, 11, 5), date(2025, 10, 20)
    ]  # fmt: skip


def test_excel_serial_dates_in_cells_without_a_date_format_are_read(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NumeroPassSport", "NomBeneficiaire", "DateNaissance", "DateModification"])
    sheet.append(["25-ABCD-EFGH", "MARTIN", 40983, 45966.5])  # numbers, as Excel keeps them
    book.save(tmp_path / "osiris.xlsx")
    _, lines = read(tmp_path / "osiris.xlsx")
    assert lines.lines[0].birth_date == date(2012, 3, 15)
    assert lines.lines[0].changed_on == date(2025, 11, 5)


# -- Values --------------------------------------------------------------------------------------

DATES = [
    (45966, date(2025, 11, 5)),  # a number, as an unformatted Excel cell gives it
    (45966.0, date(2025, 11, 5)),
    (45966.75, date(2025, 11, 5)),  # the time of day is dropped
    ("45966", date(2025, 11, 5)),
    ("45966,5", date(2025, 11, 5)),
    (1, date(1900, 1, 1)),
    (59, date(1900, 2, 28)),
    (60, None),  # 29 February 1900: Excel counts it, it never was
    (61, date(1900, 3, 1)),
    (0, None),
    (-5, None),
    (2012, None),  # a year alone, not a day of 1905
    (99999, None),  # after 2100
    (True, None),
    ("05/11/2025", date(2025, 11, 5)),
    ("5/11/2025", date(2025, 11, 5)),
    ("05.11.2025", date(2025, 11, 5)),
    ("05/11/2025 14:32", date(2025, 11, 5)),
    ("05/11/2025 à 14 h 32", date(2025, 11, 5)),
    ("2025-11-05", date(2025, 11, 5)),
    ("2025-11-05T14:32:00", date(2025, 11, 5)),
    ("2025-11-05T23:30:00Z", date(2025, 11, 6)),  # already the 6th in Paris
    ("20251105", date(2025, 11, 5)),
    ("5 novembre 2025", date(2025, 11, 5)),
    ("1er nov. 2025", date(2025, 11, 1)),
    ("mercredi 5 novembre 2025", date(2025, 11, 5)),
    ("05-11-25", date(2025, 11, 5)),  # a two-digit year: 20xx below 70
    ("15/03/98", date(1998, 3, 15)),  # 19xx from 70
    ("11/25/2025", None),  # month first is not French order: no month 25
    ("31/02/2025", None),
    ("05/11-2025", None),
    ("5 brumaire 2025", None),
    ("bientôt", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "expected"), DATES, ids=[repr(v) for v, _ in DATES])
def test_a_date_is_read_in_every_unambiguous_form(value, expected):
    assert read_date(value) == expected


AMOUNTS = [
    ("70", 7000),
    ("70,00", 7000),
    ("70,5", 7050),
    ("70.5", 7050),
    ("70.50", 7050),
    ("1400,00", 140000),
    ("1.400,00", 140000),
    ("1 400,00", 140000),
    ("1\u00a0400,00", 140000),  # no-break space
    ("1\u202f400,00", 140000),  # narrow no-break space, as Excel writes it in French
    ("1,400.00", 140000),
    ("1'400.00", 140000),
    ("1.400", 140000),  # French files: one dot and three digits groups thousands
    ("1.400.000", 140000000),
    ("70 €", 7000),
    ("70,00 EUR", 7000),
    ("70 euros", 7000),
    ("-70,00", -7000),
    ("\u221270,00", -7000),  # the minus sign
    ("(70,00)", -7000),
    ("70,00-", -7000),
    (70, 7000),
    (70.5, 7050),
    ("1,400", None),  # 1,40 € in French, 1 400 € in English: no amount rather than a wrong one
    ("1.400,500", None),
    ("70,125", None),
    ("14 00", None),
    ("1.400 000", None),
    ("1 400 000,00", 140000000),
    ("soixante-dix", None),
    ("", None),
    (None, None),
    (True, None),
]


@pytest.mark.parametrize(("value", "expected"), AMOUNTS, ids=[repr(v) for v, _ in AMOUNTS])
def test_an_amount_is_read_in_every_unambiguous_form(value, expected):
    assert read_money(value) == expected


# -- Lines that are no registrations -------------------------------------------------------------


def entry_row(entry):
    return [entry.code, entry.last.upper(), entry.first, entry.born.strftime("%d/%m/%Y"),
            entry.state, entry.amount, ""]  # fmt: skip


def test_headers_printed_again_and_wave_titles_are_skipped_silently(tmp_path):
    other = ["Code pass", "Nom", "Prénom", "Né(e) le", "État", "Montant", "Date du virement"]
    more = [
        Entry("25-DEFG-HJKL", "Bernard", "Hugo", date(2014, 5, 30)),
        Entry("25-EFGH-JKLM", "Petit", "Inès", date(2011, 2, 1)),
    ]
    rows = [
        ["État de paiement pass'Sport"],
        list(HEADER),
        ["Vague de paiement du 15/10/2025"],
        entry_row(ENTRIES[0]),
        ["Page 1/2"],
        list(HEADER),  # the header again, at the top of page 2
        entry_row(ENTRIES[1]),
        ["Paiement n° 3 — 12 novembre 2025", "", "", "", "", "", ""],
        entry_row(ENTRIES[2]),
        ["Sous-total vague 3", "", "", "", "", "140,00", ""],
        ["Vague 3", "", "", "", "", "140,00", "12/11/2025"],
        [],
        ["Inscriptions en cours"],
        other,  # a second block under its own header
        *(entry_row(e) for e in more),
        ["Total", "", "", "", "", "350,00", ""],
    ]
    table, lines = read(write_rows(tmp_path / "vagues.csv", rows))
    assert table.header_row == 1
    assert lines.unreadable == []
    assert [line.code for line in lines.lines] == CODES + [e.code for e in more]
    assert [line.row for line in lines.lines] == [4, 7, 9, 15, 16]


def test_a_line_that_looks_like_a_registration_is_still_reported(tmp_path):
    rows = [
        list(HEADER),
        entry_row(ENTRIES[0]),
        ["25-ABCD-EFG", "MARTIN", "Paul", "02/02/2012", "Remboursé", "70,00", ""],  # too short
        ["à venir", "DURAND", "Zoé", "", "", "", ""],  # a name, but no code
        ["inconnu", "", "", "", "En cours de paiement", "", ""],  # a state, but no code
        ["25 BCDE FGH"],  # a code typed wrong, alone on its line
        entry_row(ENTRIES[1]),
    ]
    _, lines = read(write_rows(tmp_path / "erreurs.csv", rows))
    assert lines.unreadable == [3, 4, 5, 6]
    assert [line.code for line in lines.lines] == CODES[:2]

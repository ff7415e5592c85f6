"""The portal's spreadsheet extracts (XLSX, XLS, ODS), read from real files on disk: every
visible sheet with its cells typed, and refused with a reason when broken or hostile."""

import io
import random
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
import xlwt
from openpyxl.utils.datetime import CALENDAR_MAC_1904

import app.workbook
from app.workbook import MAX_PART_BYTES, WorkbookError, read_workbook
from app.xlsx import Column, write_xlsx

BORN = date(2012, 5, 17)
PAID_AT = datetime(2025, 11, 5, 14, 30)
HEADER = ["N° pass'Sport", "Nom", "Prénom", "Date de naissance", "Statut", "Montant", "Payé le"]


def _reason(path: Path, max_rows: int = 1000) -> tuple[str, dict]:
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path, max_rows)
    return caught.value.reason, caught.value.details


def _portal_xlsx(path: Path, **options) -> Path:
    """A summary first, a hidden sheet, then the lines, their header on line 3, column B."""
    book = openpyxl.Workbook(**options)
    summary = book.active
    summary.title = "Synthèse"
    summary.append(["Extraction état de paiement pass'Sport"])
    summary.append(["Lignes", 2])
    hidden = book.create_sheet("Paramètres")
    hidden.append(["ne pas montrer"])
    hidden.sheet_state = "hidden"
    lines = book.create_sheet("Bénéficiaires")
    lines["B3"] = HEADER[0]
    for column, title in enumerate(HEADER[1:], start=3):
        lines.cell(3, column, title)
    lines.append([None, "25-ABCD-EFGH", " MOREAU ", "Inès", BORN, "Remboursé", 70, PAID_AT])
    lines.append([None, "25-BCDE-FGHJ", "NGUYEN", "Théo", datetime(2011, 3, 1), "Annulé", 70.5])
    lines.append([None, "25-CDEF-GHJK", None, "Lou", None, True, "=1/0"])
    book.create_sheet("Vide")
    book.save(path)
    return path


def test_every_visible_sheet_comes_in_order_with_its_cells_typed(tmp_path):
    sheets = read_workbook(_portal_xlsx(tmp_path / "extrait.xlsx"), 1000)
    assert [s.name for s in sheets] == ["Synthèse", "Bénéficiaires", "Vide"]
    summary, lines, empty = sheets
    assert summary.rows == [["Extraction état de paiement pass'Sport"], ["Lignes", 2]]
    assert empty.rows == []
    # Lines and columns keep their place: the header is line 3, the codes column B.
    assert lines.rows[:2] == [[], []]
    assert lines.rows[2] == [None, *HEADER]
    first, second, third = lines.rows[3:]
    assert first == [None, "25-ABCD-EFGH", " MOREAU ", "Inès", BORN, "Remboursé", 70, PAID_AT]
    assert type(first[4]) is date and type(first[7]) is datetime and type(first[6]) is int
    # A date and time at midnight is a date; a whole amount an int, the others floats.
    assert second == [None, "25-BCDE-FGHJ", "NGUYEN", "Théo", date(2011, 3, 1), "Annulé", 70.5]
    assert type(second[4]) is date
    # Blank cells and a formula's error are None; the row stops at its last filled cell.
    assert third == [None, "25-CDEF-GHJK", None, "Lou", None, True]


def test_dates_saved_iso_style_are_dates(tmp_path):
    # openpyxl's iso_dates writes <c t="d"><v>2012-05-17</v></c>, as valid as a serial
    # number; the standard-library reader called such a file damaged.
    path = _portal_xlsx(tmp_path / "iso.xlsx", iso_dates=True)
    assert b't="d"><v>2012-05-17</v>' in _part(path, "xl/worksheets/sheet3.xml")
    lines = read_workbook(path, 1000)[1]
    assert lines.rows[3][4] == BORN and lines.rows[3][7] == PAID_AT
    assert type(lines.rows[4][4]) is date


def test_dates_of_a_workbook_counted_from_1904(tmp_path):
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.append(["25-ABCD-EFGH", BORN, PAID_AT])
    book.save(tmp_path / "mac.xlsx")
    assert read_workbook(tmp_path / "mac.xlsx", 10)[0].rows == [["25-ABCD-EFGH", BORN, PAID_AT]]


def test_times_of_day_and_durations_come_as_their_text(tmp_path):
    book = openpyxl.Workbook()
    book.active.append([time(10, 30), time(8, 5, 9), timedelta(hours=30, minutes=5)])
    book.save(tmp_path / "heures.xlsx")
    assert read_workbook(tmp_path / "heures.xlsx", 10)[0].rows == [
        ["10:30", "08:05:09", "30:05:00"]
    ]


def test_a_workbook_whose_sheets_are_all_hidden_gives_them_all(tmp_path):
    path = tmp_path / "cache.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Un"
    book.active.append(["un"])
    book.create_sheet("Deux").append(["deux"])
    book.save(path)
    _rewrite(
        path, "xl/workbook.xml", lambda xml: xml.replace(b'state="visible"', b'state="hidden"')
    )
    assert _part(path, "xl/workbook.xml").count(b'state="hidden"') == 2
    assert [(s.name, s.rows) for s in read_workbook(path, 10)] == [("Un", [["un"]]), ("Deux", [["deux"]])]  # fmt: skip


def test_our_own_xlsx_export_reads_back(tmp_path):
    path = tmp_path / "export.xlsx"
    columns = [Column("Code", "text"), Column("Né le", "date"), Column("Montant", "money")]
    with open(path, "wb") as out:
        write_xlsx(out, "Export", columns, [["=1+1", BORN, 7050], ["25-ABCD-EFGH", None, 7000]], 2)
    (sheet,) = read_workbook(path, 10)
    assert sheet.name == "Export"
    assert sheet.rows == [
        ["Code", "Né le", "Montant"],
        ["=1+1", BORN, 70.5],
        ["25-ABCD-EFGH", None, 70],
    ]


# -- ODS and XLS ---------------------------------------------------------------------------------

_ODS_NS = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"'
    for prefix, name in [("office", "office"), ("table", "table"), ("text", "text"),
                         ("style", "style")]
)  # fmt: skip


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        kind, attrs = "boolean", f'office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, int | float):
        kind, attrs = "float", f'office:value="{value}"'
    elif isinstance(value, date):
        kind, attrs = "date", f'office:date-value="{value.isoformat()}"'
    else:
        kind, attrs = "string", ""
    return (
        f'<table:table-cell office:value-type="{kind}" {attrs}><text:p>{value}</text:p>'
        "</table:table-cell>"
    )


def _write_ods(path: Path, tables: list[tuple[str, bool, list[list]]]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice lays it out: a stored ``mimetype`` first,
    the manifest, the tables in ``content.xml``, each ending with a million blank rows
    written once with a repeat count."""
    body = []
    for name, hidden, rows in tables:
        body.append(f'<table:table table:name="{name}" table:style-name="ta{int(hidden)}">')
        for row in rows:
            body.append(f"<table:table-row>{''.join(map(_ods_cell, row))}</table:table-row>")
        body.append(
            '<table:table-row table:number-rows-repeated="1048000">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
            "</table:table>"
        )
    styles = "".join(
        f'<style:style style:name="ta{i}" style:family="table">'
        f'<style:table-properties table:display="{shown}"/></style:style>'
        for i, shown in enumerate(("true", "false"))
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        f'office:version="1.2"><office:automatic-styles>{styles}</office:automatic-styles>'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                      zipfile.ZIP_STORED)  # fmt: skip
        book.writestr("META-INF/manifest.xml", manifest)
        book.writestr("content.xml", content)
    return path


def _portal_ods(path: Path) -> Path:
    return _write_ods(
        path,
        [
            ("Synthèse", False, [["Lignes", 1]]),
            ("Paramètres", True, [["ne pas montrer"]]),
            ("Bénéficiaires", False, [
                [], [None, HEADER[0], HEADER[1], HEADER[3], HEADER[5], "Payé"],
                [None, "25-ABCD-EFGH", "MOREAU", BORN, 70, True],
                [None, "25-BCDE-FGHJ", "NGUYEN", date(2011, 3, 1), 70.5, False],
            ]),
        ],
    )  # fmt: skip


def test_an_ods_file_reads_like_an_xlsx(tmp_path):
    sheets = read_workbook(_portal_ods(tmp_path / "extrait.ods"), 1000)
    assert [s.name for s in sheets] == ["Synthèse", "Bénéficiaires"]
    assert sheets[0].rows == [["Lignes", 1]]
    # The million blank rows at the end are not lines.
    assert sheets[1].rows == [
        [],
        [None, HEADER[0], HEADER[1], HEADER[3], HEADER[5], "Payé"],
        [None, "25-ABCD-EFGH", "MOREAU", BORN, 70, True],
        [None, "25-BCDE-FGHJ", "NGUYEN", date(2011, 3, 1), 70.5, False],
    ]


def _portal_xls(path: Path) -> Path:
    """An Excel 97-2003 workbook, written by xlwt."""
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Synthèse").write(0, 0, "Lignes")
    hidden = book.add_sheet("Paramètres")
    hidden.write(0, 0, "ne pas montrer")
    hidden.visibility = 1
    lines = book.add_sheet("Bénéficiaires")
    day, moment = xlwt.easyxf(num_format_str="DD/MM/YYYY"), xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM")  # fmt: skip
    for column, title in enumerate(HEADER, start=1):
        lines.write(2, column, title)
    for column, value in enumerate(["25-ABCD-EFGH", "MOREAU", "Inès"], start=1):
        lines.write(3, column, value)
    lines.write(3, 4, BORN, day)
    lines.write(3, 5, "Remboursé")
    lines.write(3, 6, 70)
    lines.write(3, 7, PAID_AT, moment)
    lines.write(4, 1, "25-BCDE-FGHJ")
    lines.write(4, 6, 70.5)
    lines.write(4, 7, True)
    book.save(str(path))
    return path


def test_an_old_xls_file_reads_like_an_xlsx(tmp_path):
    sheets = read_workbook(_portal_xls(tmp_path / "extrait.xls"), 1000)
    assert [s.name for s in sheets] == ["Synthèse", "Bénéficiaires"]
    assert sheets[0].rows == [["Lignes"]]
    lines = sheets[1].rows
    assert lines[:3] == [[], [], [None, *HEADER]]
    assert lines[3] == [None, "25-ABCD-EFGH", "MOREAU", "Inès", BORN, "Remboursé", 70, PAID_AT]
    assert type(lines[3][4]) is date and type(lines[3][6]) is int
    assert lines[4] == [None, "25-BCDE-FGHJ", None, None, None, None, 70.5, True]


# -- Limits --------------------------------------------------------------------------------------


def _lines_xlsx(path: Path, count: int) -> Path:
    book = openpyxl.Workbook()
    for index in range(count):
        book.active.append([f"25-ABCD-{index:04d}", "NGUYEN", 70])
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_more_rows_than_allowed_are_refused_with_the_limit(tmp_path, kind):
    rows = [[f"25-ABCD-{i:04d}", 70] for i in range(30)]
    if kind == "xlsx":
        path = _lines_xlsx(tmp_path / "l.xlsx", 30)
    elif kind == "ods":
        path = _write_ods(tmp_path / "l.ods", [("L", False, rows)])
    else:
        book = xlwt.Workbook()
        sheet = book.add_sheet("L")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        path = tmp_path / "l.xls"
        book.save(str(path))
    assert len(read_workbook(path, 30)[0].rows) == 30
    assert _reason(path, 29) == ("too_many_rows", {"limit": 29})


def test_a_far_line_is_refused_before_the_file_is_opened(tmp_path, monkeypatch):
    path = _lines_xlsx(tmp_path / "loin.xlsx", 2)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="250000"><c r="A250000" t="n"><v>1</v></c></row></sheetData>'))  # fmt: skip
    monkeypatch.setattr(app.workbook, "CalamineWorkbook", None)  # any use of it would fail
    assert _reason(path, 100_000) == ("too_many_rows", {"limit": 100_000})


def test_two_far_apart_cells_are_refused_without_crashing(tmp_path):
    # calamine would make a grid of 1,048,576 x 16,384 cells (550 GB) and abort the
    # process (tafia/calamine#693): read in a child process, so that a regression fails
    # this test instead of killing the whole run.
    path = _lines_xlsx(tmp_path / "coins.xlsx", 1)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData>'))  # fmt: skip
    script = (
        "import sys\nfrom app.workbook import WorkbookError, read_workbook\n"
        "try:\n    read_workbook(sys.argv[1], 2_000_000)\n"
        "except WorkbookError as error:\n    print(error.reason)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "too_large"), done.stderr[-2000:]


def _bomb(path: Path, megabytes: int, noise: int = 0) -> Path:
    """A workbook whose sheet is ``megabytes`` of zeros (each megabyte ending with
    ``noise`` random bytes, to compress less)."""
    block = bytes((1 << 20) - noise) + random.Random(0).randbytes(noise)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(block)
    return path


def _ratio(path: Path) -> float:
    with zipfile.ZipFile(path) as book:
        part = book.getinfo("xl/worksheets/sheet1.xml")
        return part.file_size / part.compress_size


def test_a_zip_bomb_is_refused_before_the_file_is_opened(tmp_path, monkeypatch):
    monkeypatch.setattr(app.workbook, "CalamineWorkbook", None)  # any use of it would fail
    path = _bomb(tmp_path / "bombe.xlsx", 600)
    assert path.stat().st_size < 3 << 20 and MAX_PART_BYTES < 600 << 20
    assert _reason(path) == ("too_large", {})
    # Smaller, but inflating more than 200 times: refused for its ratio alone.
    path = _bomb(tmp_path / "petite.xlsx", 20)
    assert MAX_PART_BYTES > 20 << 20 and _ratio(path) > 200
    assert _reason(path) == ("too_large", {})


def test_a_part_too_big_is_refused_even_when_it_compresses_little(tmp_path, monkeypatch):
    monkeypatch.setattr(app.workbook, "CalamineWorkbook", None)
    monkeypatch.setattr(app.workbook, "MAX_PART_BYTES", 4 << 20)  # not to write 600 MB
    path = _bomb(tmp_path / "gros.xlsx", 5, noise=20_000)
    assert _ratio(path) < 100
    assert _reason(path) == ("too_large", {})


# -- Broken files and other files ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_a_file_cut_short_is_damaged(tmp_path, kind):
    make = {"xlsx": _portal_xlsx, "ods": _portal_ods, "xls": _portal_xls}[kind]
    whole = make(tmp_path / f"entier.{kind}").read_bytes()
    # Cut anywhere: calamine fails on some cuts of an .xls with a panic, taken as damage.
    for cut in range(len(whole) // 8, len(whole) - 1, len(whole) // 8):
        (tmp_path / f"coupe.{kind}").write_bytes(whole[:cut])
        assert _reason(tmp_path / f"coupe.{kind}") == ("damaged", {}), cut


def test_a_broken_part_is_damaged(tmp_path):
    path = _portal_xlsx(tmp_path / "casse.xlsx")
    _rewrite(path, "xl/worksheets/sheet3.xml", lambda xml: xml.replace(b"</sheetData>", b""))
    assert _reason(path) == ("damaged", {})


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("word/document.xml", "<document/>")
    return path


def _word97(path: Path) -> Path:
    """An Office 97 file that is no workbook: an .xls whose one stream is renamed."""
    data = _portal_xls(path).read_bytes()
    name = "Workbook".encode("utf-16-le")
    assert data.count(name) == 1
    path.write_bytes(data.replace(name, "WordDocu".encode("utf-16-le")))
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


NOT_WORKBOOKS = {
    "text": lambda p: _write(p / "texte.xlsx", b"N;Nom\r\n25-ABCD-EFGH;NGUYEN\r\n"),
    "image": lambda p: _write(p / "photo.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
    "word file": lambda p: _docx(p / "lettre.docx"),
    "word 97 file": lambda p: _word97(p / "lettre.doc"),
}


@pytest.mark.parametrize("make", NOT_WORKBOOKS.values(), ids=NOT_WORKBOOKS)
def test_a_file_that_is_not_a_workbook_has_no_sheet(tmp_path, make):
    assert _reason(make(tmp_path)) == ("no_sheet", {})


def test_reading_reports_progress_up_to_the_end(tmp_path):
    path = _lines_xlsx(tmp_path / "l.xlsx", 12_000)
    calls: list[tuple[int, int]] = []
    assert len(read_workbook(path, 20_000, lambda done, total: calls.append((done, total)))[0].rows) == 12_000  # fmt: skip
    assert len(calls) >= 3 and calls[0][0] < calls[0][1] and calls[-1] == (12_000, 12_000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as book:
        return book.read(name)


def _rewrite(path: Path, part: str, change) -> None:
    """Change one part of a zip file, the others kept as they are."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == part else data)
    path.write_bytes(out.getvalue())

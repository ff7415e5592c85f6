"""Make the treasurer's screenshots of docs/screenshots/ from the real widgets.

Run with ``.venv/bin/python docs/treasurer_screenshots.py``. A sample season is recorded at
the desk, then brought up to date by importing a generated extract of Le Compte Asso
(the real import path). Needs ``pdftoppm`` (poppler-utils) for the PDF's picture.
Look at the pictures afterwards.
"""

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-treasurer-screens-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keyring
import keyring.backend
import openpyxl
from PySide6.QtWidgets import QApplication

from app.desk import Desk, open_desk
from app.paths import default_paths
from app.settings import Settings
from app.treasury import Treasury
from tests.factories import trusted
from ui.app import make_application
from ui.services import build_services
from ui.treasurer_flow import Dialogs, TreasurerFlow
from ui.treasury_pdf import SummaryInput, write_summary_pdf
from ui.window import MainWindow

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1100, 720)
DAY = datetime(2025, 11, 20, 16, 5, tzinfo=UTC)
YOUNG = [
    ("25-ABCD-EFGH", "Martin", "Léa", "15/03/2012"),
    ("25-BCDE-FGHJ", "Lefèvre", "Chloé", "02/07/2010"),
    ("25-CDEF-GHJK", "N'Diaye", "Aïssata", "23/11/2013"),
    ("25-DEFG-HJKL", "Da Silva", "João", "09/01/2011"),
    ("25-EFGH-JKLM", "Bernard", "Hugo", "30/05/2014"),
    ("25-FGHJ-KLMN", "Petit", "Inès", "12/12/2009"),
    ("25-GHJK-LMNP", "Moreau", "Théo", "04/04/2012"),
    ("25-HJKL-MNPQ", "Girard", "Zoé", "18/08/2015"),
    ("25-JKLM-NPQR", "Roux", "Raphaël", "27/02/2011"),
    ("25-KLMN-PQRS", "Fournier", "Maëlys", "06/10/2013"),
    ("25-LMNP-QRST", "Bonnet", "Yanis", "21/06/2010"),
]
EXTRACT = """Extraction des bénéficiaires pass'Sport;;;;;
Union sportive de Belleville;;;;;
;;;;;
N° pass'Sport;Nom;Prénom;Date de naissance;Statut;Montant;Date de paiement
25-ABCD-EFGH;MARTIN;Léa;15/03/2012;Remboursé;70,00;05/11/2025
25-BCDE-FGHJ;LEFEVRE;Chloé;02/07/2010;Remboursé;70,00;05/11/2025
25-CDEF-GHJK;N'DIAYE;Aïssata;23/11/2013;Remboursé;70,00;05/11/2025
25-DEFG-HJKL;DA SILVA;João;09/01/2011;En cours de paiement;70,00;
25-EFGH-JKLM;BERNARD;Hugo;30/05/2014;En cours de paiement;70,00;
25-FGHJ-KLMN;PETIT;Inès;12/12/2009;En cours de traitement;70,00;
25-PQRS-TUVW;LAMBERT;Adèle;14/09/2012;En cours de traitement;70,00;
Total;;;;;490,00;
"""


class _MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.secrets = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


def grab(window: MainWindow, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def sample_season(desk: Desk, treasury: Treasury, folder: Path) -> None:
    for code, last, first, born in YOUNG:
        parsed, _ = desk.read_code(code)
        person = desk.check_person(last, first, born, desk.season_of(parsed))
        desk.validate(parsed, person, "Football")
    season = desk.seasons.by_year(2025)
    for last, first, born, number in (("Mercier", "Louis", "03/03/2013", "0001234"),):
        person = desk.check_person(last, first, born, season)
        desk.take_deposit(person, season, number, "Crédit Mutuel", "70")
    cancelled = desk.find("Roux")[0]
    desk.cancel(cancelled.id, "Inscription en double")
    (folder / "beneficiaires.csv").write_bytes(EXTRACT.encode("cp1252"))


def import_extract(treasury: Treasury, folder: Path):
    extract = folder / "beneficiaires.csv"
    table = treasury.read_extract(extract)
    plan, _ = treasury.compare(table, table.mapping)
    treasury.apply(plan, str(extract))
    treasury.add_from_portal(treasury.addable(plan), str(extract))


def main() -> None:
    keyring.set_keyring(trusted(_MemoryKeyring()))
    OUT.mkdir(exist_ok=True)
    make_application([])
    paths = default_paths().create()
    desk = open_desk(paths.database, paths.backups, clock=lambda: DAY)
    desk.save_club_profile(
        "Union sportive de Belleville", "73282932000074", "W751234567", "Football"
    )
    settings = Settings(paths.settings_file)
    services = build_services(desk, settings, paths.database, treasurer_dialogs=Dialogs(paths.data))
    treasury = services.treasury
    sample_season(desk, treasury, paths.data)
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    flow = window.treasurer
    flow.imports._result(
        treasury.compare(*_table(treasury, paths.data))[0], paths.data / "beneficiaires.csv"
    )
    grab(window, "import-resultat")
    preview_shots(flow, window, paths.data)
    import_extract(treasury, paths.data)
    window.refresh_status()
    page = flow.open()
    grab(window, "tresorerie")
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    grab(window, "tresorerie-liste")
    flow.portal_assistant()
    grab(window, "compte-asso")
    pdf = paths.data / "etat.pdf"
    write_summary_pdf(pdf, SummaryInput(desk.club_profile(), treasury.summary(2025), DAY))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(OUT / "etat-recapitulatif")],
        check=True,
    )
    print(OUT / "etat-recapitulatif.png")
    window.close()
    treasury.close()
    desk.close()


def preview_shots(flow: TreasurerFlow, window: MainWindow, folder: Path) -> None:
    """The preview of a file with a state the program does not know, and of a workbook
    whose first sheet is a summary."""
    odd = folder / "etat-paiement.csv"
    odd.write_bytes(
        EXTRACT.replace("En cours de traitement", "Dossier incomplet", 1)
        .replace("Remboursé;70,00;05/11/2025\n25-BCDE", "Remboursement refusé;;\n25-BCDE", 1)
        .encode("cp1252")
    )
    page = flow.imports._preview(flow._treasury.read_extract(odd), odd)
    QApplication.processEvents()
    page.verticalScrollBar().setValue(page.verticalScrollBar().maximum())
    grab(window, "import-etats")
    book = openpyxl.Workbook()
    book.active.title = "Synthèse"
    book.active.append(["Total remboursé", 210])
    codes = book.create_sheet("Bénéficiaires")
    rows = [line.split(";") for line in EXTRACT.splitlines()[3:-1]]
    for row in rows:
        codes.append(row)
    book.create_sheet("Notes").append(["Vague de paiement du 5 novembre 2025"])
    path = folder / "extraction.xlsx"
    book.save(path)
    page = flow.imports._preview(flow._treasury.read_extract(path), path)
    grab(window, "import-feuille")


def _table(treasury: Treasury, folder: Path):
    table = treasury.read_extract(folder / "beneficiaires.csv")
    return table, table.mapping


if __name__ == "__main__":
    main()

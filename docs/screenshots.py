"""Make the screenshots of docs/screenshots/ from the real widgets.

Run with ``make screenshots``. Each screen is shown in a temporary home folder
with sample data, grabbed to PNG, and must then be looked at by a person.
"""

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-screens-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from app.desk import Desk, open_desk
from app.paths import default_paths
from app.settings import Settings
from ui.app import make_application
from ui.services import build_services
from ui.shell import build_window
from ui.training import TrainingSession
from ui.window import MainWindow

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1100, 720)
# A day of the 2025 campaign, so that the sample codes are open.
DESK_DAY = datetime(2025, 9, 13, 9, 47, tzinfo=UTC)
TRAINING_DAY = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)


def grab(window: MainWindow, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def new_window(desk: Desk, settings: Settings) -> MainWindow:
    window = MainWindow(build_services(desk, settings, default_paths().database))
    window.resize(*SIZE)
    window.show()
    return window


def main() -> None:
    OUT.mkdir(exist_ok=True)
    make_application([])
    paths = default_paths().create()
    # Sample data in a temporary folder: a throwaway key.
    desk = open_desk(paths.database, paths.backups, clock=lambda: DESK_DAY, throwaway_key=True)
    settings = Settings(paths.settings_file)
    window = new_window(desk, settings)
    grab(window, "premier-demarrage")
    form = window.stack.currentWidget()
    form.fields["name"].edit.setText("US Belleville")
    form.fields["siret"].edit.setText("732 829 320 00075")
    form.save()
    grab(window, "premier-demarrage-erreurs")
    desk.save_club_profile(
        "Union sportive de Belleville", "73282932000074", "W751234567", "Football"
    )
    window.close()

    window = new_window(desk, settings)
    grab(window, "accueil")
    page = window.desk_flow.start()
    page.volunteer.edit.setText("Julie")
    page.code.edit.setText("25-ABCD-EFGO")
    page.changed.emit(page.code.text())
    grab(window, "code-erreur")
    page.code.edit.setText("")
    page.prefill("25ABCDEFGH")
    person = window.stack.currentWidget()
    for key, value in (
        ("last_name", "Lefèvre"),
        ("first_name", "Léa"),
        ("birth_date", "15/03/2012"),
        ("activity", "Judo"),
        ("fee", "150"),
    ):
        person.fields[key].edit.setText(value)
    grab(window, "jeune")
    person.submitted.emit()
    grab(window, "verification")
    window.stack.currentWidget().confirm.emit()
    grab(window, "enregistre")
    window.find()
    grab(window, "retrouver")
    window.open_record(desk.find("")[0].id)
    grab(window, "inscription")
    window.close()

    # The home screen as a new club sees it, with the national service and training.
    window = build_window(desk, settings, paths.database)
    window.resize(*SIZE)
    window.show()
    grab(window, "accueil-complet")
    window.enrol()
    grab(window, "relier")
    window.close()

    session = TrainingSession(desk, settings, on_leave=lambda: None, clock=lambda: TRAINING_DAY)
    training = session.start()
    training.resize(*SIZE)
    grab(training, "formation")
    training.home.buttons["training_codes"].click()
    grab(training, "formation-codes")
    session.leave()
    desk.close()


if __name__ == "__main__":
    main()

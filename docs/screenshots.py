"""Make the screenshots of docs/screenshots/ from the real widgets.

Run with ``make screenshots``. Each screen is shown in a temporary home folder
with sample data, grabbed to PNG, and must then be looked at by a person.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-screens-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from app.desk import Desk
from app.paths import default_paths
from app.store import open_store
from ui.app import make_application
from ui.window import MainWindow

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1100, 720)


def grab(window: MainWindow, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(OUT / f"{name}.png")


def main() -> None:
    make_application([])
    paths = default_paths().create()
    desk = Desk(open_store(paths.database, paths.backups))
    window = MainWindow(desk)
    window.resize(*SIZE)
    window.show()
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
    window = MainWindow(desk)
    window.resize(*SIZE)
    window.show()
    grab(window, "accueil")
    desk.close()


if __name__ == "__main__":
    main()

"""Screenshots of the forum at 100 % and 200 % text, from the real widgets.

Run with ``xvfb-run -a .venv/bin/python docs/forum_screenshots.py`` (or offscreen, the
default without a display). Each forum screen of tests/screens.py is opened in a
temporary home folder, with real main desks on 127.0.0.1 and nothing announced on the
network, in a 1366 × 768 window, and saved as ``docs/screenshots/forum-<name>-<100|200>.png``;
the main desk's and the closing's whole pages, scrolled or not, as
``forum-poste-principal-page-<scale>.png`` and ``forum-cloture-page-<scale>.png``.
Then look at every picture.
"""

import os
import sys
import tempfile
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.factories import MemoryKeyring, trusted  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
SCALES = (100, 200)
SHOTS = {
    "forum_choice": "forum-choix",
    "forum_main": "forum-poste-principal",
    "forum_join": "forum-rejoindre",
    "forum_joined": "forum-relie",
    "forum_duplicate": "forum-doublon",
    "forum_conflict": "forum-a-verifier",
    "forum_out_of_range": "forum-hors-de-portee",
    "forum_transfer": "forum-transfert-cle",
    "forum_import": "forum-import-cle",
    "forum_search": "forum-recherche",
    "forum_record": "forum-recu-autre-poste",
    "forum_closing": "forum-cloture",
}
WHOLE = {"forum_main", "forum_closing"}  # long pages: also saved whole


def main(names: list[str]) -> None:
    keyring.set_keyring(trusted(MemoryKeyring()))
    from tests.screens import open_screen

    QApplication.instance() or QApplication([])
    OUT.mkdir(exist_ok=True)
    for name in names or list(SHOTS):
        for scale in SCALES:
            os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-forum-")
            ctx = open_screen(name, scale=scale / 100)
            ctx.window.resize(*SIZE)
            for _ in range(5):
                QApplication.processEvents()
            path = OUT / f"{SHOTS[name]}-{scale}.png"
            ctx.window.grab().save(str(path))
            print(path)
            if name in WHOLE:
                whole = OUT / f"{SHOTS[name]}-page-{scale}.png"
                ctx.page.widget().grab().save(str(whole))
                print(whole)
            ctx.close()
            QApplication.processEvents()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Screenshots of every screen at 100 % and 200 % text, for the accessibility review.

Run with ``.venv/bin/python docs/a11y_screenshots.py [screen ...]``. Each screen of
tests/screens.py is opened in a temporary home folder with sample data, in a
1366 × 768 window, and saved as ``docs/screenshots/a11y-<screen>-<100|200>.png``.
Then look at every picture, as a volunteer who reads French with difficulty would.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.factories import MemoryKeyring, trusted  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
SCALES = (100, 200)


def main(names: list[str]) -> None:
    keyring.set_keyring(trusted(MemoryKeyring()))
    from tests.screens import SCREENS, open_screen

    QApplication.instance() or QApplication([])
    OUT.mkdir(exist_ok=True)
    for name in names or list(SCREENS):
        for scale in SCALES:
            os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-a11y-")
            ctx = open_screen(name, scale=scale / 100)
            ctx.window.resize(*SIZE)
            for _ in range(5):
                QApplication.processEvents()
            path = OUT / f"a11y-{name.replace('_', '-')}-{scale}.png"
            ctx.window.grab().save(str(path))
            print(path)
            ctx.close()
            QApplication.processEvents()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Write sample receipts (A5 page and 80 mm ticket) and their pictures for docs/screenshots/.

Run with ``.venv/bin/python docs/receipts.py``. The PDFs go to a temporary folder; the PNGs
(made with pdftoppm, from poppler-utils) must then be looked at by a person.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication

from app.club import ClubProfile
from app.validations import State, Validation
from ui.receipt import Layout, ReceiptInput, write_pdf

OUT = Path(__file__).resolve().parent / "screenshots"
NAMES = {Layout.PAGE: "recu-a5", Layout.TICKET: "recu-ticket"}


def sample() -> ReceiptInput:
    club = ClubProfile("Étoile sportive d'Hérouville", "73282932000074", "W751234567", "Football")
    validation = Validation(
        id=42,
        receipt_no="K7Q-00042",
        code="25-ABCD-EFGH",
        season=2025,
        last_name="Dupont-Martin",
        first_name="Léa",
        birth_date=date(2012, 3, 14),
        activity="Football U13",
        fee_cents=15000,
        amount_cents=7000,
        state=State.TO_SEND,
        recorded_at=datetime(2025, 9, 6, 12, 32, tzinfo=UTC),
        recorded_by="Julie",
    )
    printed = datetime(2025, 9, 6, 12, 33, tzinfo=UTC)
    return ReceiptInput(club, validation, printed, volunteer="Julie")


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (kept alive)
    OUT.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="passsport-recus-") as folder:
        for layout, name in NAMES.items():
            pdf = write_pdf(Path(folder) / f"{name}.pdf", sample(), layout)
            if pdftoppm is None:
                print(f"pdftoppm is missing (poppler-utils): no picture for {pdf.name}")
                continue
            target = OUT / name
            subprocess.run(
                [pdftoppm, "-png", "-r", "110", "-singlefile", str(pdf), str(target)], check=True
            )
            print(target.with_suffix(".png"))


if __name__ == "__main__":
    main()

"""Write sample receipts (A5 page and 80 mm ticket) and their pictures for docs/screenshots/:
a real one, the same made in training mode, and a family of two on one document.

Run with ``.venv/bin/python docs/receipts.py [FOLDER]`` (default: docs/screenshots). The PDFs
go to a temporary folder; the PNGs (made with pdftoppm, from poppler-utils) must then be
looked at by a person.
"""

import dataclasses
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
from ui.receipt import Layout, ReceiptInput, write_pdf_many

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


def samples() -> dict[str, list[ReceiptInput]]:
    """Each picture's receipts, by the end of its name."""
    real = sample()
    training = dataclasses.replace(real, training=True)
    brother = dataclasses.replace(
        training,
        validation=dataclasses.replace(
            real.validation, id=43, receipt_no="K7Q-00043", code="25-BCDE-FGHJ", first_name="Théo"
        ),
    )
    return {"": [real], "-formation": [training], "-famille-formation": [training, brother]}


def main(out: Path = OUT) -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (kept alive)
    out.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="passsport-recus-") as folder:
        for layout, name in NAMES.items():
            for suffix, receipts in samples().items():
                pdf = write_pdf_many(Path(folder) / f"{name}{suffix}.pdf", receipts, layout)
                if pdftoppm is None:
                    print(f"pdftoppm is missing (poppler-utils): no picture for {pdf.name}")
                    continue
                target = out / f"{name}{suffix}"
                # An A5 family is one page per receipt: one picture each (-1, -2).
                single = ["-singlefile"] if len(receipts) == 1 or layout is Layout.TICKET else []
                subprocess.run(
                    [pdftoppm, "-png", "-r", "110", *single, str(pdf), str(target)], check=True
                )
                print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

"""The program's self-check (``passsport-club --smoke-test``), made for the frozen folder.

Once the window has shown, the program's own code does in a temporary folder what a club
needs on its first day, and each result is read back: the font and Qt's French words, the
icons, a receipt saved as a PDF and one sent down the print path, an export opened by the
workbook reader, the redemption service of training mode answering an enrolment, and a TLS
exchange with that service on 127.0.0.1. A file the bundle lacks (the
font, a Qt plugin, a Python module, OpenSSL) fails one of them with a one-line reason, so
that CI stops there, not a club at its forum. It takes about a second.
"""

import ipaddress
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtPrintSupport import QPrinter

from app.club import ClubProfile
from app.errors import KnownError
from app.exports import export_xlsx
from app.resources import resource_path
from app.seasons import load_seasons
from app.validations import State, Validation
from app.workbook import read_workbook
from sync.client import ApiClient
from sync.forum import Hub, join_hub, pem_fingerprint
from sync.link import NationalLink
from sync.server import ReferenceServer
from sync.training import TRAINING_ENROLMENT_CODE
from ui.french import euros
from ui.receipt import Layout, ReceiptInput, print_receipts, write_pdf
from ui.style import FONT_FAMILY, icon
from ui.texts import treasurer as treasurer_texts

CLUB = ClubProfile("Étoile sportive d'Hérouville", "73282932000074", "W751234567", "Football")


class SmokeFailure(Exception):
    """A check that failed; its text is the one-line reason."""


def check_bundle(folder: Path) -> list[str]:
    """Run every check in ``folder`` (a temporary folder of the program's own); returns
    the names of the checks passed, raises :class:`SmokeFailure` at the first failure."""
    validation = _validation()
    checks = (
        ("font", _font),
        ("French", _french),
        ("icons", _icons),
        ("receipt PDF", lambda: _receipt_pdf(folder, validation)),
        ("printed receipt", lambda: _printed_receipt(folder, validation)),
        ("XLSX export read back", lambda: _export(folder, validation)),
        ("training service", lambda: _training_service(folder)),
        ("TLS", lambda: _tls(folder)),
        ("forum", lambda: _forum(folder)),
    )
    for name, check in checks:
        try:
            check()
        except SmokeFailure:
            raise
        except Exception as error:  # the check's own failure, named
            raise SmokeFailure(f"{name}: {type(error).__name__}: {error}") from error
    return [name for name, _ in checks]


def _validation() -> Validation:
    return Validation(
        id=1,
        receipt_no="SMK-00001",
        code="25-ABCD-EFGH",
        season=2025,
        last_name="Dupont",
        first_name="Léa",
        birth_date=date(2012, 3, 14),
        activity="Football U13",
        fee_cents=15000,
        amount_cents=7000,
        state=State.TO_SEND,
        recorded_at=datetime.now(UTC),
        recorded_by="Julie",
    )


def _font() -> None:
    """Both faces of the shipped font are registered: a damaged file fails here."""
    styles = QFontDatabase.styles(FONT_FAMILY)
    for style in ("Regular", "Bold"):
        if style not in styles:
            raise SmokeFailure(f"font: {FONT_FAMILY} {style} is not loaded (resources/fonts)")


def _french() -> None:
    if QCoreApplication.translate("QPlatformTheme", "Cancel") != "Annuler":
        raise SmokeFailure("French: Qt's buttons are not in French (translations/qtbase_fr.qm)")


def _icons() -> None:
    for path in sorted(resource_path("icons").glob("*.svg")):
        if icon(path.stem).pixmap(24, 24).isNull():
            raise SmokeFailure(f"icons: {path.name} does not draw (Qt's SVG plugins)")


def _receipt_input(validation: Validation) -> ReceiptInput:
    return ReceiptInput(CLUB, validation, datetime.now(UTC), "Julie")


def _expect_receipt(path: Path, validation: Validation) -> None:
    text = _pdf_text(path)
    words = (
        "Reçu pass'Sport",
        validation.receipt_no,
        validation.code,
        f"{validation.first_name} {validation.last_name.upper()}",
        euros(validation.amount_cents),
        CLUB.name,
    )
    for expected in words:
        if _plain(expected) not in text:
            raise SmokeFailure(f"receipt: {expected!r} is not in {path.name}")


def _receipt_pdf(folder: Path, validation: Validation) -> None:
    path = write_pdf(folder / "recu.pdf", _receipt_input(validation), Layout.PAGE)
    _expect_receipt(path, validation)


def _printed_receipt(folder: Path, validation: Validation) -> None:
    """The print path (a QPrinter, the ticket layout), with the printer writing to a file."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    path = folder / "ticket.pdf"
    printer.setOutputFileName(str(path))
    print_receipts(printer, [_receipt_input(validation)], Layout.TICKET)
    _expect_receipt(path, validation)


def _pdf_text(path: Path) -> str:
    import pypdf  # the reader of the suite too: pure Python, kept by the py-pdf project

    reader = pypdf.PdfReader(path)
    return _plain(" ".join(page.extract_text() for page in reader.pages))


def _plain(text: str) -> str:
    """Text made comparable: no-break spaces, tabs and line breaks become one space."""
    text = unicodedata.normalize("NFKC", text.replace("\u202f", " ").replace("\u00a0", " "))
    return " ".join(text.split())


def _export(folder: Path, validation: Validation) -> None:
    """The treasurer's XLSX export of one registration, opened by the import's reader."""
    v = validation
    row = (
        v.receipt_no,
        v.code,
        v.last_name,
        v.first_name,
        v.activity,
        v.season,
        v.recorded_at.date(),
        v.state.value,
        v.amount_cents,
        None,
        None,
        v.amount_cents,
    )
    path = folder / "export.xlsx"
    export_xlsx(path, [row], 1, treasurer_texts.EXPORT_LABELS)
    sheets = read_workbook(path, max_rows=10)
    cells = [cell for sheet in sheets for line in sheet.rows for cell in line]
    for expected in (treasurer_texts.EXPORT_LABELS.columns["receipt_no"], v.receipt_no, "Léa"):
        if expected not in cells:
            raise SmokeFailure(f"XLSX: {expected!r} is not in the exported workbook")


# -- TLS -----------------------------------------------------------------------------------------


def _training_service(folder: Path) -> None:
    """The redemption service that training mode starts (uvicorn, Starlette, the contract
    read from docs/api/openapi.yaml) enrols the program's link with the training code."""
    with ReferenceServer(folder / "training.sqlite3") as server, ApiClient(server.url) as client:
        enrolment = client.enrol(TRAINING_ENROLMENT_CODE, "smoke")
        if not enrolment.club_name:
            raise SmokeFailure("training service: the enrolment named no club")


def _tls(folder: Path) -> None:
    """The program's link to the national service enrols against the service on 127.0.0.1
    over TLS, with a certificate made a moment ago: the handshake happens and the program
    refuses the certificate, as it must (nobody trusts it). This takes the whole path of a
    real enrolment: httpx, the system's trust store (truststore), Python's ssl and OpenSSL,
    and the service's own TLS (a forum's main desk serves it)."""
    cert, key = _throwaway_certificate(folder)
    with ReferenceServer(folder / "tls.sqlite3", tls=(cert, key)) as server:
        try:
            link = NationalLink(folder / "unused.sqlite3", keep_token_in_memory=True)
            link.enrol(server.url, "SMOKE-TEST", "smoke")
        except KnownError as error:
            if error.reason != "certificate_refused":
                raise SmokeFailure(
                    f"TLS: the exchange on 127.0.0.1 failed ({error.reason})"
                ) from None
        else:
            raise SmokeFailure("TLS: a certificate nobody trusts was accepted")


def _forum(folder: Path) -> None:
    """A main desk on 127.0.0.1 with its own certificate, a desk joining it with the
    pairing code (SPAKE2, the certificate pinned), and the announcement's record built
    (zeroconf from its Python source: build.spec leaves its compiled modules out)."""
    import zeroconf

    club = {"name": "Club du test", "siret": "73282932000074", "rna": "W751234567"}
    with Hub(folder / "forum", club, load_seasons(), opened_by="smoke", host="127.0.0.1") as hub:
        joined = join_hub(hub.server.url, hub.new_code().code, "smoke")
        if pem_fingerprint(joined.certificate_pem) != hub.fingerprint or not joined.token:
            raise SmokeFailure("forum: the desk did not pin the main desk's certificate")
    zeroconf.ServiceInfo(
        "_passsport-club._tcp.local.", "smoke._passsport-club._tcp.local.", port=1,
        properties={"v": "1"}, addresses=[b"\x7f\x00\x00\x01"],
    )  # fmt: skip


def _throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for an hour; its key and it as files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "passsport-club smoke test")])
    now = datetime.now(UTC)
    address = x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([address]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smoke-cert.pem", folder / "smoke-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path

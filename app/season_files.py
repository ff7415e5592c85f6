"""Season tables that update themselves: the signed season file of each release, the
national table, and which table is in force.

A season file is one JSON object, so that a volunteer carries one file::

    {"passsport_season_file": 1,
     "document": "<a season document, shaped as resources/seasons.json, as text>",
     "signature": "<base64 of the Ed25519 signature of the UTF-8 bytes of document>"}

The document travels as text: the bytes signed are the bytes checked, no canonical JSON
is needed. It bears its ``published`` date; a file older than the table in force is
refused. The program ships the public key (``resources/seasons-key.pub``); the private
key stays with the release manager, never in the repository::

    python -m app.season_files keygen PRIVATE_KEY_FILE PUBLIC_KEY_FILE
    python -m app.season_files sign PRIVATE_KEY_FILE seasons.json saisons.json

A table that came in (a file, the national service) is kept in the ``season_tables`` table
(migration 5) with its source and date; the last one is in force at the next start,
unless the program ships a newer one. A new table that contradicts registrations already
recorded (:func:`changes`) is never applied without saying so: a file's is shown and asked
about first (the interface), the national one is applied, and what it changed is kept for
the treasurer (``TableOrigin.notice``).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import sqlite3
import sys
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.errors import KnownError
from app.logs import get_logger
from app.resources import resource_path
from app.seasons import (
    ChangeKind,
    Season,
    SeasonChange,
    SeasonDataError,
    SeasonDataReason,
    SeasonTable,
    TableOrigin,
    TableSource,
)
from app.store import transaction

log = get_logger("seasons")

FILE_FORMAT = 1
MARKER = "passsport_season_file"
PUBLIC_KEY = "seasons-key.pub"
MAX_FILE_BYTES = 1_000_000


class SeasonFileError(KnownError):
    """A season file refused: ``unreadable``, ``not_season_file``, ``no_signature``,
    ``bad_signature``, or ``older`` (than the table in force; ``published``
    and ``in_force`` say the two dates)."""


@dataclass(frozen=True)
class SeasonUpdate:
    """A table that could come in force: ``table`` (with its origin), what it would
    change under recorded registrations, and whether it is the table in force already."""

    table: SeasonTable
    changes: tuple[SeasonChange, ...]
    already: bool = False
    against: SeasonTable | None = None  # the table in force these changes were found under


def public_key(pem: bytes | None = None) -> Ed25519PublicKey:
    """The key season files are checked with: ``pem`` if given, else the shipped one."""
    data = pem if pem is not None else resource_path(PUBLIC_KEY).read_bytes()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the season key must be an Ed25519 key")
    return key


# Reading and signing files
def read_file(path: Path, key: Ed25519PublicKey) -> SeasonTable:
    """The table of a signed season file, checked: signature, then every season check
    of :meth:`SeasonTable.from_document`, and a ``published`` date."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise SeasonFileError("unreadable") from error
    if len(data) > MAX_FILE_BYTES:
        raise SeasonFileError("not_season_file")
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SeasonFileError("not_season_file") from None
    if not isinstance(envelope, dict):
        raise SeasonFileError("not_season_file")
    if MARKER not in envelope:
        # A bare season document (seasons.json) is a season file without its signature.
        raise SeasonFileError("no_signature" if "seasons" in envelope else "not_season_file")
    document, signature = envelope.get("document"), envelope.get("signature")
    if envelope[MARKER] != FILE_FORMAT or not isinstance(document, str):
        raise SeasonFileError("not_season_file")
    if not isinstance(signature, str) or not signature:
        raise SeasonFileError("no_signature")
    try:
        key.verify(base64.b64decode(signature, validate=True), document.encode("utf-8"))
    except (InvalidSignature, binascii.Error, ValueError):
        raise SeasonFileError("bad_signature") from None
    return _dated_table(document)


def _dated_table(text: str) -> SeasonTable:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise SeasonDataError(SeasonDataReason.NOT_JSON) from error
    table = SeasonTable.from_document(document)
    if table.published is None:
        raise SeasonDataError(SeasonDataReason.NO_DATE, field="published")
    return table


def sign(document_text: str, key: Ed25519PrivateKey) -> str:
    """The season file for ``document_text``, which is checked first: a release never
    ships a table the program would refuse."""
    _dated_table(document_text)
    signature = base64.b64encode(key.sign(document_text.encode("utf-8"))).decode("ascii")
    envelope = {MARKER: FILE_FORMAT, "document": document_text, "signature": signature}
    return json.dumps(envelope, ensure_ascii=False, indent=1) + "\n"


# What a new table would change
def changes(conn: sqlite3.Connection, current: SeasonTable, new: SeasonTable) -> tuple:
    """How ``new`` contradicts the registrations recorded under ``current`` (cancelled
    ones apart): a season removed, its amount changed, registrations its new window or
    ages would no longer allow (that ``current`` allowed)."""
    rows: dict[int, list[tuple[datetime, date | None]]] = {}
    for season, recorded_at, born in conn.execute(
        "SELECT season, recorded_at, birth_date FROM validation_rows WHERE state != 'cancelled'"
    ):
        birth = date.fromisoformat(born) if born else None  # erased after the retention time
        rows.setdefault(season, []).append((datetime.fromisoformat(recorded_at), birth))
    found: list[SeasonChange] = []
    for year in sorted(rows):
        old, now = current.by_year(year), new.by_year(year)
        recorded = rows[year]
        if now is None:
            if old is not None:
                found.append(SeasonChange(year, ChangeKind.REMOVED, len(recorded)))
            continue
        if old is not None and now.deadline < old.deadline:
            # Codes not sent by the new deadline are lost, and the purge comes sooner.
            found.append(SeasonChange(year, ChangeKind.DEADLINE, len(recorded)))
        if old is not None and old.amount_cents != now.amount_cents:
            found.append(
                SeasonChange(
                    year, ChangeKind.AMOUNT, len(recorded), old.amount_cents, now.amount_cents
                )
            )
        dates = sum(1 for at, _ in recorded if _in_window(old, at) and not _in_window(now, at))
        if dates:
            found.append(SeasonChange(year, ChangeKind.DATES, dates))
        ages = sum(
            1
            for _, birth in recorded
            if birth is not None and _of_age(old, birth) and not now.age_allowed(birth)
        )
        if ages:
            found.append(SeasonChange(year, ChangeKind.AGES, ages))
    return tuple(found)


def _keeping_recorded(new: SeasonTable, current: SeasonTable, found) -> SeasonTable:
    """``new``, plus each season it drops that registrations were recorded under, as the
    table in force had it: those registrations keep a season to be corrected, counted and
    purged by."""
    removed = [c.year for c in found if c.kind is ChangeKind.REMOVED]
    kept = [current.by_year(year) for year in removed]
    if not kept:
        return new
    return SeasonTable([*new, *kept], published=new.published)


def _in_window(season: Season | None, at: datetime) -> bool:
    return season is None or season.is_open(at)


def _of_age(season: Season | None, birth: date) -> bool:
    return season is None or season.age_allowed(birth)


# Which table is in force
def in_force(conn: sqlite3.Connection, shipped: SeasonTable) -> SeasonTable:
    """The table to use at start: the last one kept, unless ``shipped`` is newer."""
    row = conn.execute(
        "SELECT source, applied_at, document, notice FROM season_tables ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return shipped
    source, applied_at, document, notice = row
    try:
        table = SeasonTable.from_document(json.loads(document))
    except (ValueError, SeasonDataError):
        log.warning("the season table kept is unreadable: the shipped one is used")
        return shipped
    # The national side decides whatever the dates; a file gives way to a newer program.
    national = TableSource(source) is TableSource.NATIONAL
    if (
        not national
        and shipped.published is not None
        and (table.published is None or shipped.published > table.published)
    ):
        return shipped
    kept = tuple(
        SeasonChange(**{**item, "kind": ChangeKind(item["kind"])}) for item in json.loads(notice)
    )
    since = datetime.fromisoformat(applied_at)
    return table.with_origin(TableOrigin(TableSource(source), since, kept))


def file_update(
    conn: sqlite3.Connection, current: SeasonTable, path: Path, now: datetime, key
) -> SeasonUpdate:
    """What the season file at ``path`` would change; nothing is applied."""
    table = read_file(path, key)
    if current.published is not None and table.published < current.published:
        raise SeasonFileError("older", published=table.published, in_force=current.published)
    origin = TableOrigin(TableSource.FILE, now)
    if table.same_seasons(current):
        return SeasonUpdate(table.with_origin(origin), (), already=True, against=current)
    found = changes(conn, current, table)
    table = _keeping_recorded(table, current, found)
    return SeasonUpdate(table.with_origin(origin), found, against=current)


def national_update(
    conn: sqlite3.Connection, current: SeasonTable, document: object, now: datetime
) -> SeasonUpdate | None:
    """The national table (``GET /v1/seasons``) put in force, as the national side is
    authoritative; what it changed under recorded registrations is kept as the notice.
    None when it is the table in force already, or unreadable (then logged)."""
    try:
        table = SeasonTable.from_document(document)
    except SeasonDataError as error:
        log.warning("national season table refused (%s)", error)
        return None
    found = () if table.same_seasons(current) else changes(conn, current, table)
    table = _keeping_recorded(table, current, found)
    same = table.same_seasons(current) and table.published == current.published
    if same and current.origin.source is TableSource.NATIONAL:
        return None
    origin = TableOrigin(TableSource.NATIONAL, now, found)
    update = SeasonUpdate(table.with_origin(origin), found, against=current)
    apply(conn, update)
    if found:
        log.info("the national season table changes %d recorded season(s)", len(found))
    return update


def apply(conn: sqlite3.Connection, update: SeasonUpdate) -> SeasonTable:
    """Keep ``update``'s table as the one in force (committed when this returns)."""
    table, origin = update.table, update.table.origin
    notice = [asdict(change) for change in origin.notice]
    with transaction(conn):
        conn.execute(
            "INSERT INTO season_tables(source, published, applied_at, document, notice)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                str(origin.source),
                table.published.isoformat() if table.published else None,
                origin.since.isoformat() if origin.since else None,
                json.dumps(table.to_document(), ensure_ascii=False),
                json.dumps(notice),
            ),
        )
    return table


# The release manager's command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.season_files", description="Make the signed season file."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="a new key pair (keep the private one safe)")
    keygen.add_argument("private_key", type=Path)
    keygen.add_argument("public_key", type=Path)
    signing = commands.add_parser("sign", help="sign a season document")
    signing.add_argument("private_key", type=Path)
    signing.add_argument("document", type=Path, help="shaped as resources/seasons.json")
    signing.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    if args.command == "keygen":
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(args.private_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        args.public_key.write_bytes(
            private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return 0
    private = serialization.load_pem_private_key(args.private_key.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        print("the key is not an Ed25519 private key", file=sys.stderr)
        return 2
    try:
        text = sign(args.document.read_text(encoding="utf-8"), private)
    except SeasonDataError as error:
        print(f"season document refused: {error}", file=sys.stderr)
        return 1
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

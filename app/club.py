"""The club's identity: name, SIRET, RNA number and federation.

Asked for at first start, shown on every receipt, changeable later.

The RNA number is ``W`` and 9 characters: the department (two digits, ``2A`` or ``2B`` in
Corsica), then digits. Associations of Alsace-Moselle (departments 57, 67 and 68) under
local law are registered at the tribunal judiciaire, not in the RNA: they have no RNA
number, and their profile stores none.
"""

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

from app.errors import FormError
from app.store import transaction

NAME_MAX = 120
FEDERATION_MAX = 120
_RNA = re.compile(r"W(?:\d\d|2[AB])\d{7}")
# What the club form sends as the RNA of an association under the local law of
# Alsace-Moselle, which has none (see ``make_profile``).
LOCAL_LAW = "droit local"
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]+")


@dataclass(frozen=True)
class ClubProfile:
    name: str
    siret: str
    rna: str
    federation: str = ""

    @property
    def local_law(self) -> bool:
        """An association of Alsace-Moselle under local law: it has no RNA number."""
        return not self.rna

    @property
    def siret_display(self) -> str:
        """``732 829 320 00074``: SIREN in groups of three, then the NIC."""
        s = self.siret
        return f"{s[0:3]} {s[3:6]} {s[6:9]} {s[9:14]}"


def _clean_text(value: str) -> str:
    return " ".join(value.split())


def check_siret(value: str) -> tuple[str, str | None]:
    """The compact SIRET and ``None``, or what was typed and a reason code."""
    compact = _SEPARATORS.sub("", value)
    if not compact:
        return compact, "required"
    if not compact.isdigit():
        return compact, "siret_not_digits"
    if len(compact) != 14:
        return compact, "siret_length"
    try:
        stdnum_siret.validate(compact)
    except stdnum_errors.ValidationError:
        return compact, "siret_checksum"
    return compact, None


def check_rna(value: str) -> tuple[str, str | None]:
    """The RNA number (``W`` and 9 characters, ``W2A…`` or ``W2B…`` in Corsica) and
    ``None``, or what was typed and a reason code."""
    compact = _SEPARATORS.sub("", value).upper()
    if not compact:
        return compact, "rna_required"
    if not _RNA.fullmatch(compact):
        return compact, "rna_format"
    return compact, None


def make_profile(name: str, siret: str, rna: str, federation: str = "") -> ClubProfile:
    """A checked profile, or :class:`FormError` naming each wrong field. ``rna`` is
    ``LOCAL_LAW`` for an association under the local law of Alsace-Moselle: none is kept."""
    errors: dict[str, str] = {}
    name = _clean_text(name)
    federation = _clean_text(federation)
    if not name:
        errors["name"] = "required"
    elif len(name) > NAME_MAX:
        errors["name"] = "too_long"
    siret, siret_error = check_siret(siret)
    if siret_error:
        errors["siret"] = siret_error
    if rna.strip().lower() == LOCAL_LAW:
        rna = ""
    else:
        rna, rna_error = check_rna(rna)
        if rna_error:
            errors["rna"] = rna_error
    if len(federation) > FEDERATION_MAX:
        errors["federation"] = "too_long"
    if errors:
        raise FormError(errors)
    return ClubProfile(name, siret, rna, federation)


def load_profile(conn: sqlite3.Connection) -> ClubProfile | None:
    row = conn.execute("SELECT name, siret, rna, federation FROM club WHERE id = 1").fetchone()
    return ClubProfile(*row) if row else None


def save_profile(conn: sqlite3.Connection, profile: ClubProfile) -> ClubProfile:
    """Store the profile; it is saved when this returns."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(conn):
        conn.execute(
            "INSERT INTO club(id, name, siret, rna, federation, updated_at)"
            " VALUES (1, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name, siret = excluded.siret,"
            " rna = excluded.rna, federation = excluded.federation,"
            " updated_at = excluded.updated_at",
            (profile.name, profile.siret, profile.rna, profile.federation, now),
        )
        conn.execute(
            "INSERT INTO journal(at, kind, detail) VALUES (?, 'club_profile_saved', '')", (now,)
        )
    return profile

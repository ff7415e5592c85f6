"""The actions of the program, one method each, over one open database.

The interface calls these and shows what they return; they raise only
:class:`app.errors.KnownError` subclasses for expected failures.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app import backups, club, desk_lock, keys, retention, search, season_files, validations
from app.club import ClubProfile
from app.codes import PassCode, parse_code
from app.errors import FormError, KnownError
from app.people import Person, check_extras, check_person, clean_name, parse_money
from app.seasons import FIRST_YEAR, LAST_YEAR, Season, SeasonTable, load_seasons
from app.store import open_store
from app.validations import ChequeState, Validation
from app.vault import Vault, new_key


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_desk(
    database: Path,
    backups_folder: Path,
    passphrase: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    *,
    throwaway_key: bool = False,
    seasons: SeasonTable | None = None,
    season_key: bytes | None = None,
) -> "Desk":
    """The desk over ``database``, opened with its key (the keyring's, or the passphrase's
    when asked): how the program, a restore, training and the tests open their data.

    ``throwaway_key``: a key that lives only in memory (training, the smoke test), so
    the data cannot be read once the program stops. The season table is the one kept in
    the data when newer than ``seasons`` (default: the shipped one); season files are
    checked with ``season_key`` (PEM; default: the shipped key)."""
    seasons = seasons or load_seasons()
    if throwaway_key:
        vault = Vault(new_key())
        conn = open_store(database, backups_folder, vault)
    else:
        conn, vault = keys.open_encrypted(database, backups_folder, passphrase)
    in_force = season_files.in_force(conn, seasons)
    return Desk(conn, in_force, clock, vault, season_files.public_key(season_key))


class DeskError(KnownError):
    """``no_open_season``: no season takes registrations today."""


class Desk:
    def __init__(
        self,
        conn: sqlite3.Connection,
        seasons: SeasonTable,
        clock: Callable[[], datetime] = utc_now,
        vault: Vault | None = None,
        season_key: season_files.Ed25519PublicKey | None = None,
    ) -> None:
        self._conn = conn
        self._season_key = season_key or season_files.public_key()
        self.vault = vault  # for the other connections to the same file (the sync engine)
        self.seasons = seasons
        self._clock = clock
        self.volunteer = ""  # first name given at the start of a desk session
        self._index = search.SearchIndex()
        # Called after each registration or change of one is saved (committed), with it:
        # the interface counts them to back up after the day's work. They must not raise.
        self.after_save: list[Callable[[Validation], None]] = []

    def close(self) -> None:
        self._conn.close()

    def now(self) -> datetime:
        return self._clock()

    # Club
    def club_profile(self) -> ClubProfile | None:
        return club.load_profile(self._conn)

    def save_club_profile(
        self, name: str, siret: str, rna: str, federation: str = ""
    ) -> ClubProfile:
        return club.save_profile(self._conn, club.make_profile(name, siret, rna, federation))

    def set_volunteer(self, first_name: str) -> str:
        name, reason = clean_name(first_name)
        if reason and reason != "required":
            raise FormError({"volunteer": reason})
        self.volunteer = name
        return name

    # Registration
    def read_code(self, text: str) -> tuple[PassCode, Validation | None]:
        """The code typed and, if this code is already registered here, that registration."""
        code = parse_code(text, self.seasons, self.now())
        return code, validations.find_live_by_code(self._conn, code)

    def season_of(self, code: PassCode) -> Season:
        return self.seasons.by_year(code.year)

    def open_season(self) -> Season:
        """The season taking registrations now (for a registration without a code)."""
        season = self.seasons.for_date(self.now())
        if season is None or not season.is_open(self.now()):
            raise DeskError("no_open_season")
        return season

    def check_person(self, last_name: str, first_name: str, birth: str, season: Season) -> Person:
        today = self.now().astimezone(season.timezone).date()
        return check_person(last_name, first_name, birth, season, today)

    def check_extras(self, activity: str, fee: str) -> tuple[str, int | None]:
        return check_extras(activity, fee)

    def validate(
        self, code: PassCode, person: Person, activity: str = "", fee_cents: int | None = None
    ) -> Validation:
        """Record a pass'Sport. Saved when this returns; sent to the national service later."""
        return self._noted(
            validations.record(
                self._conn,
                code,
                person,
                self.season_of(code),
                self.now(),
                self.volunteer,
                activity,
                fee_cents,
            )
        )

    def take_deposit(
        self,
        person: Person,
        season: Season,
        number: str,
        bank: str,
        amount: str,
        activity: str = "",
        fee_cents: int | None = None,
    ) -> Validation:
        """Register with a deposit cheque while the family waits for its code."""
        errors = {}
        number = " ".join(number.split())
        bank = " ".join(bank.split())
        if not number:
            errors["cheque_number"] = "required"
        if not bank:
            errors["cheque_bank"] = "required"
        cents, reason = parse_money(amount)
        if reason or cents is None:
            errors["cheque_amount"] = reason or "required"
        if errors:
            raise FormError(errors)
        cheque = validations.Cheque(number[:40], bank[:60], cents)
        return self._noted(
            validations.record(
                self._conn,
                None,
                person,
                season,
                self.now(),
                self.volunteer,
                activity,
                fee_cents,
                cheque,
            )
        )

    def attach_code(self, validation_id: int, code: PassCode) -> Validation:
        return self._noted(
            validations.attach_code(self._conn, validation_id, code, self.now(), self.volunteer)
        )

    def settle_cheque(self, validation_id: int, outcome: ChequeState) -> Validation:
        return validations.settle_cheque(
            self._conn, validation_id, outcome, self.now(), self.volunteer
        )

    def cancel(self, validation_id: int, reason: str) -> Validation:
        reason = " ".join(reason.split())
        if not reason:
            raise FormError({"reason": "required"})
        return validations.cancel(
            self._conn, validation_id, reason[:200], self.now(), self.volunteer
        )

    def correct_person(self, validation_id: int, last: str, first: str, birth: str) -> Validation:
        current = validations.get(self._conn, validation_id)
        person = self.check_person(last, first, birth, self.seasons.by_year(current.season))
        return self._noted(
            validations.correct_person(
                self._conn, validation_id, person, self.now(), self.volunteer
            )
        )

    def was_printed(self, validation_id: int) -> bool:
        """True when a receipt was already printed: the next one says DUPLICATA."""
        return validations.was_printed(self._conn, validation_id)

    def note_printed(self, validation_id: int) -> None:
        validations.note_printed(self._conn, validation_id, self.now(), self.volunteer)

    # Finding
    def get(self, validation_id: int) -> Validation:
        return validations.get(self._conn, validation_id)

    def _noted(self, saved: Validation) -> Validation:
        self._index.note(saved)
        for callback in self.after_save:
            callback(saved)
        return saved

    def prepare_search(self, conn: sqlite3.Connection) -> search.SearchIndex:
        """Open every name for searching, on ``conn`` (a background thread's own
        connection): the first search then answers at once. Hand the result to
        :meth:`use_search`."""
        return search.SearchIndex.built(conn)

    def use_search(self, index: search.SearchIndex) -> None:
        self._index.adopt(index)

    def reload_search(self) -> None:
        """Registrations were added by another connection (an import): search them too."""
        self._index = search.SearchIndex()

    def find(self, query: str) -> list[Validation]:
        return self._index.search(self._conn, query, self.now().date())

    def to_check(self) -> list[Validation]:
        """The registrations the national service refused: a person must look."""
        return search.by_state(self._conn, "to_check")

    def name_suggestions(self) -> list[str]:
        return self._index.name_suggestions(self._conn)

    # Keeping the data safe
    def backup(self, folder: Path, reason: str = "manuelle") -> backups.Backup:
        """A checked copy of the data in ``folder`` (a USB key, the backups folder)."""
        return backups.make_backup(self._conn, folder, reason, self.now())

    def housekeeping(self, folder: Path, keep_days: int, retention_months: int) -> int:
        """At start: the erasure of expired personal data, in the database and in every
        copy of it, then the day's backup (which holds none of it).
        Returns how many registrations had their personal data erased."""
        erased = retention.purge(self._conn, self.seasons, self.now(), retention_months)
        if erased:
            self._index = search.SearchIndex()
        retention.purge_copies(self._conn, [folder], self.seasons, self.now(), retention_months)
        backups.daily_backup(self._conn, folder, self.now(), keep_days)
        return erased

    def erase_personal_data(self, folder: Path) -> int:
        """Erase the young people's names and birth dates of every season, in the
        database and in every copy of it (the backups in ``folder``, data set aside): a
        laptop lent for a forum leaves it holding none. What proves the money stays.
        Returns how many registrations had their personal data erased."""
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))  # a copy may hold any of them
        erased = retention.erase_seasons(self._conn, years, self.now())
        self._index = search.SearchIndex()
        retention.erase_in_copies(self._conn, [folder], years, self.now(), self.seasons)
        return erased

    # The season table (app/season_files.py)
    def read_season_file(self, path: Path) -> season_files.SeasonUpdate:
        """What the signed season file at ``path`` would change; nothing is applied."""
        return season_files.file_update(
            self._conn, self.seasons, Path(path), self.now(), self._season_key
        )

    def apply_seasons(self, update: season_files.SeasonUpdate) -> SeasonTable:
        """Put ``update``'s table in force (saved when this returns)."""
        self.seasons = season_files.apply(self._conn, update)
        return self.seasons

    def take_national_seasons(self, document: object) -> season_files.SeasonUpdate | None:
        """The national table put in force, if it is new (see app/season_files.py)."""
        update = season_files.national_update(self._conn, self.seasons, document, self.now())
        if update is not None:
            self.seasons = update.table
        return update

    # The recovery sheet (app/keys.py)
    def new_recovery_phrase(self) -> str:
        """A new recovery phrase for the data, to print once; the previous one opens it
        no more."""
        return keys.make_recovery_phrase(self._conn, self.vault)

    def has_recovery_phrase(self) -> bool:
        return keys.has_recovery_phrase(self._conn)

    def change_passphrase(self, passphrase: str) -> None:
        """The data opens with this passphrase from now on (the sealed data stays as it is)."""
        keys.change_passphrase(self._conn, self.vault, passphrase)

    # The desk lock of a shared laptop
    def set_lock(self, pin: str, minutes: int) -> None:
        desk_lock.set_pin(self._conn, pin, minutes)

    def clear_lock(self) -> None:
        desk_lock.clear_pin(self._conn)

    def lock_minutes(self) -> int | None:
        return desk_lock.lock_minutes(self._conn)

    def pin_matches(self, pin: str) -> bool:
        """Whether ``pin`` opens the locked desk: its PIN, or, when the PIN is forgotten,
        the phrase of the recovery sheet."""
        return desk_lock.pin_matches(self._conn, pin) or keys.recovery_matches(self._conn, pin)

    def pending_count(self) -> int:
        """How many changes wait to be sent to the national service."""
        return self._conn.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND withdrawn_at IS NULL"
        ).fetchone()[0]

"""The ordered list of schema migrations. Never edit one that has shipped: add one.

Migration N brings ``PRAGMA user_version`` from N-1 to N; :mod:`app.store`
runs each in its own transaction.
"""

import secrets
import sqlite3

# Letters that cannot be mistaken for digits when read aloud or handwritten.
DEVICE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of ``script`` inside the caller's transaction.

    ``executescript`` would commit first, breaking the migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError("incomplete SQL statement in migration")


def _v1_first_tables(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE club (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            siret TEXT NOT NULL,
            rna TEXT NOT NULL,
            federation TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );

        -- One registration of a young person with a pass'Sport (or, while the
        -- code is awaited, with a deposit cheque).
        CREATE TABLE validations (
            id INTEGER PRIMARY KEY,
            receipt_no TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL UNIQUE,
            code TEXT,
            season INTEGER NOT NULL,
            last_name TEXT NOT NULL,
            first_name TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            activity TEXT NOT NULL DEFAULT '',
            fee_cents INTEGER CHECK (fee_cents IS NULL OR fee_cents >= 0),
            amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
            state TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL DEFAULT '',
            cheque_number TEXT,
            cheque_bank TEXT,
            cheque_cents INTEGER,
            cheque_state TEXT,
            cancelled_at TEXT,
            cancel_reason TEXT,
            national_id TEXT,
            national_state TEXT,
            national_at TEXT,
            paid_cents INTEGER,
            paid_on TEXT,
            search_text TEXT NOT NULL DEFAULT '',
            CHECK (code IS NOT NULL OR state IN ('awaiting_code', 'cancelled'))
        );
        CREATE UNIQUE INDEX validations_one_live_code
            ON validations(code) WHERE code IS NOT NULL AND state != 'cancelled';
        CREATE INDEX validations_recorded_at ON validations(recorded_at);
        CREATE INDEX validations_names ON validations(last_name, first_name);

        -- What the sync engine must still tell the national service. Written in
        -- the same transaction as the change it carries.
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            validation_id INTEGER NOT NULL REFERENCES validations(id),
            kind TEXT NOT NULL CHECK (kind IN ('redeem', 'cancel')),
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            sent_at TEXT,
            withdrawn_at TEXT,
            last_error TEXT
        );
        CREATE INDEX outbox_pending ON outbox(sent_at, withdrawn_at, id);
        CREATE INDEX outbox_validation ON outbox(validation_id);

        -- What happened, in order. Kept with the financial proof.
        CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            validation_id INTEGER REFERENCES validations(id),
            actor TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX journal_validation ON journal(validation_id);

        -- A registration as the program reads it: with whether it was sent.
        CREATE VIEW validation_rows AS
            SELECT v.*, EXISTS (
                SELECT 1 FROM outbox o WHERE o.validation_id = v.id
                AND o.kind = 'redeem' AND o.sent_at IS NOT NULL
            ) AS sent
            FROM validations v;
        """,
    )
    device = "".join(secrets.choice(DEVICE_ALPHABET) for _ in range(3))
    conn.execute("INSERT INTO meta(key, value) VALUES ('device', ?)", (device,))
    conn.execute("INSERT INTO meta(key, value) VALUES ('receipt_seq', '0')")


def _v2_national_answers(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        -- Why the national service refused a registration ("to_check"), as a reason code.
        ALTER TABLE validations ADD COLUMN national_reason TEXT;
        CREATE INDEX validations_state ON validations(state);
        CREATE INDEX validations_national_id ON validations(national_id);
        -- Searching scans this narrow index rather than the wide rows.
        CREATE INDEX validations_search ON validations(search_text, recorded_at);
        """,
    )


# Personal fields sealed by the vault (app/vault.py); each is bound to its column name
# (migration 3), then also to its table and row id (migration 4).
SEALED = ("code", "last_name", "first_name", "birth_date", "cancel_reason")


def _v3_sealed_personal_data(conn: sqlite3.Connection) -> None:
    """Seal the personal fields already written; equality lookups go through a keyed hash."""
    seal = ", ".join(f"{c} = pii_seal({c}, '{c}')" for c in SEALED)
    opened = ", ".join(f"pii_open(v.{c}, '{c}') AS {c}" for c in SEALED)
    _run(
        conn,
        f"""
        DROP VIEW validation_rows;
        DROP INDEX validations_one_live_code;
        DROP INDEX validations_names;
        DROP INDEX validations_search;
        ALTER TABLE validations DROP COLUMN search_text;
        ALTER TABLE validations ADD COLUMN code_hash TEXT;
        UPDATE validations SET code_hash = pii_hash(code), {seal};
        CREATE UNIQUE INDEX validations_one_live_code
            ON validations(code_hash) WHERE code_hash IS NOT NULL AND state != 'cancelled';
        CREATE VIEW validation_rows AS
            SELECT v.id, v.receipt_no, v.idempotency_key, v.season, v.activity, v.fee_cents,
                v.amount_cents, v.state, v.recorded_at, v.recorded_by, v.cheque_number,
                v.cheque_bank, v.cheque_cents, v.cheque_state, v.cancelled_at, v.national_id,
                v.national_state, v.national_at, v.national_reason, v.paid_cents, v.paid_on,
                {opened},
                EXISTS (
                    SELECT 1 FROM outbox o WHERE o.validation_id = v.id
                    AND o.kind = 'redeem' AND o.sent_at IS NOT NULL
                ) AS sent
            FROM validations v;
        """,
    )


def _v4_sealed_to_their_row(conn: sqlite3.Connection) -> None:
    """Bind each sealed value to its row as well as its column: a value swapped into
    another row no longer opens."""
    reseal = ", ".join(
        f"{c} = CASE WHEN {c} = '' THEN '' ELSE"  # erased stays erased (app/retention.py)
        f" pii_seal(pii_open({c}, '{c}'), 'validations.{c}', id) END"
        for c in SEALED
    )
    opened = ", ".join(f"pii_open(v.{c}, 'validations.{c}', v.id) AS {c}" for c in SEALED)
    _run(
        conn,
        f"""
        DROP VIEW validation_rows;
        UPDATE validations SET {reseal};
        CREATE VIEW validation_rows AS
            SELECT v.id, v.receipt_no, v.idempotency_key, v.season, v.activity, v.fee_cents,
                v.amount_cents, v.state, v.recorded_at, v.recorded_by, v.cheque_number,
                v.cheque_bank, v.cheque_cents, v.cheque_state, v.cancelled_at, v.national_id,
                v.national_state, v.national_at, v.national_reason, v.paid_cents, v.paid_on,
                {opened},
                EXISTS (
                    SELECT 1 FROM outbox o WHERE o.validation_id = v.id
                    AND o.kind = 'redeem' AND o.sent_at IS NOT NULL
                ) AS sent
            FROM validations v;
        """,
    )


def _v5_season_tables(conn: sqlite3.Connection) -> None:
    """The season tables that replaced the shipped one (app/season_files.py), kept in
    order: the last is in force, unless the program ships a newer one."""
    _run(
        conn,
        """
        CREATE TABLE season_tables (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL CHECK (source IN ('national', 'file')),
            published TEXT,
            applied_at TEXT NOT NULL,
            document TEXT NOT NULL,
            -- What it changed under recorded registrations (JSON), kept for the treasurer.
            notice TEXT NOT NULL DEFAULT '[]'
        );
        """,
    )


def _v6_forum_ids(conn: sqlite3.Connection) -> None:
    """At a forum, the main desk's id of a registration it holds, apart from the national
    service's own (``national_id``): cancels go to the main desk with it, and it is
    forgotten when the desk leaves the forum."""
    _run(conn, "ALTER TABLE validations ADD COLUMN forum_id TEXT;")


MIGRATIONS = (
    _v1_first_tables,
    _v2_national_answers,
    _v3_sealed_personal_data,
    _v4_sealed_to_their_row,
    _v5_season_tables,
    _v6_forum_ids,
)

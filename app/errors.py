"""Expected errors of the domain, each with a reason code and its data.

Only ``ui/`` turns them into words (``ui/texts/``). Anything else raised is a
bug: it is logged with its traceback and the user is told where the log is.
"""

import errno
import sqlite3


class KnownError(Exception):
    """An expected failure: bad input, a full disk, a damaged file..."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


class StoreError(KnownError):
    """The database cannot be used: ``unreadable``, ``damaged``, ``too_new``, ``disk_full``..."""


class FormError(KnownError):
    """Some fields of a form are wrong. ``fields`` maps each field to its reason code."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid_form", fields=fields)
        self.fields = fields


# What the storage said, in the program's reasons. SQLite keeps SQLITE_FULL for ENOSPC
# alone: a quota (EDQUOT) or a file-size limit (EFBIG) reaches it as SQLITE_IOERR_WRITE.
_SQLITE_REASONS = (
    ("SQLITE_FULL", "disk_full"),
    ("SQLITE_IOERR_WRITE", "disk_full"),
    ("SQLITE_IOERR", "write_failed"),
    ("SQLITE_READONLY", "read_only"),
    ("SQLITE_PERM", "read_only"),
    ("SQLITE_CANTOPEN", "read_only"),  # a journal or a copy cannot be made in the folder
    ("SQLITE_BUSY", "locked"),
    ("SQLITE_LOCKED", "locked"),
    ("SQLITE_CORRUPT", "damaged"),
    ("SQLITE_NOTADB", "unreadable"),
)
_ERRNO_REASONS = {
    errno.ENOSPC: "disk_full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "disk_full",
    errno.EFBIG: "disk_full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
}


def storage_reason(error: BaseException) -> str | None:
    """The reason code of an expected failure of the disk or the database (``disk_full``,
    ``read_only``, ``locked``, ``write_failed``, ``damaged``, ``unreadable``), or None when
    ``error`` is not one (a bug). The one place that tells a full disk from the rest."""
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", None) or ""
        # Extended names first: SQLITE_IOERR_WRITE before SQLITE_IOERR.
        for prefix, reason in _SQLITE_REASONS:
            if name == prefix or name.startswith(prefix + "_"):
                return reason
        return None
    if isinstance(error, OSError):
        # Any other refusal of the system (a USB key pulled out, a folder gone).
        return _ERRNO_REASONS.get(error.errno, "write_failed")
    return None

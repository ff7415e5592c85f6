"""Expected errors of the domain, each with a reason code and its data.

Only ``ui/`` turns them into words (``ui/texts.py``). Anything else raised is a
bug: it is logged with its traceback and the user is told where the log is.
"""


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

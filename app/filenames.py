"""Names and paths for the files the program writes for people to open: exports, receipts,
summaries, recovery sheets. One set of rules on every system, Windows' own, since a file
made on a Linux or macOS laptop must open on the club's Windows laptop too.

- A name may not hold ``< > : " / \\ | ? *`` nor control characters, may not end with a
  dot or a space, and may not be a device name of Windows (``CON``, ``PRN``, ``AUX``,
  ``NUL``, ``COM1``-``COM9``, ``LPT1``-``LPT9``...), in any case, with or without an
  extension: ``nul.csv`` is refused as well.
- A name holds at most 255 characters (NTFS, counted in UTF-16) and 255 bytes (ext4 and
  most Linux file systems count its UTF-8 bytes: ``é`` takes two).
- A whole path holds at most :data:`MAX_PATH` characters. Windows' classic limit is 260
  with its end mark; Python on Windows can go beyond it when long paths are enabled, but
  Excel cannot: it refuses to open a file whose full path is longer than 218 characters,
  whatever Windows allows. So the program refuses a longer path before writing anything,
  rather than make a file the treasurer cannot open.

:func:`path_problem` says what is wrong with a path chosen by the user; :func:`safe_file_name`
mends a name the program suggests (built from a club's or a person's name).
"""

import re
import unicodedata
from pathlib import Path

MAX_PATH = 218
MAX_NAME = 255  # characters (UTF-16 units) and UTF-8 bytes of one name
SUGGESTED_MAX = 120  # a suggested name stays short enough to read in the dialog
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_FORBIDDEN_RUN = re.compile(_FORBIDDEN.pattern + "+")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in "123456789\u00b9\u00b2\u00b3"}
)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def name_problem(name: str) -> str | None:
    """What Windows (or a disk) would refuse in the file name ``name``, as a reason code:
    ``empty``, ``forbidden_character``, ``reserved``, ``ends_badly``, ``too_long``; None if
    it is a good name everywhere."""
    if not name.strip(" ."):
        return "empty"
    if _FORBIDDEN.search(name):
        return "forbidden_character"
    # Windows ignores what follows the first dot, and the spaces before it: "con .txt".
    if name.partition(".")[0].rstrip(" ").upper() in _RESERVED:
        return "reserved"
    if name.endswith((".", " ")):
        return "ends_badly"
    if _utf16_length(name) > MAX_NAME or len(name.encode("utf-8")) > MAX_NAME:
        return "too_long"
    return None


def path_problem(path: Path | str) -> str | None:
    """What is wrong with ``path`` as a file to write for people: its name's problem
    (:func:`name_problem`), or ``path_too_long``; None if it is good."""
    path = Path(path)
    problem = name_problem(path.name)
    if problem is None and _utf16_length(str(path.absolute())) > MAX_PATH:
        return "path_too_long"
    return problem


def safe_file_name(name: str, extension: str) -> str:
    """``name`` made into a file name that every system accepts, ending in ``.extension``
    (given without its dot): what Windows refuses becomes a dash, a device name gets
    ``export-`` before it, a long name is cut. ``Club : Les Aigles?`` gives
    ``Club - Les Aigles.pdf``."""
    suffix = f".{extension}"
    text = unicodedata.normalize("NFC", name)
    if text.lower().endswith(suffix.lower()):
        text = text[: -len(suffix)]
    text = _FORBIDDEN_RUN.sub("-", text)
    text = " ".join(text.split()).strip(" .-")
    if not text:
        text = "export"
    elif name_problem(text + suffix) == "reserved":
        text = f"export-{text}"
    text = text[: SUGGESTED_MAX - len(suffix)]
    while len(f"{text}{suffix}".encode()) > MAX_NAME:  # letters of several bytes
        text = text[:-1]
    return text.rstrip(" .-") + suffix

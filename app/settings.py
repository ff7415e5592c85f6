"""The program's settings: each declared once (key, type, default), stored as plain JSON.

Settings belong to this computer (text size, printer layout), not to the club's data.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.logs import get_logger

log = get_logger("settings")


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type
    default: Any
    choices: tuple = ()


SETTINGS = {
    s.key: s
    for s in (
        Setting("receipt_layout", str, "page", ("page", "ticket")),
        Setting("auto_print", bool, False),
        Setting("text_scale", int, 100, (100, 125, 150, 175, 200)),
        Setting("sounds", bool, False),  # a short sound for a success or a failure at the desk
        Setting("api_url", str, ""),
        # Days a daily backup is kept; months after a season's deadline before its
        # personal data is erased (the control period).
        Setting("backup_keep_days", int, 30, (7, 14, 30, 60, 90)),
        Setting("retention_months", int, 24, (12, 18, 24, 36)),
        Setting("last_folder", str, ""),  # where the last file was chosen: the next starts there
        # The desk lock on this computer (app/desk_lock.py): locked or not, the wrong PINs
        # typed in a row and the moment of the last one, so that a restart keeps them.
        Setting("lock_locked", bool, False),
        Setting("lock_failures", int, 0),
        Setting("lock_failed_at", str, ""),
    )
}


class Settings:
    """Read once at start; each change is written at once (atomically)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._values: dict[str, Any] = {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError):
            log.warning("settings file unreadable, defaults used")
            raw = {}
        for key, value in raw.items() if isinstance(raw, dict) else ():
            if key in SETTINGS and self._valid(SETTINGS[key], value):
                self._values[key] = value

    @staticmethod
    def _valid(setting: Setting, value: Any) -> bool:
        if type(value) is not setting.kind:
            return False
        return not setting.choices or value in setting.choices

    def get(self, key: str) -> Any:
        return self._values.get(key, SETTINGS[key].default)

    def set(self, key: str, value: Any) -> None:
        if not self._valid(SETTINGS[key], value):
            raise ValueError(f"invalid value for setting {key}")
        self._values[key] = value
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._values, indent=2), encoding="utf-8")
        os.replace(temporary, self._path)

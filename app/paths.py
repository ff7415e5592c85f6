"""Every folder the program writes to, from one place.

By default the per-user folders of the system (platformdirs). The environment
variable ``PASSSPORT_CLUB_HOME`` redirects all of them below one folder: tests,
portable installs on a USB key, and the training mode's separate data use it.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

HOME_VARIABLE = "PASSSPORT_CLUB_HOME"
APP_NAME = "passsport-club"
APP_AUTHOR = "passsport-club"


@dataclass(frozen=True)
class Paths:
    data: Path
    logs: Path
    backups: Path
    config: Path

    @property
    def database(self) -> Path:
        return self.data / "club.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.logs / "passsport-club.log"

    @property
    def training(self) -> Path:
        """The training session's folder: removed on leaving, and at the next start if
        the program was stopped in training."""
        return self.data / "formation"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def create(self) -> "Paths":
        for folder in (self.data, self.logs, self.backups, self.config):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def default_paths(environ: dict[str, str] | None = None) -> Paths:
    """The folders to use, honouring ``PASSSPORT_CLUB_HOME``. Nothing is created."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_VARIABLE, "").strip()
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(root / "data", root / "logs", root / "backups", root / "config")
    dirs = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)
    data = Path(dirs.user_data_dir)
    return Paths(data, Path(dirs.user_log_dir), data / "backups", Path(dirs.user_config_dir))

"""What Orca says over the desk flow: a validation, an error and a duplicate.

    make orca-transcript

runs the program under the harness of tests/screen_reader.py, with Orca itself (Debian's
orca, and a French locale made for it in a private folder), drives the desk with the
keyboard, and prints, step by step, what Orca spoke (its debug log keeps every
"SPEECH OUTPUT"). docs/accessibility.md holds the transcript of the last run.
"""

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.screen_reader import ScreenReader, is_focus, notified
from tests.screen_reader_child import PASSPHRASE

CODE = "25ABCDEFGH"
QUIET_S = 1.5  # Orca has said all it will of a step once its log is quiet this long
# What Orca speaks; a key it echoes ends with a space before its voice settings.
SPOKEN = re.compile(r"SPEECH OUTPUT: '(.*?)'( ?)\{'")


class Transcript:
    def __init__(self, log: Path) -> None:
        self.log = log
        self.read = 0
        self.steps: list[tuple[str, list[str]]] = []

    def spoken(self) -> list[str]:
        """Each sentence Orca spoke, in order; what it echoed of the typing as ``*écho : …*``."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        lines: list[str] = []
        keys: list[str] = []
        for said, echo in SPOKEN.findall(text):
            if echo:
                keys.append(said.strip())
                continue
            if keys:
                lines.append(keys_line(keys))
                keys = []
            lines.append(said)
        if keys:
            lines.append(keys_line(keys))
        return lines

    def step(self, what: str) -> None:
        """Everything Orca has said since the last step, once it has stopped talking."""
        said = self.spoken()
        quiet_since = time.monotonic()
        deadline = quiet_since + 30
        while time.monotonic() - quiet_since < QUIET_S and time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.spoken()
            if now != said:
                said, quiet_since = now, time.monotonic()
        lines = [line for line in said[self.read :] if line.strip()]
        self.read = len(said)
        self.steps.append((what, lines))


def telling(text: str):
    """The focus lands on an object whose description holds ``text``, or the focused
    object's description comes to hold it."""
    return lambda e: (
        e["type"]
        in ("object:state-changed:focused", "object:property-change:accessible-description")
        and "focused" in e.get("states", ())
        and text in (e.get("description") or "")
    )


def keys_line(keys: list[str]) -> str:
    shown = [key for key in keys if key not in ("maj gauche", "maj droite")]
    return f"*écho : {' '.join(shown)}*"


def french_locale(folder: Path) -> dict:
    """A fr_FR.UTF-8 locale of its own, so that Orca speaks French as on a club laptop."""
    subprocess.run(
        ["localedef", "-i", "fr_FR", "-f", "UTF-8", str(folder / "fr_FR.UTF-8")],
        check=True,
        capture_output=True,
    )
    return {"LOCPATH": str(folder), "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"}


def run(folder: Path) -> list[tuple[str, list[str]]]:
    home = folder / "home"
    home.mkdir()
    reader = ScreenReader(home, folder)
    log = folder / "orca.log"
    transcript = Transcript(log)

    def step(what: str, keys, until=is_focus) -> None:
        """Press ``keys``, wait for the program's answer on the bus, then for Orca."""
        start = reader.mark()
        keys()
        reader.wait(until, start, what)
        transcript.step(what)

    try:
        reader.start()
        reader.focus(0, "the passphrase field")
        reader.env.update(french_locale(folder))
        reader.start_orca(log)
        deadline = time.monotonic() + 30
        while not transcript.spoken():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Orca never spoke: see {log}")
            time.sleep(0.2)
        transcript.step("Orca démarre : la phrase secrète est demandée")
        reader.stop_hearing_keys()
        step(
            "La phrase secrète est tapée",
            lambda: reader.type(PASSPHRASE),
            lambda e: (
                e["type"] == "object:text-changed:insert" and e["detail1"] == len(PASSPHRASE) - 1
            ),
        )
        step("Entrée : l'accueil", lambda: reader.keys("Return"), telling("Que voulez-vous"))
        step("F2 : la page du code", lambda: reader.keys("F2"), telling("Tapez ou scannez"))
        step(
            "Le code tapé ; complet, il passe seul à la page du jeune",
            lambda: reader.type(CODE),
            telling("Recopiez le nom"),
        )
        step(
            "Entrée sur le formulaire vide : les erreurs",
            lambda: reader.keys_after_a_pause("Return"),
            notified("cases à corriger"),
        )
        step("Le nom, puis Tab", lambda: (reader.type("Martin"), reader.keys("Tab")))
        step("Le prénom, puis Tab", lambda: (reader.type("Lea"), reader.keys("Tab")))
        step(
            "La date de naissance, puis Entrée : la vérification",
            lambda: (reader.type("15032012"), reader.keys("Return")),
            telling("Vérifiez avant"),
        )
        for _ in range(4):
            step("Tab", lambda: reader.keys("Tab"))
        step("Entrée : enregistré", lambda: reader.keys("Return"), telling("Enregistré"))
        step("Entrée : inscription suivante", lambda: reader.keys("Return"))
        step(
            "Le même code une seconde fois : le doublon",
            lambda: reader.type(CODE),
            notified("déjà enregistré"),
        )
    finally:
        reader.close()
    return transcript.steps


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="orca-") as folder:
        steps = run(Path(folder))
    for what, lines in steps:
        print(f"**{what}**")
        print()
        for line in lines:
            print(f"- {line}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Windows installer script, read here since Inno Setup cannot run on Linux.

The workflow (.github/workflows/build.yml) compiles and runs it on Windows; these checks
catch, on every machine, a script that would ask a volunteer for administrator rights,
install outside their own folder, miss the Start menu or package another folder than the
one build.spec makes.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "packaging" / "windows" / "passsport-club.iss"
# Folders only an administrator may write in, or shared by every user of the computer.
ADMIN_PLACES = ("{pf}", "{pf32}", "{pf64}", "{commonpf}", "{commonprograms}", "{win}", "{sys}")


def _sections() -> dict[str, list[str]]:
    """The script's lines by [Section], without comments and preprocessor lines."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = sections.setdefault(line[1:-1], [])
        else:
            assert current is not None, f"a line before any section: {raw}"
            current.append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _sections()["Setup"])


def _entries(section: str) -> list[dict[str, str]]:
    """An Inno Setup entry line (Name: "x"; Flags: y) as a dictionary."""
    entries = []
    for line in _sections()[section]:
        fields = re.findall(r'(\w+):\s*("[^"]*"|[^;]+)', line)
        entries.append({key: value.strip().strip('"') for key, value in fields})
    return entries


def _frozen_name() -> str:
    """The frozen folder's and program's name, as build.spec's COLLECT gives it."""
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    return re.search(r'COLLECT\(.*?\bname="([^"]+)"', spec, re.S).group(1)


def test_installs_for_the_user_alone_without_administrator_rights():
    setup = _setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # no "for all users?" question
    assert setup["DefaultDirName"].startswith("{localappdata}\\Programs\\")
    text = ISS.read_text(encoding="utf-8").lower()
    assert not [place for place in ADMIN_PLACES if place in text]


def test_the_same_application_id_so_an_update_replaces_the_old_version():
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", _setup()["AppId"])


def test_packages_the_frozen_folder_that_build_spec_makes():
    name = _frozen_name()
    sources = [entry["Source"] for entry in _entries("Files")]
    assert sources == [f"..\\..\\dist\\{name}\\*"]
    assert "recursesubdirs" in _entries("Files")[0]["Flags"]


def test_a_start_menu_entry_starts_the_program_and_the_wizard_speaks_french():
    program = f"{{app}}\\{_frozen_name()}.exe"
    menu = [entry for entry in _entries("Icons") if entry["Name"].startswith("{autoprograms}")]
    assert [entry["Filename"] for entry in menu] == [program]
    assert menu[0]["Name"] == "{autoprograms}\\pass'Sport Club"
    assert _setup()["UninstallDisplayIcon"] == program
    assert [entry["MessagesFile"] for entry in _entries("Languages")] == [
        "compiler:Languages\\French.isl"
    ]

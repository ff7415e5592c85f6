"""Find the files shipped in ``resources/``, from source and when frozen.

The folder sits beside the ``app`` package in a source checkout, and PyInstaller
lays it out the same way (see ``build.spec``), so one rule serves both.
"""

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. ``resource_path("seasons.json")``."""
    path = RESOURCES.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {'/'.join(parts)}")
    return path

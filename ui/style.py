"""The stylesheet and the icons, sized by the text-size setting."""

from PySide6.QtGui import QIcon

from app.resources import resource_path

BASE_POINTS = 14


def stylesheet(scale: float = 1.0) -> str:
    """The program's stylesheet with text at ``scale`` times the base size."""
    sizes = {
        "base": BASE_POINTS,
        "large": BASE_POINTS + 3,
        "title": BASE_POINTS + 8,
        "huge": BASE_POINTS + 14,
    }
    text = resource_path("style.qss").read_text(encoding="utf-8")
    for key, points in sizes.items():
        text = text.replace(f"@{key}@", str(round(points * scale)))
    return text


def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))

"""The program's own design: a legible font, one palette, one stylesheet, sized by the
text-size setting.

Every colour lives in ``PALETTE``; the stylesheet (``resources/style.qss``) names them
as ``@name@`` and the tests compute the contrast of every pair it draws
(``tests/contrast.py``). The font is Atkinson Hyperlegible (Braille Institute, SIL Open
Font License, see ``resources/fonts/OFL.txt``), shipped with the program: the State's
Marianne font and its design system are reserved to the State.
"""

import re

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

BASE_POINTS = 14
FONT_FAMILY = "Atkinson Hyperlegible"
# The few signs the interface shows that Atkinson lacks (✔ ✖ ⚠ ℹ): a shipped subset of
# DejaVu Sans, second in every family list, so that no glyph comes from the system.
SYMBOLS_FAMILY = "Passsport Symboles"
FAMILIES = [FONT_FAMILY, SYMBOLS_FAMILY]
FONT_FILES = (
    "AtkinsonHyperlegible-Regular.ttf",
    "AtkinsonHyperlegible-Bold.ttf",
    "PasssportSymboles.ttf",
)
TEXT_SCALES = (100, 125, 150, 175, 200)

# Colours and what they are for. Contrasts (computed in tests/test_accessibility_design.py):
# text at least 4.5:1 on every background it sits on, borders and focus at least 3:1.
PALETTE = {
    "ink": "#1a1a1a",  # body text
    "ink_soft": "#374151",  # introductions, secondary text
    "paper": "#ffffff",  # page background, fields, light buttons
    "paper_alt": "#eef1f6",  # the top bar and the status bar
    "brand": "#1d3557",  # titles, buttons, selection
    "brand_hover": "#274677",
    "brand_soft": "#e6ecf5",  # hover on light buttons
    "brand_pressed": "#cfd9ea",
    "line": "#5f6673",  # borders of fields and boxes: 3:1 at least on every background
    "focus": "#111111",  # the frame around what has the keyboard focus
    "focus_fill": "#ffe27a",  # ... and its yellow background
    "success_ink": "#14532d",
    "success_fill": "#e7f4ea",
    "success_line": "#1b6e2a",
    "warning_ink": "#6b3a00",
    "warning_fill": "#fff4e0",
    "warning_line": "#8a4b00",
    "error_ink": "#8b0018",
    "error_fill": "#fdecee",
    "error_line": "#b00020",
}

# Text sizes in points at 100 %, and sizes in pixels that follow the text.
POINTS = {"base": BASE_POINTS, "large": 17, "title": 22, "huge": 28, "code": 22}
PIXELS = {"icon_big": 36, "icon": 24, "indicator": 24, "indicator_half": 12}

_TOKEN = re.compile(r"@([a-z_]+)@")
_SCALE = re.compile(r"/\* text scale (\d+) % \*/")
_loaded_families: list[str] = []


def load_fonts() -> str:
    """Register the shipped font with Qt (once); returns the family name to use."""
    if not _loaded_families and QGuiApplication.instance() is not None:
        for name in FONT_FILES:
            font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
            _loaded_families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return FONT_FAMILY


def document_font(pixels: float, bold: bool = False) -> QFont:
    """The shipped font for what the program paints itself (receipts, PDF, printed sheets),
    never a font of the system: a PDF made on any computer looks the same and embeds only
    Atkinson Hyperlegible. Pixel size, for a painter scaled to points: sizes do not depend
    on the device. Italic is never used (the font has no italic face)."""
    load_fonts()
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPixelSize(round(pixels))
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setFeature(QFont.Tag("liga"), 0)  # "fi" stays two letters for text extractors
    return font


def stylesheet_template() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


def stylesheet(scale: float = 1.0, template: str | None = None) -> str:
    """The program's stylesheet with text at ``scale`` times the base size."""
    load_fonts()
    values = {key: f"{round(points * scale)}pt" for key, points in POINTS.items()}
    values |= {key: f"{round(pixels * scale)}px" for key, pixels in PIXELS.items()}
    values |= PALETTE
    values["font"] = ", ".join(f'"{family}"' for family in FAMILIES)

    def fill(match: re.Match) -> str:
        return values[match.group(1)]

    text = _TOKEN.sub(fill, stylesheet_template() if template is None else template)
    return f"/* text scale {round(scale * 100)} % */\n{text}"


def apply_design(app: QApplication, scale: float = 1.0) -> None:
    """Load the font and (re)apply the stylesheet: every open window follows at once."""
    load_fonts()
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPointSize(round(BASE_POINTS * scale))
    app.setFont(font)
    app.setStyleSheet(stylesheet(scale))


def current_scale() -> float:
    """The text scale in force, read back from the application's stylesheet."""
    app = QApplication.instance()
    found = _SCALE.match(app.styleSheet()) if app is not None else None
    return int(found.group(1)) / 100 if found else 1.0


def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))

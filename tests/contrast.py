"""Contrast, computed as WCAG 2.1 defines it, and the colour pairs of the stylesheet.

The program draws with ``ui.style.PALETTE`` through ``resources/style.qss``; these checks
read that stylesheet as Qt's cascade would and list every pair below its ratio. They are
run by tests/test_accessibility_design.py and shown to bite by tests/test_accessibility_bite.py.
"""

import itertools
import re
from dataclasses import dataclass, field, replace

TEXT_RATIO = 4.5
GRAPHIC_RATIO = 3.0


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The stylesheet's colour pairs

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_BLOCK = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PART = re.compile(r"::[\w-]+|:[\w-]+|#[\w-]+|\[[^\]]+\]|[A-Za-z*]+")
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_WIDTH = re.compile(r"(\d+)px")
# Widgets one acts on: their outline must stand out at 3:1 (WCAG 1.4.11).
INTERACTIVE = {"QPushButton", "QLineEdit", "QListView"}
# Backgrounds that text may sit on when a rule does not say where it is.
CONTAINERS = {None, "QWidget", "QMainWindow", "QFrame", "QLabel", "QGroupBox", "QToolTip"}
# A disabled widget takes neither the mouse nor the focus.
IMPOSSIBLE_WHEN_DISABLED = {"hover", "pressed", "focus"}
GRAPHIC_PARTS = {"::indicator", "::handle", "::add-line", "::sub-line"}


@dataclass(frozen=True)
class Compound:
    """One compound selector, e.g. ``QPushButton#primary:hover`` or ``QListView::item``."""

    type: str | None = None
    id: str | None = None
    attrs: frozenset = frozenset()
    sub: str | None = None
    pseudos: frozenset = frozenset()

    @classmethod
    def parse(cls, text: str) -> "Compound":
        kind = ident = sub = None
        attrs, pseudos = set(), set()
        for part in _PART.findall(text):
            if part.startswith("::"):
                sub = part
            elif part.startswith(":"):
                pseudos.add(part[1:])
            elif part.startswith("#"):
                ident = part
            elif part.startswith("["):
                attrs.add(part.replace("'", '"'))
            else:
                kind = part
        return cls(kind, ident, frozenset(attrs), sub, frozenset(pseudos))

    def bare(self) -> "Compound":
        return Compound(self.type, self.id, self.attrs, self.sub)

    def applies_to(self, other: "Compound") -> bool:
        return (
            self.type in (None, "*", "QWidget", other.type)
            and self.id in (None, other.id)
            and self.attrs <= other.attrs
            and self.sub == other.sub
            and self.pseudos <= other.pseudos
        )

    def specificity(self) -> tuple[int, int, int]:
        types = int(self.type not in (None, "*")) + int(self.sub is not None)
        return (int(self.id is not None), len(self.attrs) + len(self.pseudos), types)

    def __str__(self) -> str:
        pseudo = "".join(f":{p}" for p in sorted(self.pseudos))
        attrs = "".join(sorted(self.attrs))
        return f"{self.type or ''}{self.id or ''}{attrs}{self.sub or ''}{pseudo}"


@dataclass
class Rule:
    context: Compound | None
    subject: Compound
    props: dict[str, str]
    order: int

    def applies(self, subject: Compound, context: Compound | None) -> bool:
        if not self.subject.applies_to(subject):
            return False
        return self.context is None or (context is not None and self.context.applies_to(context))

    def rank(self) -> tuple:
        own = self.subject.specificity()
        outer = self.context.specificity() if self.context else (0, 0, 0)
        return (*(a + b for a, b in zip(own, outer, strict=True)), self.order)


def parse_stylesheet(qss: str) -> list[Rule]:
    rules: list[Rule] = []
    for selectors, body in _BLOCK.findall(_COMMENT.sub("", qss)):
        props = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            if value.strip():
                props[name.strip()] = " ".join(value.split())
        for selector in selectors.split(","):
            compounds = selector.split()
            if not compounds:
                continue
            context = Compound.parse(compounds[-2]) if len(compounds) > 1 else None
            rules.append(Rule(context, Compound.parse(compounds[-1]), props, len(rules)))
    return rules


@dataclass
class Look:
    """What a widget looks like in one state: the properties that won the cascade."""

    props: dict[str, str] = field(default_factory=dict)

    def colour(self, name: str) -> str | None:
        found = _HEX.findall(self.props.get(name, ""))
        return found[0].lower() if len(found) == 1 else None

    def background(self) -> list[str]:
        value = self.props.get("background", self.props.get("background-color", ""))
        return [c.lower() for c in _HEX.findall(value)]

    def border(self) -> tuple[int, str | None]:
        value = self.props.get("border", "")
        width = _WIDTH.search(value)
        colour = _HEX.findall(value)
        colour = self.colour("border-color") or (colour[0].lower() if colour else None)
        return (int(width.group(1)) if width else 0), colour


def _look(rules: list[Rule], subject: Compound, context: Compound | None) -> Look:
    look = Look()
    for rule in sorted((r for r in rules if r.applies(subject, context)), key=Rule.rank):
        look.props.update(rule.props)
        if "border" in rule.props:
            look.props.pop("border-color", None)
    return look


def _pairs_problems(rules: list[Rule]) -> list[str]:
    subjects = {(r.context.bare() if r.context else None, r.subject.bare()) for r in rules}
    surfaces = set()
    for context, subject in subjects:
        if context is None and subject.type in CONTAINERS and subject.sub is None:
            surfaces.update(_look(rules, subject, None).background()[:1])
    problems: list[str] = []
    for context, subject in sorted(subjects, key=str):
        pseudos = set()
        for rule in rules:
            if rule.applies(replace(subject, pseudos=rule.subject.pseudos), context):
                pseudos |= rule.subject.pseudos
        contexts = [None]
        if context is not None:
            contexts = [c for _, c in _refinements(rules, context)]
        for size in range(len(pseudos) + 1):
            for state in itertools.combinations(sorted(pseudos), size):
                if "disabled" in state and IMPOSSIBLE_WHEN_DISABLED & set(state):
                    continue
                for where in contexts:
                    state_subject = replace(subject, pseudos=frozenset(state))
                    problems += _check(rules, state_subject, where, surfaces)
    return sorted(set(problems))


def _refinements(rules: list[Rule], context: Compound) -> list[tuple[str, Compound]]:
    """The context and every more precise version of it found in the stylesheet."""
    found = {str(context): context}
    for rule in rules:
        for compound in (rule.subject, rule.context):
            if compound is not None and context.applies_to(compound.bare()):
                found[str(compound.bare())] = compound.bare()
    return sorted(found.items())


def _outside(rules, subject, context, surfaces) -> list[str]:
    if subject.sub in GRAPHIC_PARTS | {"::item", "::title"}:
        owner = replace(subject, sub=None)
        back = _look(rules, owner, context).background()
        if len(back) == 1:
            return back
    if context is not None:
        back = _look(rules, context, None).background()
        if len(back) == 1:
            return back
    return sorted(surfaces) or ["#ffffff"]  # Qt's own window background


def _check(rules, subject: Compound, context, surfaces) -> list[str]:
    look = _look(rules, subject, context)
    name = f"{context} {subject}" if context else str(subject)
    problems = []

    def need(first, second, ratio, what):
        if first and second and contrast_ratio(first, second) < ratio - 1e-9:
            found = contrast_ratio(first, second)
            problems.append(f"{name}: {what} {first} on {second} = {found:.2f}:1, needs {ratio}:1")

    own = look.background()
    outside = _outside(rules, subject, context, surfaces)
    behind = own if len(own) == 1 else outside
    graphic = subject.sub in GRAPHIC_PARTS or subject.type == "QScrollBar"
    if not graphic:
        for back in behind:
            need(look.colour("color"), back, TEXT_RATIO, "text")
    need(
        look.colour("selection-color"),
        look.colour("selection-background-color"),
        TEXT_RATIO,
        "selected text",
    )
    for first, second in itertools.combinations(sorted(set(own)), 2):
        need(first, second, GRAPHIC_RATIO, "drawing")
    width, border = look.border()
    if width and border and border != "transparent":
        if "focus" in subject.pseudos:
            if width < 3:
                problems.append(f"{name}: the focus frame is {width}px, needs 3px")
            for back in [*outside, *own[-1:]]:
                need(border, back, GRAPHIC_RATIO, "focus frame")
        elif subject.type in INTERACTIVE or subject.sub in GRAPHIC_PARTS:
            for back in outside:
                if len(own) != 1 or contrast_ratio(own[0], back) < GRAPHIC_RATIO:
                    need(border, back, GRAPHIC_RATIO, "outline")
        else:
            for back in outside:
                if len(own) != 1 or contrast_ratio(own[0], back) < GRAPHIC_RATIO:
                    need(border, back, GRAPHIC_RATIO, "frame")
    elif subject.type in INTERACTIVE and subject.sub is None and len(own) == 1:
        for back in outside:
            need(own[0], back, GRAPHIC_RATIO, "outline")
    return problems


def stylesheet_problems(qss: str) -> list[str]:
    """Every colour pair of the stylesheet below its ratio, in words; empty when all pass."""
    return _pairs_problems(parse_stylesheet(qss))

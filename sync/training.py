"""The invented data of the reference server: clubs, enrolment codes and test codes.

Everything follows from one ``seed``, so that the tests, the benchmarks and the program's
training mode see the same codes on every run. The people are invented; the training mode
shows them to a volunteer so that each answer of the national side can be tried on purpose.

The server holds codes of the 2025 and 2026 seasons in every case (available, redeemed by
another club, revoked) and 2024 codes that always meet a closed season. A desk shows only
the codes that behave as their note says on its day: :func:`training_codes_on`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from app.codes import AEEH_LETTER, LETTERS
from app.seasons import SeasonTable

TRAINING_ENROLMENT_CODE = "DEMO-2026"  # always valid, for the training club


class CodeCategory(StrEnum):
    """What the national side knows about a training code."""

    AVAILABLE = "available"
    REDEEMED_ELSEWHERE = "redeemed_elsewhere"
    REVOKED = "revoked"
    PAST_SEASON = "past_season"


@dataclass(frozen=True)
class TrainingClub:
    siret: str
    rna: str
    name: str


@dataclass(frozen=True)
class TrainingCode:
    """A code and its holder. ``note_fr`` says in one short French line what to expect."""

    code: str
    category: CodeCategory
    last_name: str
    first_name: str
    birth_date: date
    note_fr: str

    @property
    def year(self) -> int:
        return 2000 + int(self.code[:2])

    @property
    def aeeh(self) -> bool:
        """A code of the AEEH channel, whose letters start with I (some seasons only)."""
        return self.code[3] == AEEH_LETTER


@dataclass(frozen=True)
class TrainingData:
    """All that the reference server holds at its first start."""

    club: TrainingClub
    other_club: TrainingClub
    enrolment_codes: tuple[str, ...]  # single use, for ``club``; DEMO-2026 comes on top
    codes: tuple[TrainingCode, ...]
    # When the other club redeemed each REDEEMED_ELSEWHERE code.
    redeemed_at: dict[str, datetime]


CLUB = TrainingClub("73282932000074", "W751234567", "Club de démonstration")
OTHER_CLUB = TrainingClub("31829123400017", "W442000815", "Association sportive voisine")

_NOTES = {
    CodeCategory.AVAILABLE: "Disponible",
    CodeCategory.REDEEMED_ELSEWHERE: "Déjà utilisé par un autre club",
    CodeCategory.REVOKED: "Révoqué",
    CodeCategory.PAST_SEASON: "Saison passée",
}
# (category, season year, how many). The first two available codes are a brother and a
# sister, whatever the seed: the case the holder's first name is there to tell apart.
_PLAN = (
    (CodeCategory.AVAILABLE, 2026, 22),
    (CodeCategory.AVAILABLE, 2025, 4),
    (CodeCategory.REDEEMED_ELSEWHERE, 2026, 3),
    (CodeCategory.REVOKED, 2026, 2),
    (CodeCategory.PAST_SEASON, 2024, 3),
    # Last, so that the codes above stay the same: the refusals of the 2025 season.
    (CodeCategory.REDEEMED_ELSEWHERE, 2025, 2),
    (CodeCategory.REVOKED, 2025, 1),
)
_SIBLINGS = (("Lefèvre", "Léa", date(2014, 3, 15)), ("Lefèvre", "Théo", date(2016, 7, 2)))
_LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Petit", "Durand", "Leroy", "Moreau", "Fournier",
    "Girard", "Bonnet", "Mercier", "Lambert", "Faure", "Rousseau", "Benali", "Nguyen",
    "Diallo", "Da Silva", "N'Diaye", "Le Goff", "Saint-Martin", "Hoarau", "Traoré",
    "Müller", "Lemaître", "Cohen", "Ferreira", "Gauthier", "Évrard", "Boyer",
)  # fmt: skip
_FIRST_NAMES = (
    "Lucas", "Chloé", "Noah", "Inès", "Zoé", "Mathéo", "Anaïs", "Adam", "Maëlys", "Rayan",
    "Jade", "Louis", "Manon", "Hugo", "Éloïse", "Nathan", "Lina", "Aïcha", "Yanis",
    "Camille", "Jean-Baptiste", "Marie-Lou", "Sofiane", "Emma", "Gabriel", "Océane",
)  # fmt: skip
# Birth years that fit each season's ages (the season table says 6-17 for 2026).
_BIRTH_YEARS = {2024: (2007, 2017), 2025: (2008, 2019), 2026: (2009, 2020)}


def training_data(seed: int = 1) -> TrainingData:
    """The clubs, enrolment codes and test codes for ``seed`` (same seed, same data)."""
    rng = random.Random(f"passsport-training-{seed}")
    used: set[str] = set()
    codes: list[TrainingCode] = []
    for category, year, count in _PLAN:
        for index in range(count):
            # One 2025 code of the AEEH channel, whose letters start with I.
            aeeh = year == 2025 and category is CodeCategory.AVAILABLE and index == count - 1
            code = _new_code(rng, year, used, aeeh=aeeh)
            if category is CodeCategory.AVAILABLE and year == 2026 and index < len(_SIBLINGS):
                last, first, born = _SIBLINGS[index]
            else:
                last, first = rng.choice(_LAST_NAMES), rng.choice(_FIRST_NAMES)
                low, high = _BIRTH_YEARS[year]
                born = date(rng.randint(low, high), 1, 1) + timedelta(days=rng.randint(0, 364))
            note = _NOTES[category]
            if category is CodeCategory.AVAILABLE and year != 2026:
                note = f"{note}, saison {year}"
            codes.append(TrainingCode(code, category, last, first, born, note))
    redeemed_at = {
        item.code: datetime(item.year, 9, rng.randint(2, 28), rng.randint(8, 19), tzinfo=UTC)
        for item in codes
        if item.category is CodeCategory.REDEEMED_ELSEWHERE
    }
    enrolment = tuple(_enrolment_code(rng) for _ in range(3))
    return TrainingData(CLUB, OTHER_CLUB, enrolment, tuple(codes), redeemed_at)


def training_codes(seed: int = 1) -> list[TrainingCode]:
    """The test codes for ``seed``, available ones first."""
    return list(training_data(seed).codes)


def training_codes_on(now: datetime, seasons: SeasonTable, seed: int = 1) -> list[TrainingCode]:
    """The test codes that a desk whose clock says ``now`` (aware) answers as their category
    says: every code of the season open for entry at ``now``, then the past-season codes
    once their season has closed. Codes of a season not open yet, or of a closed season
    that the server still holds as available, are left out: they would not do what their
    category says. Empty of open-season codes when no season is open."""
    open_season = seasons.for_date(now)

    def behaves(item: TrainingCode) -> bool:
        season = seasons.by_year(item.year)
        if season is None or not season.has_codes:
            return False
        if item.category is CodeCategory.PAST_SEASON:
            return season.has_closed(now)
        if item.aeeh and not season.aeeh_i_prefix:
            return False  # the desk would refuse its I
        return open_season is not None and season.year == open_season.year

    chosen = [item for item in training_codes(seed) if behaves(item)]
    order = list(CodeCategory)
    return sorted(chosen, key=lambda item: order.index(item.category))


def training_sheet(seed: int = 1) -> str:
    """The enrolment code and the test codes, one a line, in French, to print or show."""
    lines = [f"Code d'inscription : {TRAINING_ENROLMENT_CODE}", "Codes d'essai :"]
    for c in training_codes(seed):
        born = c.birth_date.strftime("%d/%m/%Y")
        lines.append(f"  {c.code}  {c.last_name} {c.first_name}, né(e) le {born} : {c.note_fr}")
    return "\n".join(lines)


def _new_code(rng: random.Random, year: int, used: set[str], *, aeeh: bool = False) -> str:
    while True:
        letters = [rng.choice(LETTERS) for _ in range(8)]
        if aeeh:
            letters[0] = AEEH_LETTER
        code = f"{year % 100:02d}-{''.join(letters[:4])}-{''.join(letters[4:])}"
        if code not in used:
            used.add(code)
            return code


def _enrolment_code(rng: random.Random) -> str:
    letters = "".join(rng.choice(LETTERS) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"

"""What each column of an extract holds, from its title: the header row is looked for among
the first rows, and each title is read by its meaning (n° pass'Sport, nom, prénom, état,
montant, date de paiement...), whatever the accents, case, spacing, CamelCase or order.
The guess is only a proposal: the user can change it."""

import re
from enum import StrEnum

from app.extract_values import cell_text
from app.people import fold
from app.portal_states import meaning
from app.xlsx import Cell

HEADER_SEARCH_ROWS = 30


class Field(StrEnum):
    CODE = "code"
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    BIRTH_DATE = "birth_date"
    STATE = "state"
    AMOUNT = "amount"
    PAID_ON = "paid_on"
    CHANGED_ON = "changed_on"  # the date of the line's state (last change, update)


def normalise_title(title: str) -> str:
    """``N° Pass'Sport`` -> ``numero pass sport``: folded, punctuation as spaces, and the
    words of ministry names split (``NumeroPassSport``, ``etat_inscription``,
    ``datenaissance``)."""
    text = fold(_split_camel(title)).replace("°", " numero ")
    words: list[str] = []
    for glued in re.sub(r"[^a-z0-9]+", " ", text).split():
        for word in _unglue(glued):
            word = "numero" if word in ("n", "no", "num", "nr", "numero") else word
            if not (word == "numero" and words[-1:] == ["numero"]):  # "N° numéro"
                words.append(word)
    return " ".join(words)


def _split_camel(title: str) -> str:
    """``DateModification`` -> ``Date Modification``, ``IDPass`` -> ``ID Pass``,
    ``Montant2025`` -> ``Montant 2025``. Titles in capitals only are left whole."""
    out = []
    for index, char in enumerate(title):
        before = title[index - 1] if index else ""
        after = title[index + 1 : index + 2]
        camel = char.isupper() and (before.islower() or (before.isupper() and after.islower()))
        digits = before.isalnum() and char.isalnum() and before.isalpha() != char.isalpha()
        out.append(f" {char}" if camel or digits else char)
    return "".join(out)


# Words found glued in names written in lower case only ("datenaissance", "idpsp").
_GLUED = {"numero", "num", "id", "pass", "sport", "psp", "code", "nom", "prenom", "date",
          "naissance", "modification", "maj", "etat", "statut", "inscription", "montant",
          "paiement", "remboursement", "virement", "versement", "beneficiaire", "jeune",
          "famille", "usage", "saisie", "creation", "mise", "jour", "derniere", "aide", "de",
          "du"}  # fmt: skip


def _unglue(word: str) -> list[str]:
    """``datedenaissance`` -> ``date de naissance`` when the whole word is made of known
    words (the fewest of them); any other word is kept whole."""
    if len(word) < 5 or word in _GLUED or not word.isalpha():
        return [word]
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(word) + 1):
        for start in range(end):
            if start in best and word[start:end] in _GLUED:
                found = [*best[start], word[start:end]]
                if end not in best or len(found) < len(best[end]):
                    best[end] = found
    return best.get(len(word), [word])


_NOT_A_PERSON = {"structure", "club", "association", "responsable", "representant", "organisme"}
_NAMES_THE_CODE = {"pass", "passsport", "psp"}
# Words that say a column is about the pass, not its number ("Montant pass'Sport"); "situation"
# and the like hold the young person's category (jeune, AAH, boursier), not a code, not a state.
_NOT_THE_CODE = {"date", "montant", "statut", "etat", "status", "situation", "categorie",
                 "profil", "type", "motif", "vague", "eligibilite", "dispositif", "nom"}  # fmt: skip
_NOT_A_BIRTH = {"lieu", "ville", "commune", "pays", "departement"}
_PAID_WORDS = {"paiement", "remboursement", "virement", "versement", "reglement", "paye",
               "payee", "verse", "versee", "rembourse", "remboursee", "vire", "viree", "regle"}  # fmt: skip
_CHANGE_WORDS = {"modification", "modifie", "modifiee", "maj", "changement", "actualisation",
                 "actualise", "update", "updated", "modified"}  # fmt: skip
_STATE_WORDS = {"etat", "statut", "status"}
# The day the registration was entered: the date of its first state only, so a weaker
# candidate for the date of the state than a date of modification.
_ENTRY_WORDS = {"inscription", "inscrit", "inscrite", "saisie", "saisi", "creation", "cree",
                "creee", "enregistrement", "ajout", "validation", "traitement"}  # fmt: skip
STRONG, WEAK = 2, 1


def field_of(title: str) -> Field | None:
    """The meaning of a column from its title, or None."""
    found = _meaning(title)
    return found[0] if found else None


def _meaning(title: str) -> tuple[Field, int] | None:
    """The meaning of a title and how surely it says it (``STRONG`` or ``WEAK``)."""
    words = normalise_title(title).split()
    if not words:
        return None
    found, joined = set(words), " ".join(words)
    if _NOT_A_PERSON & found:
        return None
    # "Date de paiement", "Né(e) le", "Mis à jour le", "Date de naissance (DDN)"
    dated = "date" in found or words[-1] == "le" or "ddn" in found
    names_code = _NAMES_THE_CODE & found or joined in ("code", "code beneficiaire")
    if names_code and not (_NOT_THE_CODE & found) and not dated:
        return Field.CODE, STRONG
    if {"prenom", "prenoms"} & found:
        return Field.FIRST_NAME, STRONG
    if words[0] == "nom" or joined in ("beneficiaire", "nom du beneficiaire"):
        return Field.LAST_NAME, STRONG  # "Nom de naissance" too
    birth = "naissance" in found or "ddn" in found or ({"ne", "nee"} & found and dated)
    if birth and not _NOT_A_BIRTH & found:  # not "Lieu de naissance"
        return Field.BIRTH_DATE, STRONG
    if _CHANGE_WORDS & found or ("jour" in found and {"mise", "mis"} & found):
        return Field.CHANGED_ON, STRONG  # "Date de mise à jour", "DateModification"
    if dated and _PAID_WORDS & found:
        return Field.PAID_ON, STRONG  # "Date du virement", "Payé le"
    if dated and _STATE_WORDS & found:
        return Field.CHANGED_ON, STRONG  # "Date de l'état", "Date du statut"
    if dated and _ENTRY_WORDS & found:
        return Field.CHANGED_ON, WEAK  # "Date d'inscription", "Date de saisie"
    if dated:
        return None  # another date: of the season, of the file...
    if words[0] in _STATE_WORDS:
        return Field.STATE, STRONG  # "État du paiement", "EtatInscription"
    if words[0] in ("montant", "somme") or "montant" in found:
        return Field.AMOUNT, STRONG
    if joined in ("montant rembourse", "remboursement", "rembourse", "aide"):
        return Field.AMOUNT, WEAK
    return None


def guess_mapping(titles: list[str], below: list[list[Cell]] | None = None) -> dict[Field, int]:
    """Each meaning's column: the surest title, the first one when two are as sure. With the
    rows ``below`` the titles, a state column whose values are the young person's category
    (jeune, AAH, boursier) and no state is left out."""
    candidates = []
    for index, title in enumerate(titles):
        found = _meaning(title)
        if found is not None:
            candidates.append((-found[1], index, found[0]))
    mapping: dict[Field, int] = {}
    for _, index, key in sorted(candidates):
        if key in mapping:
            continue
        if key is Field.STATE and below is not None and _holds_categories(below, index):
            continue
        mapping[key] = index
    return mapping


_CATEGORY_WORDS = {"jeune", "jeunes", "aah", "aeeh", "ars", "boursier", "boursiere", "bourse",
                   "boursiers", "etudiant", "etudiante", "crous", "handicap", "allocation",
                   "allocataire", "enfant", "mineur", "majeur"}  # fmt: skip
VALUE_ROWS = 200  # rows below a header looked at to check a column's values


def _holds_categories(rows: list[list[Cell]], column: int) -> bool:
    """Whether the values of ``column`` say who the young person is (``Jeune ARS``, ``AAH``,
    ``Étudiant boursier``) and none says a state."""
    values = {
        cell_text(r[column]) for r in rows[:VALUE_ROWS] if column < len(r) and cell_text(r[column])
    }
    if any(meaning(value) is not None for value in values):
        return False
    return any(_CATEGORY_WORDS & set(re.findall(r"[a-z]+", fold(value))) for value in values)


def guess_layout(rows: list[list[Cell]]) -> tuple[int, dict[Field, int]]:
    """The header row (the first rows are titles, dates, club names...) and its mapping."""
    best, best_mapping, best_score = None, {}, (0, 0)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = guess_mapping(
            [cell_text(c) for c in row], rows[index + 1 : index + 1 + VALUE_ROWS]
        )
        score = (len(mapping), sum(1 for c in row if cell_text(c)))
        if Field.CODE in mapping and score > best_score:
            best, best_mapping, best_score = index, mapping, score
    if best is None:  # no code column: show the first full row, the user chooses
        filled = [sum(1 for c in r if cell_text(c)) for r in rows[:HEADER_SEARCH_ROWS]]
        best = filled.index(max(filled)) if filled else 0
        below = rows[best + 1 : best + 1 + VALUE_ROWS]
        best_mapping = guess_mapping([cell_text(c) for c in rows[best]], below) if rows else {}
    return best, best_mapping

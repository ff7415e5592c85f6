"""What a state written in an extract of Le Compte Asso means, read by its words.

The portal's wordings are not published and change ("En cours de traitement",
"Remboursé", "Paiement rejeté", "Impayé"...). A wording is read as a short sentence: is it
about a cancellation, a refusal, a payment, a registration; is it negated ("non", "pas",
"im-payé"); is it done or still in progress. A refusal or a negation is never taken for a
payment. A wording this reading cannot place is not guessed: :func:`meaning` returns None
and the import screen asks the treasurer what it means.
"""

import re
from enum import StrEnum

from app.people import fold


class PortalState(StrEnum):
    """What the portal says of a registration, in the program's words."""

    REGISTERED = "confirmed"  # "En cours de traitement", "Inscrit": known, not yet in payment
    IN_PAYMENT = "in_processing"  # "En cours de paiement", "Remboursement en cours"
    PAID = "paid"  # "Remboursé", "Payé", "Paiement effectué"
    UNPAID = "unpaid"  # "Impayé", "Non remboursé": known there, and no payment
    REFUSED = "refused"  # "Remboursement refusé", "Paiement rejeté", "Non éligible"
    CANCELLED = "cancelled"  # "Annulé", "Supprimé"


# The states that take back what came before them (the latest line of a code decides).
NEGATIVE = frozenset({PortalState.UNPAID, PortalState.REFUSED, PortalState.CANCELLED})

_NEGATIONS = frozenset({"non", "pas", "aucun", "aucune", "sans", "ni", "jamais", "ne", "n"})
# Word beginnings, each of one idea. Words are folded: no accents, lower case.
_CANCEL = ("annul", "supprim", "retir", "desinscri", "desist", "radie", "abandon")
_REFUSE = ("refus", "rejet", "ineligib", "irrecevab", "invalid", "echec", "echou", "debout")
_REFUSED_WHEN_NEGATED = ("eligib", "recevab", "conform", "accept", "admis", "retenu")
_PAYMENT = ("rembours", "paiement", "paie", "pay", "versement", "verse", "virement", "vire",
            "regl", "mandat")  # fmt: skip
# Done: the payment was made (participles only: "remboursement" alone says nothing of it).
_DONE = re.compile(
    r"(rembourse|paye|verse|vire|regle|effectue|acquitte|solde|mandate|recu|percu|termine"
    r"|execute)e?s?"
)
# Still to come.
_PENDING = ("cours", "attente", "attendu", "venir", "prevu", "programm", "prepar", "mis", "mise",
            "instruction", "demande", "engage", "valid", "ordonn", "liquid", "transmis")  # fmt: skip
_REGISTERED = ("inscri", "enregistr", "valid", "accept", "confirm", "saisi", "traitement",
               "traite", "pris", "compte", "attente", "cours", "instruction", "eligib",
               "retenu", "admis", "actif", "ouvert")  # fmt: skip
# Words that carry no meaning of their own here.
_FILLER = frozenset({"en", "de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux",
                     "et", "par", "pour", "sur", "encore", "est", "etat", "statut", "dossier",
                     "inscription", "beneficiaire", "demande", "ete", "un", "une",
                     "partiel", "partiellement", "total", "totalement", "integralement"})  # fmt: skip


def _has(words: list[str], starts: tuple[str, ...]) -> bool:
    return any(word.startswith(starts) for word in words)


def _negated_payment(word: str) -> bool:
    """``impaye``, ``impayee``, ``nonpaye``, ``nonrembourse``: a negation glued to it."""
    for prefix in ("im", "in", "non"):
        if word.startswith(prefix) and word[len(prefix) :].startswith(_PAYMENT):
            return True
    return False


def words_of(wording: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(wording))


def meaning(wording: str) -> PortalState | None:
    """The state ``wording`` says, or None when the program does not know it."""
    words = words_of(wording)
    if not words:
        return None
    negated = any(w in _NEGATIONS for w in words)
    cancel = _has(words, _CANCEL)
    refuse = _has(words, _REFUSE) or (negated and _has(words, _REFUSED_WHEN_NEGATED))
    unpaid = any(_negated_payment(w) for w in words)
    payment = unpaid or _has(words, _PAYMENT)
    if cancel:
        # "Annulation refusée", "Non annulé": the registration lives on, in a state unsaid.
        return None if (refuse or negated) else PortalState.CANCELLED
    if refuse:
        return PortalState.REFUSED
    if payment:
        if unpaid or negated:
            return PortalState.UNPAID  # "Non remboursé", "Pas encore payé", "Impayé"
        if _has(words, _PENDING) and not _has(words, ("effectu", "termin", "execut")):
            return PortalState.IN_PAYMENT
        if any(_DONE.fullmatch(w) for w in words):
            return PortalState.PAID
        return None  # "Paiement", "Remboursement" alone: done or to come? Ask.
    if negated:
        return None  # "Non inscrit", "Pas encore traité": ask
    if _has(words, _REGISTERED):
        meaningful = [w for w in words if w not in _FILLER]
        # Every word must be understood: "Inscrit, dossier incomplet" is not just "inscrit".
        if all(w.startswith(_REGISTERED + _PENDING) for w in meaningful):
            return PortalState.REGISTERED
    return None

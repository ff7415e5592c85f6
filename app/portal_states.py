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
NEGATION_REACH = 3  # a negation bears on the next few words: "pas encore payé"
# Word beginnings, each of one idea. Words are folded: no accents, lower case.
_CANCEL = ("annul", "supprim", "retir", "desinscri", "desist", "radie", "abandon")
_REVIVED = ("reactiv", "retabli", "reinscri", "restaur", "reouvert")  # after a cancellation
_REFUSE = ("refus", "rejet", "ineligib", "irrecevab", "invalid", "echec", "echou", "debout")
# A payment that failed on its way (bank details, a transfer sent back): still owed.
_FAILED = ("rejet", "echec", "echou", "invalid", "retour")
_BANK = ("rib", "iban", "bic", "bancaire", "banque", "coordonnees", "compte")
_REFUSED_WHEN_NEGATED = ("eligib", "recevab", "conform", "accept", "admis", "retenu", "accord",
                         "autoris", "attribu", "remboursable", "payable", "sera")  # fmt: skip
_PAYMENT = ("rembours", "paiement", "paie", "pay", "versement", "verse", "virement", "vire",
            "regl", "mandat")  # fmt: skip
# Money owed back, a payment made by mistake: the program does not say what that means.
_DOUBT = ("revers", "recette", "indu", "tort", "erreur", "restitu", "trop", "faux", "false",
          "incorrect", "litig", "contest", "rembourser", "payer", "regularis", "annulable")  # fmt: skip
# Done: the payment was made (participles only: "remboursement" alone says nothing of it).
_DONE = re.compile(
    r"(rembourse|paye|verse|vire|regle|effectue|acquitte|solde|recu|percu|termine|execute)e?s?"
)
# Still to come.
_PENDING = ("cours", "attente", "attendu", "venir", "prevu", "programm", "prepar", "mis", "mise",
            "instruction", "demande", "engage", "valid", "ordonn", "liquid", "transmis",
            "mandat")  # fmt: skip
_REGISTERED = ("inscri", "enregistr", "valid", "accept", "confirm", "saisi", "traitement",
               "traite", "pris", "compte", "attente", "cours", "instruction", "eligib",
               "retenu", "admis", "actif", "ouvert", *_REVIVED)  # fmt: skip
# Words that carry no meaning of their own here.
_FILLER = frozenset({"en", "de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux",
                     "et", "par", "pour", "sur", "encore", "est", "etat", "statut", "dossier",
                     "inscription", "beneficiaire", "demande", "ete", "un", "une", "puis",
                     "partiel", "partiellement", "total", "totalement", "integralement"})  # fmt: skip
# "n° 3", "no 12", "num. 4": a number, not a negation.
_NUMBER = re.compile(r"\b(?:n\s*[°º]|no\.?(?=\s*\d)|num(?:ero)?\.?(?=\s*\d))")
# "Payé : non", "Remboursé = 0": a yes-or-no column answered no (or not clearly yes).
_ANSWERED = re.compile(r"[:=]\s*(?:0+(?:[.,]0+)?|non|no|n|faux|false|aucun)\s*$")


def _has(words: list[str], starts: tuple[str, ...]) -> bool:
    return any(word.startswith(starts) for word in words)


def _negated_payment(word: str) -> bool:
    """``impaye``, ``impayee``, ``nonpaye``, ``nonrembourse``: a negation glued to it."""
    for prefix in ("im", "in", "non"):
        if word.startswith(prefix) and word[len(prefix) :].startswith(_PAYMENT):
            return True
    return False


def words_of(wording: str) -> list[str]:
    return re.findall(r"[a-z]+", _NUMBER.sub(" ", fold(wording)))


def _negated(words: list[str]) -> list[str]:
    """The words a negation bears on."""
    found = []
    for index, word in enumerate(words):
        if word in _NEGATIONS:
            found += words[index + 1 : index + 1 + NEGATION_REACH]
    return [w for w in found if w not in _NEGATIONS]


def meaning(wording: str) -> PortalState | None:
    """The state ``wording`` says, or None when the program does not know it."""
    words = words_of(wording)
    if not words or _ANSWERED.search(fold(wording)) or _has(words, _DOUBT):
        return None
    if _has(words, _CANCEL) and (_has(words, _REVIVED) or "apres" in words):
        # "Annulée puis réactivée", "Inscrit (après annulation)": alive again.
        words = [w for w in words if not w.startswith((*_CANCEL, "apres"))]
    negated = _negated(words)
    cancel = _has(words, _CANCEL)
    refuse = _has(words, _REFUSE) or _has(negated, _REFUSED_WHEN_NEGATED)
    payment = _has(words, _PAYMENT) or any(_negated_payment(w) for w in words)
    if cancel:
        # "Annulation refusée", "Non annulé": the registration lives on, in a state unsaid.
        return None if (refuse or _has(negated, _CANCEL)) else PortalState.CANCELLED
    if refuse:
        if (payment or _has(words, _BANK)) and _has(words, _FAILED):
            return PortalState.UNPAID  # "Paiement rejeté", "RIB invalide": still owed
        return PortalState.REFUSED
    if payment:
        if _has(negated, _PAYMENT) or any(_negated_payment(w) for w in words):
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

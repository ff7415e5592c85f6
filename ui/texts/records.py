"""Words of finding a registration, of one registration, and of its states."""

# States, in words (never by colour alone)
STATE_WORDS = {
    "to_send": "À envoyer au service national",
    "confirmed": "Confirmé par le service national",
    "in_processing": "En cours de paiement",
    "paid": "Remboursé",
    "to_check": "À vérifier",
    "awaiting_code": "En attente du code (chèque de caution)",
    "cancelled": "Annulé",
}
STATE_ICONS = {
    "to_send": "info",
    "confirmed": "success",
    "in_processing": "success",
    "paid": "success",
    "to_check": "warning",
    "awaiting_code": "warning",
    "cancelled": "error",
}


# Finding and one registration
FIND_TITLE = "Retrouver une inscription"
FIND_LABEL = "Nom, code, numéro de reçu ou date"
FIND_RESULTS = "Inscriptions trouvées"
FIND_NONE = "Aucune inscription ne correspond."


def found(count: int) -> str:
    return "1 inscription trouvée." if count == 1 else f"{count} inscriptions trouvées."


RECORD_TITLE = "Inscription"
REPRINT = "Réimprimer le reçu"
CANCEL_REGISTRATION = "Annuler l'inscription"
CANCEL_REASON = "Pourquoi l'annuler ?"
CANCEL_CONFIRM_INTRO = (
    "Écrivez pourquoi vous annulez, puis confirmez. L'annulation reste notée. "
    "Le code peut ensuite être validé à nouveau."
)
CANCELLED_DONE = "L'inscription est annulée."
CORRECT = "Corriger le nom ou la date"
CORRECTED = "La correction est enregistrée."
ADD_CODE = "Ajouter le code"
CODE_ADDED = "Le code est ajouté."
CHEQUE_RETURNED = "Noter : chèque rendu à la famille"
CHEQUE_CASHED = "Noter : chèque encaissé"
CHEQUE_STATE_WORDS = {
    "held": "Chèque de caution gardé, à ne pas encaisser",
    "returned": "Chèque de caution rendu à la famille",
    "cashed": "Chèque de caution encaissé",
}


def give_cheque_back(number: str) -> str:
    return f"Rendez le chèque de caution numéro {number} à la famille."


def cancelled_on(when: str, reason: str) -> str:
    return f"Le {when}. Motif : {reason}"


VALIDATION_ERRORS = {
    "not_found": "Cette inscription n'existe plus.",
    "already_cancelled": "Cette inscription est déjà annulée.",
    "already_sent": (
        "Cette inscription est déjà partie au service national. "
        "Pour la changer, annulez-la, puis refaites-la."
    ),
    "has_code": "Cette inscription a déjà son code.",
    "no_cheque": "Cette inscription n'a pas de chèque de caution.",
    "no_open_season": "Aucune saison du pass'Sport n'est ouverte aujourd'hui.",
}
RECORDED = "Enregistrée le"
CANCELLATION = "Annulation"
CANCEL_TITLE = "Annuler l'inscription"
# On the cancel screen, the button that goes back leaving the registration as it is.
CANCEL_KEEP = "Ne pas annuler"
ADD_CODE_TITLE = "Ajouter le code"
ADD_CODE_INTRO = "Tapez ou scannez le code que la famille a reçu."
CORRECT_TITLE = "Corriger l'inscription"
CORRECT_INTRO = (
    "Corrigez ce qui est mal tapé. C'est possible tant que l'inscription n'est pas envoyée."
)

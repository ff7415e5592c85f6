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

# Searching the whole forum (through the main desk), from the same search field
FORUM_TITLE = "Sur les autres postes du forum"
FORUM_RESULTS = "Inscriptions trouvées sur les autres postes du forum"
FORUM_SEARCHING = "Recherche sur le poste principal…"
FORUM_NONE = "Aucune inscription d'un autre poste ne correspond."
FORUM_UNREACHABLE = (
    "Le poste principal est hors de portée : seules les inscriptions de ce poste sont cherchées."
)
FORUM_FAILED = "La recherche sur le poste principal n'a pas abouti. Tapez à nouveau pour réessayer."
FORUM_TYPE_MORE = "Tapez au moins 2 lettres pour chercher aussi sur les autres postes."


def forum_found(count: int) -> str:
    return (
        "1 inscription sur un autre poste."
        if count == 1
        else f"{count} inscriptions sur les autres postes."
    )


def forum_line(who: str, state: str, code: str, receipt: str, desk: str, when: str) -> str:
    """Two lines, as for this desk's own: who and where it stands, then where and when."""
    details = [code, receipt, f"poste «\u00a0{desk}\u00a0», {when}"]
    return f"{who} : {state}\n{' · '.join(part for part in details if part)}"


FORUM_RECORD_INTRO = (
    "Cette inscription a été faite à un autre poste du forum. "
    "Elle se change à ce poste-là ; ici, son reçu peut être réimprimé."
)
FORUM_DESK = "Poste"
FORUM_RECEIVED = "Reçue au poste principal le"
FORUM_NO_RECEIPT = (
    "Le poste principal n'a pas le numéro de ce reçu : il ne peut pas être réimprimé ici."
)
FORUM_BACK = "Retour à la recherche"

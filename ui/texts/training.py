"""Words of training mode, which never looks real."""

# Training mode
TRAINING_BANNER = (
    "Les codes sont des codes d'essai. Rien ne part au service national. "
    "Tout est effacé à la sortie."
)
TRAINING_LEAVE = "Quitter le mode formation"
TRAINING_CODES = "Codes d'essai"
TRAINING_CODES_INTRO = "Tapez ces codes avec le nom et la date de naissance indiqués."
TRAINING_START = "Valider un code d'essai"


# Training never looks real
TRAINING_MARK = "Mode formation : exercice sans valeur"
TRAINING_SAVED = "Enregistré pour l'exercice"
TRAINING_SAVED_DEPOSIT = "Enregistré pour l'exercice, avec un chèque de caution"
TRAINING_RESULT = (
    "Mode formation : cette inscription est un exercice. Elle est effacée à la sortie."
)
TRAINING_SAVED_TO_SEND = (
    "Le serveur d'essai la reçoit pour l'exercice. Rien ne part au service national."
)
TRAINING_SUMMARY_LINE = "Mode formation : ce document est un exercice. Il est sans valeur."
TRAINING_SEND_NOW = "Échanger avec le serveur d'essai"
TRAINING_SEND_NOW_HINT = (
    "Passer tout de suite les inscriptions d'essai au serveur d'essai. "
    "Rien ne part au service national."
)
TRAINING_SYNC_STATES = {
    "idle": "Relié au serveur d'essai.",
    "sending": "Échange avec le serveur d'essai…",
    "online": "Serveur d'essai : connecté.",
    "offline": "Le serveur d'essai ne répond pas.",
    "needs_enrolment": "Le serveur d'essai refuse la clé. Quittez le mode formation.",
    "certificate_refused": "La connexion au serveur d'essai n'est pas sûre. Demandez de l'aide.",
    "stopped": "Les échanges avec le serveur d'essai sont arrêtés.",
}


def training_last_exchange(when: str) -> str:
    return f"Dernier échange à {when}."


def training_waiting(count: int) -> str:
    if count == 0:
        return "Rien en attente."
    if count == 1:
        return "1 inscription d'essai en attente."
    return f"{count} inscriptions d'essai en attente."


TRAINING_LEAVE_TITLE = "Quitter le mode formation ?"
TRAINING_STAY = "Rester en formation"
TRAINING_LEAVE_CONFIRM = "Quitter et tout effacer"


def training_leave_question(count: int) -> str:
    if count == 0:
        erased = "Vous n'avez fait aucune inscription d'essai."
    elif count == 1:
        erased = "Votre inscription d'essai sera effacée."
    else:
        erased = f"Vos {count} inscriptions d'essai seront effacées."
    return f"{erased} Les vraies données du club ne changent pas."


# What each test code does at the desk, on the day the list is shown.
TRAINING_NOTES = {
    "available": "Disponible : le serveur d'essai l'accepte.",
    "available_aeeh": (
        "Disponible : le serveur d'essai l'accepte. Code pour un enfant handicapé : "
        "il commence par I."
    ),
    "redeemed_elsewhere": "Déjà utilisé par un autre club : le serveur d'essai le refuse.",
    "revoked": "Code annulé : le serveur d'essai le refuse.",
    "past_season": "Saison passée : le code est refusé tout de suite.",
}


def training_season(year: int) -> str:
    return f"Codes de la saison {year}, ouverte aujourd'hui, et codes d'une saison passée."


TRAINING_NO_OPEN_SEASON = (
    "Aucune saison n'est ouverte aujourd'hui. Seuls les codes refusés peuvent être essayés."
)

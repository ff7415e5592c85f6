"""Words of the frame around every screen: the title, the home screen and its tasks, results."""

APP_TITLE = "pass'Sport Club"


# Frame
HOME = "Accueil"
HOME_HINT = "Revenir à l'accueil (Échap)"
HOME_TITLE = "Que voulez-vous faire ?"
HOME_INTRO = (
    "Pour valider un pass'Sport, vous pouvez aussi taper ou scanner son code ici, tout de suite."
)
OFFLINE_NO_ACCOUNT = "Pas de compte national. Tout est gardé sur cet ordinateur."
NOTHING_TO_SEND = "Aucune inscription à envoyer."


def waiting_to_send(count: int) -> str:
    if count == 0:
        return NOTHING_TO_SEND
    if count == 1:
        return "1 inscription à envoyer."
    return f"{count} inscriptions à envoyer."


# Home tasks
TASK_CLUB = "Profil du club"
TASK_CLUB_HINT = "Nom, SIRET, numéro RNA et fédération du club."
TASK_VALIDATE = "Valider un pass'Sport"
TASK_VALIDATE_HINT = "Enregistrer le code d'un jeune. Vous pouvez aussi le scanner. Touche F2."
TASK_FIND = "Retrouver une inscription"
TASK_FIND_HINT = (
    "Chercher par nom, code, numéro de reçu ou date. Puis réimprimer ou annuler. Touche F3."
)
TASK_ENROL = "Relier au service national"
TASK_ENROL_HINT = "Avec le code d'inscription donné par le portail national."
TASK_TO_CHECK = "Inscriptions à vérifier"
TASK_TO_CHECK_HINT = "Les inscriptions que le service national a refusées, et quoi faire."
TASK_TRAINING = "Mode formation"
TASK_TRAINING_HINT = "S'entraîner avec des codes d'essai. Rien n'est envoyé, rien n'est gardé."
TASK_SETTINGS = "Affichage et impression"
TASK_SETTINGS_HINT = "Taille du texte, format du reçu, impression, sons, feuille de secours."
TASK_BACKUPS = "Sauvegardes"
TASK_BACKUPS_HINT = "Copier les données sur une clé USB, ou revenir à une sauvegarde."
TASK_LOCK = "Verrou du guichet"
TASK_LOCK_HINT = "Un code pour cacher l'écran quand l'ordinateur reste seul."
TASK_ADMIN = "Réglages et sécurité"
TASK_ADMIN_HINT = "Profil du club, service national, sauvegardes, verrou, affichage."
TASK_TREASURER = "Trésorerie"
TASK_TREASURER_HINT = (
    "Ce que l'État doit au club, ce qui est remboursé, ce qui manque. Exports et Le Compte Asso."
)


# Buttons of several screens
SAVE = "Enregistrer"
CANCEL = "Annuler"


# Results and messages, for screen readers too (the icon is named)
RESULT_ICON_NAMES = {
    "success": "Réussi",
    "warning": "Attention",
    "error": "Erreur",
    "info": "Information",
}


# Start-up: the program is already open
def already_running() -> str:
    return "pass'Sport Club est déjà ouvert sur cet ordinateur. Sa fenêtre est affichée."


# Counting registrations, on several screens
def registrations(count: int) -> str:
    if count == 0:
        return "aucune inscription"
    return "1 inscription" if count == 1 else f"{count} inscriptions"


def registrations_done(count: int, verb: str) -> str:
    """``1 inscription ajoutée``, ``3 inscriptions ajoutées``."""
    return f"{registrations(count)} {verb}" if count == 1 else f"{registrations(count)} {verb}s"

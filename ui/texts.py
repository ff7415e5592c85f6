"""Every sentence the interface shows, in one place, to be read for plain French.

Short sentences, one idea each, present tense, no jargon (see UX.md).
"""

from app.errors import FormError, KnownError, StoreError

APP_TITLE = "pass'Sport Club"

# Frame
HOME = "Accueil"
HOME_HINT = "Revenir à l'accueil (Échap)"
HOME_TITLE = "Que voulez-vous faire ?"
OFFLINE_NO_ACCOUNT = "Pas de compte national : tout est gardé sur cet ordinateur."
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

# Club profile form
CLUB_FIRST_TITLE = "Bienvenue ! Présentez votre club."
CLUB_FIRST_INTRO = (
    "Ces informations figurent sur chaque reçu. "
    "Vous les trouvez sur Le Compte Asso. Vous pourrez les changer plus tard."
)
CLUB_EDIT_TITLE = "Profil du club"
CLUB_EDIT_INTRO = "Ces informations figurent sur chaque reçu."
CLUB_NAME = "Nom du club"
CLUB_SIRET = "Numéro SIRET (14 chiffres)"
CLUB_RNA = "Numéro RNA (W suivi de 9 chiffres)"
CLUB_FEDERATION = "Fédération (facultatif)"
SAVE = "Enregistrer"
CANCEL = "Annuler"
CLUB_SAVED = "Le profil du club est enregistré."
FIELD_ERRORS = {
    "required": "Ce champ est obligatoire.",
    "too_long": "Ce texte est trop long.",
    "siret_not_digits": "Le SIRET ne contient que des chiffres.",
    "siret_length": "Le SIRET a 14 chiffres. Vérifiez le nombre de chiffres.",
    "siret_checksum": "Ce SIRET n'existe pas. Un chiffre est sans doute mal tapé.",
    "rna_format": "Le numéro RNA commence par W, suivi de 9 chiffres. Exemple : W751234567.",
}
FORM_HAS_ERRORS = "Certains champs sont à corriger."

# Errors
STORE_ERRORS = {
    "unreadable": "Le fichier des inscriptions ne peut pas être ouvert.",
    "damaged": "Le fichier des inscriptions est abîmé. Il n'a pas été modifié.",
    "too_new": (
        "Ce fichier vient d'une version plus récente de pass'Sport Club. "
        "Installez la dernière version."
    ),
    "disk_full": "Le disque est plein. Libérez de la place puis recommencez.",
    "read_only": "Le dossier des données est en lecture seule.",
}
UNEXPECTED_TITLE = "Un problème inattendu"
NO_DISPLAY = "Aucun écran n'est disponible : lancez pass'Sport Club depuis une session graphique."


def unexpected(log_file: str) -> str:
    return (
        "pass'Sport Club a rencontré un problème inattendu. "
        "Ce qui était enregistré est conservé.\n\n"
        f"Le détail est noté dans ce fichier :\n{log_file}\n\n"
        "Vous pouvez l'envoyer à la personne qui vous aide."
    )


def describe(error: KnownError) -> str:
    """The plain French sentence for an expected error."""
    if isinstance(error, StoreError):
        return STORE_ERRORS.get(error.reason, STORE_ERRORS["unreadable"])
    if isinstance(error, FormError):
        return FORM_HAS_ERRORS
    return "Cette action n'a pas pu être faite."

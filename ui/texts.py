"""Every sentence the interface shows, in one place, to be read for plain French.

Short sentences, one idea each, present tense, no jargon (see UX.md).
"""

from app.codes import CodeError
from app.errors import FormError, KnownError, StoreError
from ui.code_texts import describe_code_error

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
    if isinstance(error, CodeError):
        return describe_code_error(error)
    if error.reason in VALIDATION_ERRORS:
        return VALIDATION_ERRORS[error.reason]
    if error.reason == "duplicate_code":
        existing = error.details["existing"]
        return already_registered(existing.receipt_no, existing.recorded_at.strftime("%d/%m/%Y"))
    return "Cette action n'a pas pu être faite."


# Desk: validating a pass'Sport
TASK_VALIDATE = "Valider un pass'Sport"
TASK_VALIDATE_HINT = "Enregistrer le code d'un jeune. Raccourci : F2. Vous pouvez aussi scanner."
TASK_FIND = "Retrouver une inscription"
TASK_FIND_HINT = (
    "Chercher par nom, code, numéro de reçu ou date. Réimprimer, annuler. Raccourci : F3."
)
CODE_TITLE = "Valider un pass'Sport"
CODE_INTRO = "Tapez ou scannez le code du jeune. Il ressemble à 25-ABCD-EFGH."
CODE_LABEL = "Code pass'Sport"
CODE_CONTINUE = "Continuer"
NO_CODE_YET = "Pas encore de code"
NO_CODE_YET_HINT = "Inscrire le jeune avec un chèque de caution, en attendant son code."
VOLUNTEER_LABEL = "Votre prénom, pour les reçus (facultatif)"
OPEN_EXISTING = "Ouvrir cette inscription"


def code_missing(count: int) -> str:
    return "Il manque 1 caractère." if count == 1 else f"Il manque {count} caractères."


def already_registered(receipt_no: str, when: str) -> str:
    return f"Ce code est déjà enregistré ici, le {when}. Reçu n° {receipt_no}."


def season_line(year: int, amount: str) -> str:
    return f"Saison {year} : {amount} déduits de la cotisation."


PERSON_TITLE = "Le jeune"
PERSON_INTRO = "Recopiez le nom, le prénom et la date de naissance du jeune."
DEPOSIT_TITLE = "Inscription avec chèque de caution"
DEPOSIT_INTRO = (
    "Le jeune n'a pas encore son code. Prenez un chèque de caution du même montant. "
    "Ne l'encaissez pas : vous le rendrez quand le code arrivera."
)
LAST_NAME = "Nom"
FIRST_NAME = "Prénom"
BIRTH_DATE = "Date de naissance (jour/mois/année)"
ACTIVITY = "Activité ou section (facultatif)"
FEE = "Cotisation en euros (facultatif)"
CHEQUE_NUMBER = "Numéro du chèque"
CHEQUE_BANK = "Banque"
CHEQUE_AMOUNT = "Montant du chèque en euros"
PERSON_ERRORS = {
    "required": "Ce champ est obligatoire.",
    "too_long": "Ce texte est trop long : 60 caractères au plus.",
    "control_character": "Ce texte contient un caractère invisible. Retapez-le.",
    "name_character": "Un nom contient des lettres, des espaces, des tirets ou des apostrophes.",
    "date_format": "Tapez la date comme ceci : 15/03/2012 ou 15032012.",
    "date_not_in_calendar": "Cette date n'existe pas. Vérifiez le jour et le mois.",
    "date_future": "Cette date est dans le futur.",
    "money_format": "Tapez un montant comme ceci : 150 ou 150,50.",
    "money_too_large": "Ce montant est trop grand. Vérifiez-le.",
}


def age_refused(age_min: int, age_max: int, year: int) -> str:
    return f"En {year}, le pass'Sport est pour les jeunes de {age_min} à {age_max} ans."


REVIEW_TITLE = "Vérifiez avant d'enregistrer"
REVIEW_INTRO = "Relisez avec la famille. Appuyez sur Entrée pour confirmer."
MODIFY = "Modifier"
CONFIRM = "Confirmer"
REVIEW_CODE = "Code"
REVIEW_NAME = "Jeune"
REVIEW_BORN = "Né ou née le"
REVIEW_SEASON = "Saison"
REVIEW_AMOUNT = "Montant déduit"
REVIEW_FEE = "Cotisation"
REVIEW_REMAINING = "Reste à payer"
REVIEW_ACTIVITY = "Activité"
REVIEW_CHEQUE = "Chèque de caution"


def cheque_summary(number: str, bank: str, amount: str) -> str:
    return f"n° {number}, {bank}, {amount}"


SAVED = "Enregistré"
SAVED_DEPOSIT = "Enregistré avec un chèque de caution"
SAVED_TO_SEND = "Il sera envoyé au service national dès qu'une connexion sera là."
SAVED_DEPOSIT_NEXT = "Quand le code arrive, retrouvez l'inscription et ajoutez le code."


def receipt_number(receipt_no: str) -> str:
    return f"Reçu n° {receipt_no}"


def amount_deducted(amount: str) -> str:
    return f"Montant déduit : {amount}"


def remaining(amount: str) -> str:
    return f"Reste à payer : {amount}"


PRINT = "Imprimer le reçu"
SAVE_PDF = "Enregistrer le reçu en PDF"
NEXT_FAMILY = "Inscription suivante"
PRINTED = "Le reçu est parti à l'imprimante."
PRINT_CANCELLED = "Impression annulée. Vous pourrez réimprimer le reçu plus tard."


def pdf_saved(path: str) -> str:
    return f"Le reçu est enregistré : {path}"


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
    return "1 inscription." if count == 1 else f"{count} inscriptions."


RECORD_TITLE = "Inscription"
REPRINT = "Réimprimer le reçu"
CANCEL_REGISTRATION = "Annuler l'inscription"
CANCEL_REASON = "Pourquoi l'annuler ?"
CANCEL_CONFIRM_INTRO = "L'annulation est notée. Le code pourra être validé à nouveau."
CANCELLED_DONE = "L'inscription est annulée."
CORRECT = "Corriger le nom ou la date"
CORRECTED = "La correction est enregistrée."
ADD_CODE = "Ajouter le code"
CODE_ADDED = "Le code est ajouté."
CHEQUE_RETURNED = "Chèque rendu à la famille"
CHEQUE_CASHED = "Chèque encaissé"
CHEQUE_STATE_WORDS = {
    "held": "Chèque de caution gardé, à ne pas encaisser",
    "returned": "Chèque de caution rendu à la famille",
    "cashed": "Chèque de caution encaissé",
}


def give_cheque_back(number: str) -> str:
    return f"Rendez le chèque de caution n° {number} à la famille."


def cancelled_on(when: str, reason: str) -> str:
    return f"Annulée le {when}. Motif : {reason}"


VALIDATION_ERRORS = {
    "not_found": "Cette inscription n'existe plus.",
    "already_cancelled": "Cette inscription est déjà annulée.",
    "already_sent": "Elle est déjà envoyée au service national. Annulez-la puis refaites-la.",
    "has_code": "Cette inscription a déjà son code.",
    "no_cheque": "Cette inscription n'a pas de chèque de caution.",
    "no_open_season": "Aucune saison du pass'Sport n'est ouverte aujourd'hui.",
}
RECORDED = "Enregistrée le"
CANCEL_TITLE = "Annuler l'inscription"
ADD_CODE_TITLE = "Ajouter le code"
ADD_CODE_INTRO = "Tapez ou scannez le code que la famille a reçu."
CORRECT_TITLE = "Corriger l'inscription"
CORRECT_INTRO = "Corrigez ce qui est mal tapé. C'est possible tant qu'elle n'est pas envoyée."


# The national service
SEND_NOW = "Envoyer maintenant"
SEND_NOW_HINT = "Envoyer tout de suite les inscriptions en attente au service national."
SYNC_STATES = {
    "idle": "Service national : en attente.",
    "sending": "Envoi en cours…",
    "online": "Service national : connecté.",
    "offline": "Pas de connexion : tout est gardé sur cet ordinateur.",
    "needs_enrolment": "La clé du service national est refusée. Reliez cet ordinateur à nouveau.",
    "certificate_refused": "Le certificat du service national est refusé. Rien n'est envoyé.",
    "stopped": "Service national : arrêté.",
}


def last_sent(when: str) -> str:
    return f"Envoyé à {when}."


def next_try(seconds: float) -> str:
    if seconds < 60:
        return "Nouvel essai dans moins d'une minute."
    return f"Nouvel essai dans {round(seconds / 60)} min."


def clock_off(minutes: int) -> str:
    return (
        f"L'horloge de cet ordinateur a {minutes} minutes d'écart avec le service national. "
        "Réglez l'heure de l'ordinateur."
    )


def to_check_count(count: int) -> str:
    return "1 inscription à vérifier." if count == 1 else f"{count} inscriptions à vérifier."


TASK_ENROL = "Relier au service national"
TASK_ENROL_HINT = "Avec le code d'inscription donné par le portail national."
TASK_TO_CHECK = "Inscriptions à vérifier"
TASK_TO_CHECK_HINT = "Les inscriptions que le service national a refusées, et quoi faire."
TASK_TRAINING = "Mode formation"
TASK_TRAINING_HINT = "S'entraîner avec des codes d'essai. Rien n'est envoyé, rien n'est gardé."
ENROL_TITLE = "Relier cet ordinateur au service national"
ENROL_INTRO = (
    "Sur le portail national, demandez un code d'inscription pour un nouvel ordinateur. "
    "Tapez-le ici. La clé reçue est gardée dans le coffre sécurisé de l'ordinateur."
)
ENROL_URL = "Adresse du service national"
ENROL_CODE = "Code d'inscription"
ENROL_BUTTON = "Relier cet ordinateur"
ENROL_WAIT = "Connexion au service national…"


def enrolled(club: str) -> str:
    return f"Cet ordinateur est relié au service national pour le club {club}."


ENROL_ERRORS = {
    "no_secure_keyring": (
        "Cet ordinateur n'a pas de coffre sécurisé pour la clé du service national. "
        "Le programme continue sans connexion."
    ),
    "refused": "Ce code d'inscription n'est pas valable. Demandez-en un nouveau sur le portail.",
    "unreachable": "Le service national ne répond pas. Vérifiez la connexion puis recommencez.",
    "certificate_refused": "Le certificat du service national est refusé. Rien n'a été envoyé.",
    "bad_url": "Cette adresse ne convient pas. Elle commence par https://.",
}
TO_CHECK_TITLE = "Inscriptions à vérifier"
TO_CHECK_INTRO = (
    "Le service national a refusé ces inscriptions. Rien n'est perdu : voici quoi faire."
)
TO_CHECK_NONE = "Aucune inscription à vérifier."
NATIONAL_REASONS = {
    "identity_mismatch": (
        "Le nom ou la date de naissance ne correspondent pas au code. "
        "Vérifiez l'orthographe avec la famille, corrigez, puis validez à nouveau."
    ),
    "other_club": (
        "Ce code est déjà utilisé par un autre club. "
        "Prenez un chèque de caution et demandez à la famille de vérifier."
    ),
    "duplicate_here": (
        "Ce code est déjà enregistré par un autre ordinateur du club. "
        "C'est une inscription en double : annulez celle-ci."
    ),
    "unknown_code": "Ce code n'existe pas. Vérifiez-le avec la famille.",
    "revoked": "Ce code a été annulé par le service national. La famille doit le contacter.",
    "season_closed": "La saison de ce code est close. Il ne sera pas remboursé.",
    "key_reused": "Un problème d'envoi est survenu. Annulez puis refaites l'inscription.",
    "invalid": "Le service national refuse cette inscription. Vérifiez les informations.",
    "cancelled_nationally": "Cette inscription a été annulée sur le portail national.",
}
NATIONAL_REASON = "Réponse du service national"
PAID_ON = "Remboursé le"

TRAINING_BANNER = (
    "Mode formation : codes d'essai, rien n'est envoyé au service national, "
    "tout est effacé en sortant."
)
TRAINING_LEAVE = "Quitter le mode formation"
TRAINING_CODES = "Codes d'essai"
TRAINING_CODES_INTRO = "Tapez ces codes avec le nom et la date de naissance indiqués."

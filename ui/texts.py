"""Every sentence the interface shows, in one place, to be read for plain French.

Short sentences, one idea each, present tense, no jargon, no abbreviations (see UX.md).
tests/test_accessibility_texts.py reads every string of this module: a sentence over
20 words, a word in capitals only or an abbreviation outside its short lists fails it.
Pure Python (no Qt).
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from app.codes import CodeError, CodeReason
from app.errors import FormError, KnownError, StoreError
from app.exports import ExportError, Labels
from app.extract_columns import Field
from app.portal_extracts import ExtractError
from app.reconcile import ReconcileError
from app.treasury import TreasuryError
from ui import french
from ui.french import long_date

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

# Club profile form
CLUB_FIRST_TITLE = "Bienvenue ! Présentez votre club."
CLUB_FIRST_INTRO = (
    "Ces informations sont écrites sur chaque reçu. "
    "Vous les trouvez sur le site Le Compte Asso. Vous pourrez les changer plus tard."
)
CLUB_EDIT_TITLE = "Profil du club"
CLUB_EDIT_INTRO = "Ces informations sont écrites sur chaque reçu."
CLUB_NAME = "Nom du club"
CLUB_SIRET = "Numéro SIRET (14 chiffres)"
CLUB_RNA = "Numéro RNA (W suivi de 9 chiffres ; en Corse, W2A ou W2B suivi de 7 chiffres)"
CLUB_LOCAL_LAW = "Association de droit local (Alsace-Moselle)"
CLUB_LOCAL_LAW_HINT = (
    "Sans numéro RNA. En Moselle, dans le Bas-Rhin et le Haut-Rhin, une association "
    "inscrite au tribunal judiciaire n'a pas de numéro RNA. "
    "Cochez cette case : il n'est alors pas demandé."
)
CLUB_LOCAL_LAW_VALUE = "droit local (Alsace-Moselle)"  # on the receipts, instead of the RNA
CLUB_FEDERATION = "Fédération (facultatif)"
SAVE = "Enregistrer"
CANCEL = "Annuler"
CLUB_SAVED = "Le profil du club est enregistré."
FIELD_ERRORS = {
    "required": "Cette case est obligatoire.",
    "too_long": "Ce texte est trop long.",
    "siret_not_digits": "Le SIRET ne contient que des chiffres.",
    "siret_length": "Le SIRET a 14 chiffres. Vérifiez le nombre de chiffres.",
    "siret_checksum": "Ce SIRET n'existe pas. Un chiffre est sans doute mal tapé.",
    "rna_format": (
        "Le numéro RNA commence par W, suivi de 9 chiffres. Exemple : W751234567. "
        "En Corse, il commence par W2A ou W2B, suivi de 7 chiffres."
    ),
    "rna_required": (
        "Tapez le numéro RNA. Une association de droit local d'Alsace-Moselle n'en a pas : "
        "cochez la case « Association de droit local »."
    ),
}
FORM_HAS_ERRORS = "Certaines cases sont à corriger."

# Errors
STORE_ERRORS = {
    "unreadable": "Le fichier des inscriptions ne peut pas être ouvert.",
    "damaged": "Le fichier des inscriptions est abîmé. Il n'a pas été modifié. Demandez de l'aide.",
    "too_new": (
        "Ce fichier vient d'une version plus récente de pass'Sport Club. "
        "Installez la dernière version."
    ),
    "disk_full": "Le disque est plein. Libérez de la place puis recommencez.",
    "read_only": (
        "Le programme ne peut pas écrire dans le dossier des données. Demandez de l'aide."
    ),
    "locked": (
        "Le fichier des inscriptions est occupé par un autre programme. "
        "Rien n'a été enregistré. Fermez l'autre programme puis recommencez."
    ),
    "write_failed": "Le fichier n'a pas pu être écrit. Vérifiez la clé USB ou le disque.",
    "backup_damaged": "Cette sauvegarde est abîmée. Choisissez-en une autre.",
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


def describe(error: BaseException) -> str:
    """The plain French sentence for an error; an unexpected one says where to look."""
    if isinstance(error, ExtractError):
        return EXTRACT_ERRORS.get(error.reason, EXTRACT_ERRORS["damaged"])
    if isinstance(error, ExportError):
        return EXPORT_ERRORS.get(error.reason, EXPORT_ERRORS["write_failed"])
    if isinstance(error, ReconcileError):
        text = RECONCILE_ERRORS.get(error.reason, FAILED)
        row = error.details.get("row")
        return f"{text} (ligne {row})" if row else text
    if isinstance(error, TreasuryError):
        return TREASURY_ERRORS.get(error.reason, FAILED)
    if not isinstance(error, KnownError):
        return UNEXPECTED_SHORT
    if isinstance(error, StoreError):
        return STORE_ERRORS.get(error.reason, STORE_ERRORS["unreadable"])
    if isinstance(error, FormError):
        return FORM_HAS_ERRORS
    if isinstance(error, CodeError):
        return describe_code_error(error)
    if error.reason in KEY_PROBLEMS:
        return KEY_PROBLEMS[error.reason]
    if error.reason in VALIDATION_ERRORS:
        return VALIDATION_ERRORS[error.reason]
    if error.reason == "duplicate_code":
        existing = error.details["existing"]
        return already_registered(existing.receipt_no, french.moment(existing.recorded_at))
    return "Cette action n'a pas marché. Recommencez, ou demandez de l'aide."


# Desk: validating a pass'Sport
TASK_VALIDATE = "Valider un pass'Sport"
TASK_VALIDATE_HINT = "Enregistrer le code d'un jeune. Vous pouvez aussi le scanner. Touche F2."
TASK_FIND = "Retrouver une inscription"
TASK_FIND_HINT = (
    "Chercher par nom, code, numéro de reçu ou date. Puis réimprimer ou annuler. Touche F3."
)
CODE_TITLE = "Valider un pass'Sport"
CODE_LABEL = "Code pass'Sport"
CODE_CONTINUE = "Continuer"
NO_CODE_YET = "Pas encore de code"
NO_CODE_YET_HINT = "Inscrire le jeune avec un chèque de caution, en attendant son code."
VOLUNTEER_LABEL = "Votre prénom, pour les reçus (facultatif)"
OPEN_EXISTING = "Ouvrir cette inscription"


def code_intro(example: str) -> str:
    return f"Tapez ou scannez le code du jeune. Il ressemble à {french.unbroken(example)}."


def code_missing(count: int) -> str:
    return "Il manque 1 caractère." if count == 1 else f"Il manque {count} caractères."


def already_registered(receipt_no: str, when: str) -> str:
    return f"Ce code est déjà enregistré ici, le {when}. Reçu numéro {receipt_no}."


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
    "required": "Cette case est obligatoire.",
    "too_long": "Ce texte est trop long : 60 caractères au plus.",
    "control_character": "Ce texte contient un caractère invisible. Retapez-le.",
    "name_character": "Un nom n'a que des lettres, des espaces, des tirets ou des apostrophes.",
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
CHEQUE_STATE = "Le chèque"
NO_CODE_VALUE = "Pas encore de code"


def cheque_summary(number: str, bank: str, amount: str) -> str:
    return f"numéro {number}, {bank}, {amount}"


SAVED = "Enregistré"
SAVED_DEPOSIT = "Enregistré avec un chèque de caution"
SAVED_TO_SEND = "Il est envoyé au service national dès qu'il y a une connexion."
SAVED_DEPOSIT_NEXT = "Quand le code arrive, retrouvez l'inscription et ajoutez le code."


def receipt_number(receipt_no: str) -> str:
    return f"Reçu numéro {receipt_no}"


def amount_deducted(amount: str) -> str:
    return f"Montant déduit : {amount}"


def remaining(amount: str) -> str:
    return f"Reste à payer : {amount}"


PRINT = "Imprimer le reçu"
SAVE_PDF = "Enregistrer le reçu en PDF"
NEXT_FAMILY = "Inscription suivante"
PRINTED = "Le reçu est parti à l'imprimante."
PRINT_CANCELLED = "Impression annulée. Vous pourrez réimprimer le reçu plus tard."
SIBLING = "Un frère ou une sœur"
SIBLING_HINT = (
    "Inscrire un autre enfant de la même famille : le nom et l'activité sont déjà remplis."
)
NEXT_CODE_HINT = (
    "Pour la famille suivante, vous pouvez aussi taper ou scanner son code tout de suite."
)


def sibling_intro(last_name: str, example: str) -> str:
    return (
        f"Le code du frère ou de la sœur. Le nom {last_name} est gardé. "
        f"Un code ressemble à {french.unbroken(example)}."
    )


def print_family(count: int) -> str:
    return f"Imprimer les {count} reçus de la famille"


def printed_family(count: int) -> str:
    return f"Les {count} reçus de la famille sont partis à l'imprimante."


CLOSE_UNSAVED = (
    "Cette inscription n'est pas finie. Si vous fermez maintenant, ce qui a été tapé sera perdu."
)
CLOSE_TITLE = "Fermer pass'Sport Club ?"
CLOSE_KEEP = "Revenir à l'inscription"
CLOSE_ANYWAY = "Fermer sans enregistrer"


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


# The national service
SEND_NOW = "Envoyer maintenant"
SEND_NOW_HINT = "Envoyer tout de suite les inscriptions en attente au service national."
SYNC_STATES = {
    "idle": "Relié au service national.",
    "sending": "Envoi en cours…",
    "online": "Service national : connecté.",
    "offline": "Pas de connexion : tout est gardé sur cet ordinateur.",
    "needs_enrolment": "La clé du service national est refusée. Reliez cet ordinateur à nouveau.",
    "certificate_refused": (
        "La connexion au service national n'est pas sûre. Rien n'est envoyé. Demandez de l'aide."
    ),
    "stopped": "Les envois au service national sont arrêtés.",
}


def last_sent(when: str) -> str:
    return f"Envoyé à {when}."


def next_try(seconds: float) -> str:
    if seconds < 60:
        return "Nouvel essai dans moins d'une minute."
    minutes = round(seconds / 60)
    return (
        "Nouvel essai dans 1 minute." if minutes == 1 else f"Nouvel essai dans {minutes} minutes."
    )


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
    "Tapez-le ici. La clé reçue est gardée dans le trousseau de mots de passe de l'ordinateur. "
    "C'est le Gestionnaire d'identification sous Windows, le Trousseau sous macOS."
)
ENROL_NO_KEYRING = (
    "Cet ordinateur ne peut pas être relié pour l'instant. "
    "Il n'a pas de trousseau de mots de passe pour garder la clé du service national."
)
ENROL_NO_KEYRING_TODO = (
    "Que faire ? Sous Linux, installez gnome-keyring ou KWallet, puis relancez pass'Sport Club. "
    "Demandez de l'aide si besoin. Vous pouvez aussi relier un autre ordinateur du club."
)
ENROL_NO_KEYRING_MEANWHILE = (
    "En attendant, le guichet marche sans connexion : les inscriptions restent sur cet ordinateur."
)
ENROL_URL = "Adresse du service national"
ENROL_CODE = "Code d'inscription"
ENROL_BUTTON = "Relier cet ordinateur"
ENROL_WAIT = "Connexion au service national…"


def enrolled(club: str) -> str:
    return f"Cet ordinateur est relié au service national pour le club {club}."


ENROL_ERRORS = {
    "no_secure_keyring": (
        "Cet ordinateur n'a pas de trousseau de mots de passe pour garder la clé "
        "du service national. Le programme continue sans connexion."
    ),
    "refused": "Ce code d'inscription n'est pas valable. Demandez-en un nouveau sur le portail.",
    "unreachable": "Le service national ne répond pas. Vérifiez la connexion puis recommencez.",
    "certificate_refused": (
        "La connexion au service national n'est pas sûre. Rien n'a été envoyé. Demandez de l'aide."
    ),
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
        "Vérifiez-les avec la famille. Puis annulez cette inscription et refaites-la."
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
    "key_reused": "Il y a eu un problème d'envoi. Annulez l'inscription, puis refaites-la.",
    "invalid": "Le service national refuse cette inscription. Vérifiez les informations.",
    "cancelled_nationally": "Cette inscription a été annulée sur le portail national.",
    "refused_nationally": (
        "Le portail national refuse cette inscription. Il ne la remboursera pas. "
        "Vérifiez le code et le nom avec la famille."
    ),
    "cancelled_after_payment": (
        "Le portail national dit que cette inscription est annulée. Pourtant un remboursement "
        "est noté. Vérifiez sur le portail avant de rendre ou de réclamer de l'argent."
    ),
    "refused_after_payment": (
        "Le portail national refuse cette inscription. Pourtant un remboursement est noté. "
        "Vérifiez sur le portail avant de rendre ou de réclamer de l'argent."
    ),
    "unpaid_after_payment": (
        "Le portail national dit que cette inscription n'est pas remboursée. Pourtant un "
        "remboursement est noté. Vérifiez sur votre relevé de banque."
    ),
}
NATIONAL_REASON = "Réponse du service national"
PAID_ON = "Remboursé le"

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

# The key that protects the data
# The system's keyring is named in words a volunteer knows: « trousseau de mots de passe ».
NO_KEYRING_WHY = (
    "Cet ordinateur n'a pas de trousseau de mots de passe : "
    "la phrase secrète protège les noms des jeunes."
)
KEYRING_WOULD_HELP = (
    "Avec un trousseau de mots de passe, l'ordinateur s'en souviendrait : "
    "elle ne serait plus demandée à chaque démarrage. "
    "Sous Linux, installez gnome-keyring ou KWallet, puis relancez pass'Sport Club."
)
KEYRING_NOW = (
    "Cet ordinateur a maintenant un trousseau de mots de passe. "
    "Après cette fois, la phrase ne sera plus demandée ici."
)
PASSPHRASE_NEW_TITLE = "Choisissez une phrase secrète"
PASSPHRASE_NEW = (
    "Elle sera demandée à chaque démarrage. Notez-la en lieu sûr : sans elle, "
    "personne ne peut plus lire les données, même avec une sauvegarde."
)
PASSPHRASE_FIRST = "Phrase secrète (8 caractères au moins)"
PASSPHRASE_SECOND = "La même phrase, une seconde fois"
PASSPHRASE_LONG_ENOUGH = "✔ Assez longue."
PASSPHRASE_SAME = "✔ Identique à la première."
PASSPHRASE_NOT_YET_SAME = "Pas encore identique à la première."
PASSPHRASE_DIFFERENT = "✖ Différente de la première. Vérifiez-la."
PASSPHRASE_TYPE_TWICE = "Tapez-la deux fois : cela évite une faute de frappe."
PASSPHRASE_PROTECT = "Protéger les données"
PASSPHRASE_TITLE = "Phrase secrète"
PASSPHRASE_ASK = "Tapez la phrase secrète qui protège les données du club."
PASSPHRASE_FIELD = "Phrase secrète"
PASSPHRASE_OPEN = "Ouvrir les données"
PASSPHRASE_QUIT = "Quitter"
PASSPHRASE_FORGOTTEN_TITLE = "Phrase oubliée ?"
PASSPHRASE_FORGOTTEN = (
    "Sans elle, personne ne peut lire les données du club. "
    "Une sauvegarde n'aide pas : elle s'ouvre avec la même phrase. "
    "Demandez-la à la personne qui a préparé cet ordinateur pour le club."
)


def passphrase_missing(count: int) -> str:
    """What the first field still needs, as it is typed."""
    return "Encore 1 caractère." if count == 1 else f"Encore {count} caractères."


KEY_PROBLEMS = {
    "wrong_passphrase": (
        "Cette phrase secrète ne convient pas. Vérifiez les majuscules et les accents."
    ),
    "passphrase_too_short": "Cette phrase est trop courte : 8 caractères au moins.",
    "key_missing": (
        "La clé qui protège ces données n'est pas sur cet ordinateur. "
        "Restaurez une sauvegarde faite ici, ou demandez de l'aide."
    ),
}


# Codes as typed or scanned: what is wrong, then what to do.
def ordinal(position: int) -> str:
    """``1er``, ``2e``, ``7e``."""
    return "1er" if position == 1 else f"{position}e"


def _characters(count: int) -> str:
    return "1 caractère" if count == 1 else f"{count} caractères"


def _sign(char: str) -> str:
    return (
        f"Le signe « {char} »"
        if char.isprintable() and not char.isspace()
        else "Un signe invisible"
    )


def _example(d: dict) -> str:
    return french.unbroken(d.get("example", "26-ABCD-EFGH"))


def _place(d: dict) -> str:
    """Where the fault is, counted as the volunteer counts on screen (dashes too)."""
    return f"{ordinal(d['shown_index'] + 1)} caractère" if "shown_index" in d else "caractère"


_LOOKALIKE_HINTS = {"O": "C'est peut-être un D ou un Q.", "I": "C'est peut-être un J ou un L."}


CODE_ERRORS: dict[CodeReason, Callable[[dict], str]] = {
    CodeReason.EMPTY: lambda d: f"Le code est vide. Tapez le code reçu, par exemple {_example(d)}.",
    CodeReason.TOO_SHORT: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.TOO_LONG: lambda d: (
        f"Ce code a {_characters(d['typed'])}. Il en faut {d['needed']}, sans compter les tirets."
    ),
    CodeReason.MISSING_YEAR: lambda d: (
        f"Il manque les deux chiffres du début. Un code ressemble à {_example(d)}."
    ),
    CodeReason.INVALID_CHARACTER: lambda d: (
        f"{_sign(d['char'])} ne va pas dans un code ({_place(d)}). "
        "Tapez seulement des lettres et des chiffres."
    ),
    CodeReason.LETTER_IN_YEAR: lambda d: (
        f"Le {_place(d)} est la lettre {d['char']}. Un code commence par deux chiffres."
    ),
    CodeReason.DIGIT_IN_LETTERS: lambda d: (
        f"Le {_place(d)} est le chiffre {d['digit']}. "
        "Après les deux premiers chiffres, un code n'a que des lettres."
    ),
    CodeReason.FORBIDDEN_LETTER: lambda d: (
        f"Le {_place(d)}, {d['letter']}, n'existe pas dans les codes. "
        + _LOOKALIKE_HINTS.get(d["letter"], "Vérifiez-le.")
    ),
    CodeReason.UNKNOWN_SEASON: lambda d: (
        f"Aucun pass'Sport ne commence par {d['prefix']}. "
        f"Vérifiez les deux premiers chiffres : un code de cette saison ressemble à {_example(d)}."
    ),
    CodeReason.SEASON_WITHOUT_CODES: lambda d: (
        f"Les pass'Sport de {d['year']} n'avaient pas de code. "
        f"Un code de cette saison ressemble à {_example(d)}."
    ),
    CodeReason.SEASON_NOT_OPEN: lambda d: (
        f"La saisie des codes {d['year']} ouvre le {long_date(d['opens'])}. "
        "Gardez ce code jusque-là."
    ),
    CodeReason.SEASON_CLOSED: lambda d: (
        f"Ce code de {d['year']} ne sert plus. "
        f"Demandez à la famille le code de cette saison, qui ressemble à {_example(d)}."
    ),
    CodeReason.QR_URL: lambda d: (
        "Ce QR code ne peut pas être lu sans connexion. Tapez le code imprimé sous le QR code."
    ),
    CodeReason.SEVERAL_CODES: lambda d: (
        f"Le texte contient {d['count']} codes différents. Tapez un seul code à la fois."
    ),
}


def describe_code_error(error: CodeError) -> str:
    """One or two plain French sentences: what is wrong and what to do."""
    return CODE_ERRORS[error.reason](error.details)


def use_suggestion(code: str) -> str:
    return f"Prendre {code}"


# Results and messages, for screen readers too (the icon is named)
RESULT_ICON_NAMES = {
    "success": "Réussi",
    "warning": "Attention",
    "error": "Erreur",
    "info": "Information",
}

# Settings (this computer)
TASK_SETTINGS = "Affichage et impression"
TASK_SETTINGS_HINT = "Taille du texte, format du reçu, impression, sons."
SETTINGS_TITLE = "Réglages de cet ordinateur"
SETTINGS_INTRO = "Chaque changement compte tout de suite. Il est gardé pour la prochaine fois."
TEXT_SIZE = "Taille du texte"
TEXT_SIZE_CHOICES = {
    100: "Normale (100 %)",
    125: "Un peu plus grande (125 %)",
    150: "Plus grande (150 %)",
    175: "Très grande (175 %)",
    200: "La plus grande (200 %)",
}
RECEIPT_LAYOUT = "Format du reçu"
RECEIPT_LAYOUT_CHOICES = {
    "page": "Une demi-page (format A5)",
    "ticket": "Un ticket de caisse de 8 centimètres de large",
}
AUTO_PRINT = "Imprimer le reçu tout de suite"
AUTO_PRINT_HINT = "Après chaque inscription, le reçu part à l'imprimante sans autre clic."
SOUNDS = "Sons au guichet"
SOUNDS_HINT = "Un son quand c'est enregistré. Deux sons en cas d'erreur."
SETTING_SAVED = "Réglage enregistré."

# Backups
TASK_BACKUPS = "Sauvegardes"
TASK_BACKUPS_HINT = "Copier les données sur une clé USB, ou revenir à une sauvegarde."
BACKUPS_TITLE = "Sauvegardes"
BACKUPS_INTRO = (
    "Une sauvegarde est faite chaque jour, toutes les 20 inscriptions, et à la fermeture. "
    "Elles sont gardées 30 jours. Les noms y sont chiffrés. "
    "Ces fichiers restent des données personnelles : rangez-les en lieu sûr."
)
BACKUP_BEFORE_CLOSING = "Sauvegarde des inscriptions avant de fermer…"
BACKUP_TO_USB = "Sauvegarder sur une clé USB"
BACKUP_CHOOSE = "Choisissez la clé USB ou le dossier"
BACKUPS_LIST = "Sauvegardes de cet ordinateur"
BACKUP_RESTORE = "Revenir à cette sauvegarde"
BACKUP_GOOD = "vérifiée"
BACKUP_DAMAGED = "abîmée"
BACKUP_MADE_AT = "Sauvegarde du"
RESTORE_INTRO = (
    "Les données reviennent à ce jour-là. Ce qui a été fait depuis n'y est pas. "
    "Le fichier actuel est gardé à part. Appuyez sur Entrée pour confirmer."
)
RESTORED = "Les données sont revenues à la sauvegarde choisie."
DAMAGED_OFFER = "Le fichier des inscriptions est abîmé. Il n'a pas été modifié."


def backups_count(count: int) -> str:
    if count == 0:
        return "Aucune sauvegarde sur cet ordinateur."
    return "1 sauvegarde." if count == 1 else f"{count} sauvegardes."


def backup_made(path: str) -> str:
    return f"La sauvegarde est faite et vérifiée : {path}"


BACKUP_FAILED_WHY = {
    "disk_full": STORE_ERRORS["disk_full"],
    "backup_damaged": "La copie faite était abîmée : elle n'est pas gardée.",
    "write_failed": (
        "Le dossier des sauvegardes de cet ordinateur ne peut pas être écrit. Demandez de l'aide."
    ),
}


def work_backup_failed(reason: str | None, closing: bool) -> str:
    """A backup made on its own failed (``reason``: the StoreError's): nothing is lost,
    and what to do."""
    text = "La sauvegarde automatique n'a pas pu être faite. "
    if reason is not None:
        text += BACKUP_FAILED_WHY.get(reason, BACKUP_FAILED_WHY["write_failed"]) + " "
    text += "Les inscriptions restent bien enregistrées sur cet ordinateur."
    if closing:
        text += " Pour quitter quand même, fermez à nouveau."
    return text


def offer_backup(when: str) -> str:
    return f"Revenir à la dernière sauvegarde vérifiée, celle du {when} ?"


def already_running() -> str:
    return "pass'Sport Club est déjà ouvert sur cet ordinateur. Sa fenêtre est affichée."


# The desk lock
TASK_LOCK = "Verrou du guichet"
TASK_LOCK_HINT = "Un code pour cacher l'écran quand l'ordinateur reste seul."
LOCK_TITLE = "Verrou du guichet"
LOCK_INTRO = (
    "Après quelques minutes sans utilisation, l'écran se cache. "
    "Tapez le code pour le retrouver tel qu'il était."
)
LOCK_NEW_PIN = "Code du verrou (4 à 8 chiffres)"
LOCK_MINUTES = "Minutes sans utilisation avant le verrou"
LOCK_REMOVE = "Enlever le verrou"
LOCK_SET = "Le verrou est en place."
LOCK_REMOVED = "Le verrou est enlevé."
LOCK_ERRORS = {
    "pin_format": "Le code a de 4 à 8 chiffres.",
    "minutes_range": "Choisissez entre 1 et 120 minutes.",
}
LOCKED_TITLE = "Guichet verrouillé"
LOCK_PIN = "Code du verrou"
UNLOCK = "Déverrouiller"
LOCK_WRONG = "Ce code ne convient pas."

# Settings and safety
TASK_ADMIN = "Réglages et sécurité"
TASK_ADMIN_HINT = "Profil du club, service national, sauvegardes, verrou, affichage."
ADMIN_TITLE = "Réglages et sécurité"


# The treasurer's screens
# Home
TASK_TREASURER = "Trésorerie"
TASK_TREASURER_HINT = (
    "Ce que l'État doit au club, ce qui est remboursé, ce qui manque. Exports et Le Compte Asso."
)

# The treasurer screen
TITLE = "Trésorerie"
SEASON = "Saison"
EXPECTED = "À recevoir de l'État"
RECEIVED = "Déjà remboursé"
MISSING = "Reste à recevoir"
BY_STATE = "Inscriptions par état"
STATE_COLUMN = "État"
COUNT_COLUMN = "Inscriptions"
AMOUNT_COLUMN = "Montant déduit"
CHEQUES_HELD = "Chèques de caution gardés"
OVERPAID = "Trop perçu"
LOST_WORDS = "Perdu : date limite passée"
CHART_NAME = "Graphique des montants par état"
LIST_TITLE = "Liste des inscriptions"
FILTER = "Afficher"
ALL_STATES = "Toutes les inscriptions"
EXPORT_CSV = "Exporter en CSV"
EXPORT_XLSX = "Exporter en classeur Excel"
EXPORT_PDF = "État récapitulatif (PDF)"
PORTAL_IMPORT = "Importer un fichier du Compte Asso"
PORTAL_IMPORT_HINT = "Le fichier des bénéficiaires inscrits ou de l'état de paiement."
PERSONAL_DATA = (
    "Ce fichier contient des données personnelles de mineurs. "
    "Gardez-le en lieu sûr et supprimez-le quand il ne sert plus."
)
WORKING = "Travail en cours…"
REPLACE_TITLE = "Remplacer le fichier ?"
REPLACE_YES = "Remplacer"
REPLACE_NO = "Garder l'ancien"

# The window that chooses a file or a folder (ui/files.py), the same everywhere
FILES_LOOK_IN = "&Dossier :"
FILES_NAME = "&Nom du fichier :"
FILES_FOLDER_NAME = "&Nom du dossier :"
FILES_TYPE = "&Type de fichier :"
FILES_SAVE = "&Enregistrer"
FILES_OPEN = "&Ouvrir"
FILES_CHOOSE_FOLDER = "&Choisir ce dossier"
FILES_SAVE_TITLE = "Enregistrer le fichier"
FILES_OPEN_TITLE = "Choisir le fichier"
FILES_FOLDER_TITLE = "Choisir le dossier"
# The kinds of file shown in the list (ui/files.py adds which names each one takes).
FILES_KINDS = {"csv": "Fichier CSV", "xlsx": "Classeur Excel", "pdf": "Document PDF"}
FILES_TABLES = "CSV, Excel ou LibreOffice"
FILES_ALL = "Tous les fichiers"

# Words written in the exported files
STATE_ORDER = (
    "to_send",
    "confirmed",
    "in_processing",
    "paid",
    "to_check",
    "awaiting_code",
    "cancelled",
)
# The lines of a season's summary: every registration is in one of them.
SUMMARY_ORDER = ("to_send", "lost", *STATE_ORDER[1:])
SUMMARY_WORDS = {**STATE_WORDS, "lost": LOST_WORDS}

EXPORT_LABELS = Labels(
    columns={
        "receipt_no": "N° de reçu",
        "code": "Code pass'Sport",
        "last_name": "Nom",
        "first_name": "Prénom",
        "activity": "Activité",
        "season": "Saison",
        "recorded_on": "Enregistré le",
        "state": "État",
        "claim": EXPECTED,
        "paid_on": "Remboursé le",
        "paid": RECEIVED,
        "remaining": MISSING,
    },
    states={**STATE_WORDS, "lost": LOST_WORDS},
    total="Total",
    sheet="Inscriptions pass'Sport",
)


def file_stem(club: str, year: int, today: date) -> str:
    return f"pass'Sport {year} {club} {today.isoformat()}"


def registrations(count: int) -> str:
    if count == 0:
        return "aucune inscription"
    return "1 inscription" if count == 1 else f"{count} inscriptions"


def _done(count: int, verb: str) -> str:
    """``1 inscription ajoutée``, ``3 inscriptions ajoutées``."""
    return f"{registrations(count)} {verb}" if count == 1 else f"{registrations(count)} {verb}s"


def listing_count(shown: int, total: int) -> str:
    if total == 0:
        return "Aucune inscription."
    if shown < total:
        return f"{registrations(total)}. Les {shown} plus récentes sont affichées."
    return f"{registrations(total)}."


def last_day(deadline: datetime) -> date:
    """The last day codes can be entered. The deadline is the first instant refused: at
    00:01 on 1 January, the last day is 31 December."""
    local = deadline.astimezone(french.PARIS)
    return (local - timedelta(days=1)).date() if local.hour < 6 else local.date()


def deadline_line(deadline: datetime | None, days_left: int, closed: bool) -> str:
    if deadline is None:
        return "La date limite de cette saison n'est pas connue."
    day = french.long_date(last_day(deadline))
    if closed:
        return f"La saisie des codes est close. Le dernier jour était le {day}."
    if days_left == 0:
        return f"Dernier jour pour saisir les codes\u00a0: aujourd'hui, {day}."
    left = "1 jour" if days_left == 1 else f"{days_left} jours"
    return f"Saisie des codes jusqu'au {day}\u00a0: encore {left}."  # never a line on ':'


def to_enter_late(count: int, amount: str) -> str:
    if count == 1:
        return (
            f"1 inscription n'a pas été acceptée avant la date limite. "
            f"Elle est perdue : ses {amount} ne seront pas remboursés."
        )
    return (
        f"{count} inscriptions n'ont pas été acceptées avant la date limite. "
        f"Elles sont perdues : leurs {amount} ne seront pas remboursés."
    )


def exported(path: str, count: int) -> str:
    return f"{_done(count, 'exportée')} dans le fichier : {path}"


def pdf_written(path: str) -> str:
    return f"L'état récapitulatif est enregistré : {path}"


def replace_question(name: str) -> str:
    return f"Le fichier « {name} » existe déjà. Voulez-vous le remplacer ?"


# The summary sheet (PDF)
PDF_TITLE = "État récapitulatif pass'Sport"
PDF_CLUB = "Club"
PDF_FEDERATION = "Fédération"
PDF_MADE_ON = "Établi le"
PDF_TOTALS = "Totaux par état"
PDF_MONEY = "Remboursement"
PDF_TOTAL = "Total des inscriptions"
PDF_SIGNATURE = "Le trésorier ou la trésorière : nom, date et signature"
PDF_FOOTER = "Document établi avec pass'Sport Club. Il ne contient aucun nom de jeune."


def pdf_season(year: int) -> str:
    return f"Saison {year}"


# The portal assistant
TASK_PORTAL = "À saisir sur Le Compte Asso"
PORTAL_TITLE = "À saisir sur Le Compte Asso"
PORTAL_INTRO = (
    "Sur Le Compte Asso : Gérer les inscriptions pass'Sport, Suivi des inscriptions, "
    "Ajouter un bénéficiaire. Copiez le code, collez-le, vérifiez le nom, validez. "
    "Puis cliquez sur « Fait »."
)
COPY_CODE = "Copier le code"
COPY_NAME = "Copier le nom"
DONE = "Fait : saisi sur Le Compte Asso"
SKIP = "Passer au suivant"
SKIP_HINT = "Le Compte Asso refuse ce code ? Passez au suivant et vérifiez avec la famille."
CHECK_NAME = "Le Compte Asso doit afficher ce jeune"
COPIED = "Copié. Collez-le sur Le Compte Asso."
PORTAL_NONE = "Tous les codes sont saisis. Il n'y a rien à faire."
PORTAL_CODE = "Code pass'Sport"


def portal_position(index: int, count: int) -> str:
    return f"Code {index} sur {count}"


def portal_left(count: int) -> str:
    if count == 0:
        return PORTAL_NONE
    return "1 code à saisir." if count == 1 else f"{count} codes à saisir."


def task_portal(count: int) -> str:
    return f"{TASK_PORTAL} ({count})"


def entered(code: str) -> str:
    return f"Le code {code} est noté comme saisi."


# Importing an extract of Le Compte Asso
IMPORT_TITLE = "Importer un fichier du Compte Asso"
IMPORT_INTRO = (
    "Sur Le Compte Asso, téléchargez « Extraire les bénéficiaires inscrits » "
    "ou « Extraire l'état de paiement ». Choisissez ce fichier ici. "
    "Rien ne change avant votre confirmation."
)
CHOOSE_FILE = "Choisir le fichier"
READING = "Lecture du fichier…"
PREVIEW_TITLE = "Vérifiez les colonnes"
PREVIEW_INTRO = (
    "Voici ce que le programme a compris de chaque colonne. "
    "Changez ce qui ne va pas, puis comparez."
)
COMPARE = "Comparer avec les inscriptions"
CHOOSE_ANOTHER = "Choisir un autre fichier"
NEED_CODE_COLUMN = "Choisissez la colonne du code pass'Sport."
COMPARING = "Comparaison en cours…"
IGNORED = "Ne pas utiliser"
FIELD_WORDS = {
    Field.CODE: "Code pass'Sport",
    Field.LAST_NAME: "Nom",
    Field.FIRST_NAME: "Prénom",
    Field.BIRTH_DATE: "Date de naissance",
    Field.STATE: "État ou statut",
    Field.AMOUNT: "Montant",
    Field.PAID_ON: "Date de paiement",
    Field.CHANGED_ON: "Date de l'état (dernière modification)",
}


def column_label(index: int, title: str, samples: list[str]) -> str:
    name = f"Colonne {index + 1} : « {title} »" if title else f"Colonne {index + 1} (sans titre)"
    return f"{name}\nExemples : {', '.join(samples)}" if samples else name


def file_summary(name: str, rows: int) -> str:
    return f"Fichier « {name} » : {rows} lignes."


RESULT_TITLE = "Résultat de la comparaison"
RESULT_INTRO = "Rien n'est encore changé. Lisez, puis enregistrez les mises à jour."
APPLY = "Enregistrer les mises à jour"
ADD = "Ajouter ces inscriptions"
ADD_TITLE = "Ajouter les inscriptions du Compte Asso"
ADD_INTRO = (
    "Ces jeunes sont inscrits sur Le Compte Asso mais pas ici. "
    "Ils seront ajoutés, déjà connus du service national. Rien ne sera envoyé."
)
SAVING = "Enregistrement…"
NOTHING_TO_APPLY = "Tout est déjà à jour. Rien à enregistrer."


def updates(count: int) -> str:
    return f"À mettre à jour : {registrations(count)}."


def unchanged(count: int) -> str:
    return f"Déjà à jour : {registrations(count)}."


def portal_only(count: int) -> str:
    return f"Sur Le Compte Asso mais pas ici : {registrations(count)}."


def here_only(count: int) -> str:
    return f"Ici mais pas dans le fichier, à saisir sur Le Compte Asso : {registrations(count)}."


def conflicts(count: int) -> str:
    return f"À vérifier, le nom ne correspond pas : {registrations(count)}."


def unreadable(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
    count = len(rows)
    what = "1 ligne n'est pas comprise" if count == 1 else f"{count} lignes ne sont pas comprises"
    return f"{what} (code illisible), ligne {shown}."


def duplicates(count: int) -> str:
    return (
        f"{count} codes apparaissent plusieurs fois : la ligne la plus récente compte. "
        "Un remboursement déjà noté reste noté."
    )


# The sheet and the states of the file, in the preview
SHEET = "Feuille du classeur"
SHEET_HINT = (
    "Le programme a choisi la feuille qui contient les codes. Vous pouvez en choisir une autre."
)
WORDINGS_TITLE = "Les états écrits dans le fichier"
WORDINGS_INTRO = (
    "Pour chaque état, voici ce que le programme a compris. "
    "Changez ce qui ne va pas. Le programme ne devine jamais un état qu'il ne connaît pas."
)
WORDING_UNKNOWN = "Le programme ne connaît pas cet état. Choisissez ce qu'il veut dire."
WORDING_IGNORE = "Je ne sais pas : ces lignes ne changent rien"
PORTAL_STATE_WORDS = {
    "confirmed": "Inscrit, pas encore en paiement",
    "in_processing": "En cours de paiement",
    "paid": "Remboursé",
    "unpaid": "Pas remboursé",
    "refused": "Refusé",
    "cancelled": "Annulé",
}


def wording_label(wording: str, count: int) -> str:
    lines = "1 ligne" if count == 1 else f"{count} lignes"
    return f"« {wording} » ({lines})"


def ignored(count: int) -> str:
    if count == 1:
        return "1 ligne a un état inconnu. Elle ne change rien."
    return f"{count} lignes ont un état inconnu. Elles ne changent rien."


def ignored_line(row: int, code: str, wording: str) -> str:
    return f"Ligne {row} · {code} · « {wording} »"


def applied(count: int) -> str:
    if count == 0:
        return NOTHING_TO_APPLY
    return f"{_done(count, 'mise')} à jour."


def added(count: int) -> str:
    return f"{_done(count, 'ajoutée')}."


def cannot_add(count: int) -> str:
    what = "1 inscription ne peut" if count == 1 else f"{count} inscriptions ne peuvent"
    return f"{what} pas être ajoutée{'s' if count > 1 else ''} : il manque la date de naissance."


def update_line(name: str, code: str, state: str) -> str:
    return f"{name} · {code} · devient : {state}"


def conflict_line(local: str, portal: str, code: str) -> str:
    return f"{code} : ici {local}, sur Le Compte Asso {portal}"


def cancelled_here_line(name: str, code: str) -> str:
    return f"{code} : {name} est annulé ici mais inscrit sur Le Compte Asso"


# Errors
EXTRACT_ERRORS = {
    "unreadable": "Ce fichier ne peut pas être ouvert. Vérifiez qu'il est bien là.",
    "empty": "Ce fichier est vide.",
    "not_a_table": (
        "Ce fichier n'est pas un tableau. "
        "Choisissez un fichier CSV, ou un classeur Excel ou LibreOffice."
    ),
    "damaged": "Ce fichier est abîmé ou incomplet. Téléchargez-le à nouveau.",
    "too_large": "Ce fichier est trop gros pour un fichier du Compte Asso.",
    "too_many_rows": "Ce fichier a trop de lignes pour un fichier du Compte Asso.",
}
EXPORT_ERRORS = {
    "disk_full": "Le disque est plein. Rien n'est enregistré. Libérez de la place.",
    "write_failed": (
        "Le fichier ne peut pas être écrit ici. Rien n'est enregistré. "
        "Vérifiez la clé USB ou choisissez un autre dossier."
    ),
    "exists": "Ce fichier existe déjà.",
}
RECONCILE_ERRORS = {
    "already_here": "Une de ces inscriptions est déjà enregistrée ici. Comparez à nouveau.",
    "no_birth_date": "Il manque la date de naissance dans le fichier.",
    "bad_name": "Un nom du fichier est illisible.",
    "unknown_season": "La saison d'un code est inconnue.",
    "cancelled": "Le Compte Asso indique cette inscription comme annulée.",
}
TREASURY_ERRORS = {
    "not_to_enter": "Ce code n'est plus à saisir : il est déjà noté.",
}
FAILED = "Cette action n'a pas pu être faite."
UNEXPECTED_SHORT = (
    "Un problème inattendu est survenu. Rien n'a été changé. Le détail est noté dans le journal."
)

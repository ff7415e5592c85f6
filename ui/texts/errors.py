"""Words for what went wrong: ``describe()`` turns an expected error into its sentence."""

from app.codes import CodeError
from app.errors import FormError, KnownError, StoreError
from app.exports import ExportError
from app.portal_extracts import ExtractError
from app.reconcile import ReconcileError
from app.treasury import TreasuryError
from ui import french
from ui.texts import club as club_texts
from ui.texts import codes as codes_texts
from ui.texts import desk as desk_texts
from ui.texts import files as files_texts
from ui.texts import forum_usb as forum_usb_texts
from ui.texts import keys as keys_texts
from ui.texts import records as records_texts

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
# A name or path Windows or Excel would refuse (app/filenames.py; issue 15, portability)
EXPORT_ERRORS |= {
    reason: f"Rien n'est enregistré. {words}" for reason, words in files_texts.NAME_PROBLEMS.items()
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


# Start-up in a folder the program cannot write in (issue 12: read-only data folder)
def folder_read_only(folder: str) -> str:
    return (
        "pass'Sport Club ne peut pas écrire dans son dossier. Il ne peut donc pas démarrer. "
        "Rien n'a été modifié.\n\n"
        f"Voici où il ne peut pas écrire :\n{folder}\n\n"
        "Demandez à la personne qui gère cet ordinateur de vous donner le droit d'y écrire. "
        "Sur une clé USB, vérifiez qu'elle n'est pas verrouillée. Puis relancez le programme."
    )


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
        return club_texts.FORM_HAS_ERRORS
    if isinstance(error, CodeError):
        return codes_texts.describe_code_error(error)
    if error.reason in keys_texts.KEY_PROBLEMS:
        return keys_texts.KEY_PROBLEMS[error.reason]
    if error.reason in records_texts.VALIDATION_ERRORS:
        return records_texts.VALIDATION_ERRORS[error.reason]
    if forum_usb_texts.bundle_reason(error.reason):  # sync.forum_bundle.BundleError
        return forum_usb_texts.read_problem(error.reason)
    if error.reason == "duplicate_code":
        existing = error.details["existing"]
        return desk_texts.already_registered(
            existing.receipt_no, french.moment(existing.recorded_at)
        )
    return "Cette action n'a pas marché. Recommencez, ou demandez de l'aide."

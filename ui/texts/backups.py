"""Words of the backups screen and of restoring a backup."""

from ui.texts import errors as errors_texts

# Backups
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
    "disk_full": errors_texts.STORE_ERRORS["disk_full"],
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


# Backups: the data set aside by a restore, offered back like a backup
SET_ASIDE_MADE_AT = "Mises de côté le"
RESTORE_SET_ASIDE_INTRO = (
    "Les données reviennent à ce qu'elles étaient juste avant cette restauration. "
    "Le fichier actuel est gardé à part. Appuyez sur Entrée pour confirmer."
)


def set_aside_entry(when: str) -> str:
    return f"Données mises de côté avant la restauration du {when}"

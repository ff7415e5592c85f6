"""Words of « Transférer par clé USB »: a desk writes its registrations on a key, the main
desk imports them (sync/forum_bundle.py), and what may go wrong on the way."""

from ui.texts.forum import quoted

# On a desk that joined
TRANSFER = "Transférer par clé USB"
TRANSFER_HINT = (
    "Sans réseau : les inscriptions de ce poste vont sur une clé USB. "
    "Le poste principal les importe."
)
TRANSFER_CHOOSE = "Choisissez la clé USB"
TRANSFER_WRITING = "Écriture sur la clé USB…"


def transferred(count: int, name: str) -> str:
    """What was written on the key, and what to do with it."""
    if count == 0:
        return (
            f"Aucune inscription à transférer : le poste principal a déjà tout reçu. "
            f"Le fichier {name} est quand même sur la clé. "
            "Il dit au poste principal où en est ce poste."
        )
    written = "1 inscription enregistrée" if count == 1 else f"{count} inscriptions enregistrées"
    return f"{written} sur la clé : {name}. Donnez la clé au poste principal."


# On the main desk
IMPORT = "Importer depuis une clé USB"
IMPORT_HINT = "Les inscriptions qu'un poste sans réseau a mises sur une clé USB."
IMPORT_FILES = "Inscriptions d'un poste du forum"
IMPORT_READING = "Importation depuis la clé USB…"


def _count(count: int, one: str, many: str) -> str:
    return one.format(count) if count == 1 else many.format(count)


def imported(desk: str, added: int, already: int, to_check: int, refused: int) -> str:
    """``Poste « Accueil 2 » : 23 inscriptions ajoutées, 1 à vérifier.``, then what to do."""
    parts = [
        "aucune inscription nouvelle"
        if added == 0
        else _count(added, "1 inscription ajoutée", "{} inscriptions ajoutées")
    ]
    if already:
        parts.append(_count(already, "1 déjà reçue", "{} déjà reçues"))
    if to_check:
        parts.append(_count(to_check, "1 à vérifier", "{} à vérifier"))
    if refused:
        parts.append(_count(refused, "1 refusée", "{} refusées"))
    where = f"Poste {quoted(desk)}" if desk else "Clé USB"
    text = f"{where} : {', '.join(parts)}."
    if to_check:
        text += " Voyez « Codes à vérifier » plus bas."
    if refused:
        text += " Un code refusé est faux ou d'une saison passée : revoyez-le avec la famille."
    return text


# What went wrong: sync.forum_bundle.BundleError's reasons. Writing on the key, then
# reading a file on the main desk (a storage reason says the same disk, another way).
WRITE_PROBLEMS = {
    "no_forum": "Ce poste n'a pas rejoint de poste principal : il n'a rien à transférer.",
    "disk_full": "La clé USB est pleine. Libérez de la place ou prenez une autre clé.",
    "read_only": (
        "La clé USB refuse d'écrire. Vérifiez qu'elle n'est pas verrouillée, "
        "ou prenez une autre clé."
    ),
    "write_failed": (
        "Le fichier n'a pas pu être écrit sur la clé. Rien n'est perdu : tout reste sur ce poste. "
        "Rebranchez la clé, puis recommencez."
    ),
}
READ_PROBLEMS = {
    "not_a_bundle": (
        "Ce fichier n'est pas un transfert de pass'Sport Club. "
        "Choisissez le fichier qui commence par « inscriptions- »."
    ),
    "too_large": (
        "Ce fichier est bien trop gros pour un transfert de pass'Sport Club. Il n'est pas importé."
    ),
    "unknown_desk": (
        "Ce fichier vient d'un poste qui n'a jamais rejoint ce poste principal. "
        "Il n'est pas importé."
    ),
    "withdrawn_desk": (
        "Ce fichier vient d'un poste retiré du forum. Il n'est pas importé. "
        "Si c'est une erreur, reliez ce poste à nouveau, puis refaites le transfert."
    ),
    "damaged": (
        "Ce fichier a été modifié ou abîmé : il n'est pas importé. "
        "Refaites le transfert depuis le poste."
    ),
    "unreadable": (
        "Ce fichier ne peut pas être lu. Vérifiez que la clé est bien branchée, puis recommencez."
    ),
    "read_only": "Ce fichier ne peut pas être lu : cet ordinateur n'y a pas accès.",
    "write_failed": (
        "Ce fichier ne peut pas être lu : la clé a peut-être été retirée. "
        "Rebranchez-la, puis recommencez."
    ),
    "disk_full": (
        "Le disque de cet ordinateur est plein : rien n'est importé. Libérez de la place."
    ),
    "locked": "Le fichier du forum est occupé. Rien n'est importé. Recommencez dans un instant.",
}
READ_FAILED = "Ce fichier n'a pas pu être importé. Rien n'a changé. Refaites le transfert."
WRITE_FAILED = WRITE_PROBLEMS["write_failed"]
_STORAGE = {"disk_full", "read_only", "write_failed", "locked", "damaged", "unreadable"}


def bundle_reason(reason: str) -> bool:
    """Whether only a BundleError gives ``reason`` (no other error of the program)."""
    return reason not in _STORAGE and (reason in READ_PROBLEMS or reason in WRITE_PROBLEMS)


def write_problem(reason: str) -> str:
    return WRITE_PROBLEMS.get(reason) or READ_PROBLEMS.get(reason) or WRITE_FAILED


def read_problem(reason: str) -> str:
    return READ_PROBLEMS.get(reason) or WRITE_PROBLEMS.get(reason) or READ_FAILED

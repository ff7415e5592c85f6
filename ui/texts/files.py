"""Words of the window that chooses a file or a folder (ui/files.py)."""

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

# Replacing a file that exists
REPLACE_TITLE = "Remplacer le fichier ?"
REPLACE_YES = "Remplacer"
REPLACE_NO = "Garder l'ancien"


def replace_question(name: str) -> str:
    return f"Le fichier « {name} » existe déjà. Voulez-vous le remplacer ?"


# A name or a place that Windows or Excel would refuse (app/filenames.py), on every system:
# the file must open on the club's Windows laptop too.
NAME_REFUSED_TITLE = "Choisir un autre nom"
NAME_REFUSED_OK = "Corriger le nom"
NAME_PROBLEMS = {
    "empty": "Ce nom est vide.",
    "forbidden_character": (
        'Ce nom contient un signe que Windows refuse dans un nom de fichier : < > : " / \\ | ? *'
    ),
    "reserved": "Ce nom est réservé par Windows : aucun fichier ne peut le porter.",
    "ends_badly": "Ce nom finit par un point ou une espace, ce que Windows refuse.",
    "too_long": "Ce nom est trop long.",
    "path_too_long": (
        "Ce dossier est trop loin dans l'ordinateur : Windows et Excel ne pourraient pas "
        "ouvrir le fichier. Choisissez un dossier plus simple, par exemple Documents, "
        "ou un nom plus court."
    ),
}


def name_refused(name: str, problem: str, proposed: str) -> str:
    """The name typed cannot be used: why, and the name proposed instead."""
    text = f"Le fichier ne peut pas s'appeler « {name} ». {NAME_PROBLEMS[problem]}"
    if proposed != name:
        text += f"\n\nLe nom « {proposed} » est proposé à la place. Vérifiez-le, puis enregistrez."
    return text

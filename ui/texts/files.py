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

"""The « À propos » screen: version, seasons, folders, licence."""

TASK_ABOUT = "À propos"
TASK_ABOUT_HINT = "La version, les saisons en vigueur, les dossiers du programme, la licence."
ABOUT_TITLE = "À propos de pass'Sport Club"
ABOUT_INTRO = (
    "Ces informations aident si vous demandez de l'aide. Elles ne disent rien des inscrits."
)
VERSION = "Version"
SEASONS = "Saisons connues"
SEASONS_IN_FORCE = "Table des saisons"
SEASONS_VALUE = "de {first} à {last}"
PROVISIONAL = "{year} provisoire"
DATA_FOLDER = "Dossier des données"
BACKUPS_FOLDER = "Dossier des sauvegardes"
LOGS_FOLDER = "Dossier du journal"
FOLDER_UNKNOWN = "Propre à cette session de formation"
OPEN_FOLDER = "Ouvrir le {name}"
OPEN_FOLDER_FAILED = "Le dossier n'a pas pu être ouvert. Son chemin est écrit ci-dessus."
LICENCE = "Licence"
LICENCE_VALUE = (
    "Logiciel libre : GNU GPL, version 3 ou suivante. "
    "Polices : Atkinson Hyperlegible, licence SIL Open Font License 1.1 ; "
    "quelques signes de DejaVu Sans, licence libre."
)
COPY = "Copier ces informations"
COPY_HINT = "Pour les coller dans un message à la personne qui vous aide."
COPIED = "Informations copiées."

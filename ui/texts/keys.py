"""Words of the key that protects the data: keyring, passphrase, recovery sheet."""

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
        "La clé qui protège ces données n'est plus sur cet ordinateur. "
        "Tapez la phrase de la feuille de secours du club."
    ),
    "keyring_not_answering": (
        "Le trousseau de mots de passe de cet ordinateur ne répond pas. "
        "Déverrouillez-le, puis réessayez."
    ),
    "wrong_recovery": (
        "Cette phrase de secours ne convient pas. Vérifiez chaque groupe de 4 caractères."
    ),
}


# Keys: the key is lost, the keyring does not answer, the recovery sheet (issue 12, 5-6)
KEY_MISSING_TITLE = "La clé n'est plus sur cet ordinateur"
KEY_MISSING_WHY = (
    "La clé qui ouvre les données du club n'est plus sur cet ordinateur. "
    "Cela arrive après un changement d'ordinateur, une réinstallation, "
    "ou quand le trousseau de mots de passe a été vidé."
)
KEY_MISSING_WHAT = (
    "Prenez la feuille de secours du club et tapez sa phrase de secours. "
    "Les données s'ouvrent, et l'ordinateur garde de nouveau la clé."
)
KEY_MISSING_NO_SHEET = (
    "Ces données n'ont pas de feuille de secours. Une sauvegarde n'aide pas : "
    "elle s'ouvre avec la même clé. Demandez de l'aide à la personne qui a préparé "
    "cet ordinateur pour le club."
)
KEYRING_SILENT_TITLE = "Le trousseau ne répond pas"
KEYRING_SILENT_WHY = (
    "Le trousseau de mots de passe de cet ordinateur ne répond pas. "
    "Il est peut-être verrouillé. La clé des données y est sans doute encore."
)
KEYRING_SILENT_WHAT = (
    "Déverrouillez le trousseau (souvent, il suffit d'ouvrir sa session avec son mot de "
    "passe), puis appuyez sur « Réessayer »."
)
KEYRING_SILENT_SHEET = "Vous pouvez aussi taper la phrase de la feuille de secours du club."
PASSPHRASE_LOST_TITLE = "Ouvrir avec la feuille de secours"
PASSPHRASE_LOST_WHY = (
    "Sans la phrase secrète, la phrase de la feuille de secours du club ouvre les données."
)
PASSPHRASE_USE_SHEET = "J'ai la feuille de secours"
RECOVERY_FIELD = "Phrase de secours (sur la feuille de secours)"
RECOVERY_HINT = "Les majuscules, les espaces et les tirets ne comptent pas."
RECOVERY_OPEN = "Ouvrir les données"
RECOVERY_RETRY = "Réessayer"
RECOVERY_EMPTY = "Tapez la phrase de secours, puis appuyez sur « Ouvrir les données »."
RECOVERY_QUIT = "Quitter"


def wrong_recovery(typed: int, needed: int) -> str:
    """The recovery phrase typed does not open the data: why, as far as can be said."""
    if typed != needed:
        return (
            f"Cette phrase a {typed} caractères. Celle de la feuille en a {needed}, "
            "sans compter les tirets."
        )
    return KEY_PROBLEMS["wrong_recovery"]


RECOVERY_SHEET_TASK = "Feuille de secours"
RECOVERY_SHEET_TITLE = "Feuille de secours"
RECOVERY_SHEET_INTRO = (
    "La feuille de secours ouvre les données du club quand cet ordinateur perd sa clé. "
    "Elle sert aussi quand la phrase secrète est oubliée. "
    "Imprimez-la et rangez-la sous clé, loin de l'ordinateur."
)
RECOVERY_SHEET_NONE = "Ces données n'ont pas encore de feuille de secours."
RECOVERY_SHEET_EXISTS = (
    "Ces données ont déjà une feuille de secours. Une nouvelle feuille remplace "
    "l'ancienne : l'ancienne n'ouvrira plus les données. Elle ouvre encore les "
    "sauvegardes faites avant."
)
RECOVERY_SHEET_MAKE = "Faire une feuille de secours"
RECOVERY_SHEET_SHOWN = (
    "Voici la phrase de secours. Elle n'est montrée qu'une fois : imprimez la feuille "
    "maintenant, ou enregistrez-la en PDF pour l'imprimer, puis effacez le fichier."
)
RECOVERY_SHEET_PRINT = "Imprimer la feuille"
RECOVERY_SHEET_PDF = "Enregistrer en PDF"
RECOVERY_SHEET_PRINTED = "La feuille de secours est imprimée. Rangez-la sous clé."


def recovery_sheet_saved(path: str) -> str:
    return f"La feuille de secours est enregistrée : {path}. Imprimez-la, puis effacez ce fichier."


SHEET_TITLE = "Feuille de secours de pass'Sport Club"
SHEET_CLUB = "Club :"
SHEET_MADE = "Faite le"
SHEET_PHRASE = "Phrase de secours"
SHEET_WHEN = (
    "Quand s'en servir : pass'Sport Club dit « La clé n'est plus sur cet ordinateur », "
    "ou la phrase secrète est oubliée. Tapez alors cette phrase de secours. "
    "Les majuscules, les espaces et les tirets ne comptent pas."
)
SHEET_KEEP = (
    "Rangez cette feuille sous clé, loin de l'ordinateur. Qui l'a en main peut lire "
    "les noms des jeunes inscrits. Ne la photographiez pas, ne l'envoyez pas par courriel."
)
SHEET_REPLACED = (
    "Une nouvelle feuille remplace celle-ci. Gardez quand même celle-ci avec les "
    "sauvegardes faites avant la nouvelle : elle les ouvre encore."
)

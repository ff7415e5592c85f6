"""Words of the desk lock."""

# The desk lock
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
# A forgotten code: the phrase of the recovery sheet opens the desk too.
LOCK_FORGOTTEN = "Code oublié ? Tapez à la place la phrase de la feuille de secours."


# The desk lock: waits after wrong codes, closing while locked
def _lock_delay(seconds: int) -> str:
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} secondes"
    minutes = -(-seconds // 60)  # rounded up: never less than the real wait
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def lock_wrong(tries_left: int, wait_s: int) -> str:
    if wait_s:
        return f"{LOCK_WRONG} Trop d'essais à la suite : attendez {_lock_delay(wait_s)}."
    if tries_left == 1:
        return f"{LOCK_WRONG} Encore 1 essai, ensuite il faudra attendre."
    return f"{LOCK_WRONG} Encore {tries_left} essais, ensuite il faudra attendre."


def lock_wait(seconds: int) -> str:
    return f"Vous pourrez taper le code dans {_lock_delay(seconds)}."


LOCK_NO_CLOSE = (
    "Le guichet est verrouillé : le programme reste ouvert. "
    "Tapez le code du verrou, puis fermez le programme."
)

"""Words of the portal assistant: the codes to enter on Le Compte Asso."""

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

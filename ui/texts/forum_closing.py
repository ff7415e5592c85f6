"""Words of « Clôturer le forum »: what each desk recorded and still holds, the deposit
cheques, the codes to check, the closing backup."""

from ui.texts.forum import quoted

CLOSING = "Clôturer le forum"
CLOSING_HINT = "À la fin du forum : le bilan de chaque poste, puis la sauvegarde de clôture."
TITLE = "Clôture du forum"
INTRO = (
    "Le bilan du forum, poste par poste. Vérifiez que tout est arrivé, "
    "puis faites la sauvegarde de clôture avant de fermer le poste principal."
)
TOTALS_TITLE = "Tout le forum"
DESKS_TITLE = "Poste par poste"
MAIN_DESK = "poste principal"  # the main desk's own desk, as sync.forum names it
NOT_SENT_TITLE = "Inscriptions pas encore arrivées"
ALL_SENT = "Tous les postes ont tout envoyé au poste principal."
CONFLICTS_TITLE = "Codes à vérifier"
NO_CONFLICT = "Aucun code enregistré à deux postes."
BACKUP_TITLE = "Sauvegarde de clôture"
BACKUP_INTRO = (
    "Une copie vérifiée des inscriptions de cet ordinateur, et à côté, celle du fichier du forum. "
    "Les noms y restent chiffrés."
)
BACKUP_USB = "Sauvegarder sur une clé USB"
BACKUP_HERE = "Sauvegarder sur cet ordinateur"
BACKUP_HERE_HINT = "Dans le dossier des sauvegardes de cet ordinateur."
BACKUP_CHOOSE = "Choisissez la clé USB de la sauvegarde de clôture"
BACKING_UP = "Sauvegarde de clôture en cours…"
CLOSE_HINT = "Une fois la sauvegarde faite : plus aucun poste ne peut envoyer ici."
BACK = "Retour au poste principal"
BACKUP_FAILED = "La sauvegarde de clôture n'a pas pu être faite. Rien n'a changé. Recommencez."


def _inscriptions(count: int) -> str:
    if count == 0:
        return "aucune inscription"
    return "1 inscription" if count == 1 else f"{count} inscriptions"


def _cheques(count: int) -> str:
    if count == 0:
        return "aucun chèque de caution gardé"
    return "1 chèque de caution gardé" if count == 1 else f"{count} chèques de caution gardés"


def totals(count: int, amount: str, cheques: int, cheques_amount: str, desks: int) -> str:
    """``57 inscriptions à 3 postes, 3 990,00 € déduits.``, then the cheques."""
    where = "à 1 poste" if desks == 1 else f"à {desks} postes"
    text = f"{_inscriptions(count).capitalize()} {where}, {amount} déduits."
    held = _cheques(cheques)
    if cheques:
        held += f", pour {cheques_amount}"
    return f"{text} {held.capitalize()}."


def desk_name(name: str, withdrawn: bool) -> str:
    shown = "Poste principal" if name == MAIN_DESK else f"Poste {quoted(name)}"
    return f"{shown}, retiré du forum" if withdrawn else shown


def desk_counts(name: str, count: int, amount: str) -> str:
    return f"{name} : {_inscriptions(count)}, {amount} déduits."


def pending(count: int | None, when: str) -> str:
    """What the desk last said it holds that is not here yet (None: it never said)."""
    if count is None:
        return "On ne sait pas s'il garde des inscriptions pas encore arrivées : il n'a rien dit."
    said = f" (dit à {when})" if when else ""
    if count == 0:
        return f"Tout ce qu'il a enregistré est arrivé ici{said}."
    waiting = (
        "1 inscription n'est pas encore arrivée"
        if count == 1
        else f"{count} inscriptions ne sont pas encore arrivées"
    )
    return f"{waiting.capitalize()} ici{said}. Rapprochez-le du poste principal."


def cheque(number: str, bank: str, amount: str, person: str, receipt: str) -> str:
    bank_said = f", {bank}" if bank else ""
    return f"Chèque numéro {number or '…'}{bank_said}, {amount}, pour {person}, reçu {receipt}."


def held_cheques(count: int) -> str:
    return f"{_cheques(count).capitalize()} :" if count else f"{_cheques(0).capitalize()}."


def not_sent(name: str, count: int | None) -> str:
    if count is None:
        return f"{name} : on ne sait pas, il n'a rien dit."
    return f"{name} : {_inscriptions(count)}."


def conflict(code: str, desk: str) -> str:
    return f"Le code {code}, enregistré aussi au poste {quoted(desk)}."


def conflicts_intro(count: int) -> str:
    codes = "1 code est enregistré" if count == 1 else f"{count} codes sont enregistrés"
    return f"{codes} à deux postes. Ce qu'il faut faire est sur la page du poste principal."


def backed_up(path: str, forum_path: str) -> str:
    text = f"La sauvegarde de clôture est faite et vérifiée : {path}."
    if forum_path:
        text += f" Le fichier du forum est à côté : {forum_path}."
    return text + " Vous pouvez fermer le poste principal."

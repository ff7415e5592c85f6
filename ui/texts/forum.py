"""Words of the forum: the main desk, joining it, the status area at a forum, leaving it."""

NBSP = "\u00a0"


def quoted(name: str) -> str:
    """``« Paul »``, never broken at the end of a line."""
    return f"«{NBSP}{name}{NBSP}»"


# The home screen's task, and the first start of a laptop brought to the forum
TASK_FORUM = "Forum des associations"
TASK_FORUM_HINT = (
    "Plusieurs ordinateurs du club, une seule liste. Ouvrir le poste principal ou le rejoindre."
)
JOIN_FIRST = "Rejoindre le forum du club"
JOIN_FIRST_HINT = (
    "Au forum des associations : ce poste prend le profil du club sur le poste principal."
)

# The choice
CHOICE_TITLE = "Forum des associations"
CHOICE_INTRO = (
    "Plusieurs ordinateurs prennent les inscriptions. L'un d'eux est le poste principal. "
    "Il garde la liste de tous et refuse un code déjà pris à un autre poste."
)
OPEN_MAIN = "Ouvrir le poste principal"
OPEN_MAIN_WHEN = "Sur l'ordinateur du club, une seule fois par forum."
JOIN_MAIN = "Rejoindre le poste principal"
JOIN_MAIN_WHEN = "Sur chaque autre ordinateur, avec le code à six chiffres du poste principal."
BACK = "Retour"

# The main desk
MAIN_TITLE = "Poste principal du forum"
MAIN_INTRO = (
    "Sur chaque autre ordinateur : « Forum des associations », puis « Rejoindre le poste "
    "principal ». Tapez-y ce code."
)
OPENING = "Ouverture du poste principal…"
NO_PROFILE = "Le profil du club manque. Remplissez d'abord le profil du club."
OPEN_FAILED = (
    "Le poste principal ne peut pas s'ouvrir sur cet ordinateur. "
    "Fermez pass'Sport Club, rouvrez-le, puis recommencez."
)
RETRY_OPEN = "Réessayer"
CODE_CAPTION = "Code pour relier un poste"


def spelled_code(code: str) -> str:
    """``482913`` read digit by digit, in two groups, for screen readers."""
    if not code.isdigit():
        return f"{CODE_CAPTION} : {code}."
    return f"{CODE_CAPTION} : {' '.join(code[:3])}, {' '.join(code[3:])}."


def code_valid_until(when: str) -> str:
    return f"Valable jusqu'à {when}. Un code sert pour un seul poste."


NO_CODE_SHOWN = (
    "Ce code a servi ou n'est plus valable. Pour relier un autre poste : « Nouveau code »."
)
NEW_CODE = "Nouveau code"
NEW_CODE_HINT = "Un code sert une seule fois : il en faut un nouveau pour chaque poste."
QR_NAME = "Le même code en QR code, pour un lecteur de codes-barres."
ADDRESSES_TITLE = "Adresses du poste principal"
ADDRESSES_INTRO = (
    "Si un poste ne trouve pas le poste principal dans sa liste, tapez-y une de ces adresses."
)
NO_ADDRESS = (
    "Cet ordinateur n'est relié à aucun réseau. "
    "Reliez-le au wifi du forum, ou au partage de connexion d'un téléphone."
)
NOT_ANNOUNCED = (
    "Les autres postes ne trouveront pas ce poste principal tout seuls sur ce réseau. "
    "Tapez l'adresse sur chaque poste."
)
DESKS_TITLE = "Postes reliés"
NO_DESK = "Aucun poste relié pour l'instant."


def desk_line(name: str, when: str, count: int) -> str:
    registrations = (
        "aucune inscription"
        if count == 0
        else ("1 inscription" if count == 1 else f"{count} inscriptions")
    )
    return f"{quoted(name)}, relié à {when}, {registrations}."


REVOKE = "Retirer ce poste"


def revoke_name(name: str) -> str:
    return f"Retirer le poste {quoted(name)}"


REVOKE_TITLE = "Retirer un poste"


def revoke_question(name: str) -> str:
    return f"Retirer le poste {quoted(name)} du forum ?"


REVOKE_DETAILS = (
    "Il ne pourra plus rien envoyer au poste principal. Ses inscriptions déjà reçues restent ici."
)
REVOKE_STAY = "Garder ce poste"


def revoked(name: str) -> str:
    return f"Le poste {quoted(name)} est retiré du forum."


CONFLICTS_TITLE = "Codes à vérifier"
MAIN_DESK, A_DESK = "poste principal", "poste"  # for a desk whose name is not known
NO_CONFLICT = "Aucun code enregistré à deux postes."


CONFLICT_TODO = (
    "Si c'est le même jeune inscrit deux fois, annulez-la et rendez à la famille "
    "ce qu'elle y a payé. "
    "Sinon, ce code n'est pas le sien : demandez le bon code, ou gardez un chèque de caution."
)


def conflict(code: str, kept_desk: str, other_desk: str, name: str) -> str:
    """A code recorded at two desks while one was out of range: which is kept, which to
    check, and what to do."""
    return (
        f"Le code {code} est enregistré à deux postes. "
        f"L'inscription du poste {quoted(kept_desk)} est gardée. "
        f"Celle du poste {quoted(other_desk)} est à vérifier, pour {name}. {CONFLICT_TODO}"
    )


def desk_conflict(code: str, here: str, kept_desk: str, other_desk: str, name: str) -> str:
    """The same, as a desk of the forum says it: ``here`` is ``to_check`` (this desk's
    registration, for ``name``, is the one to check), ``cancelled`` (it was, and is
    cancelled now), ``kept`` or ``""`` (neither is this desk's)."""
    if here in ("cancelled", "to_check"):
        checked = (
            f"Le code {code} est aussi enregistré au poste {quoted(kept_desk)}, qui le garde. "
            f"L'inscription faite ici{f', pour {name},' if name else ''}"
        )
        if here == "cancelled":
            return f"{checked} est annulée : plus rien à faire."
        return f"{checked} est à vérifier. {CONFLICT_TODO}"
    if here == "kept":
        return (
            f"Le code {code} enregistré ici l'est aussi au poste {quoted(other_desk)}. "
            "L'inscription faite ici est gardée : rien à faire. "
            f"Celle du poste {quoted(other_desk)} est à vérifier là-bas."
        )
    return (
        f"Le code {code} est enregistré aux postes {quoted(kept_desk)} et "
        f"{quoted(other_desk)}. L'inscription du poste {quoted(other_desk)} est à vérifier "
        "là-bas."
    )


def desk_conflicts_intro(count: int, to_check_here: int) -> str:
    """Above the list on a desk: how many codes, and how many are this desk's to check."""
    codes = "1 code est enregistré" if count == 1 else f"{count} codes sont enregistrés"
    if not to_check_here:
        return f"{codes} à deux postes du forum. Aucune inscription de ce poste n'est à vérifier."
    mine = (
        "1 inscription de ce poste est à vérifier : choisissez-la, puis ouvrez-la."
        if to_check_here == 1
        else f"{to_check_here} inscriptions de ce poste sont à vérifier : "
        "choisissez-en une, puis ouvrez-la."
    )
    return f"{codes} à deux postes du forum. {mine}"


OPEN_CONFLICT = "Ouvrir l'inscription à vérifier"
OPEN_CONFLICT_HINT = (
    "Ouvre l'inscription choisie, faite à ce poste, pour l'annuler si c'est le même jeune."
)


FORWARD_TITLE = "Service national"
FORWARD_STATES = {
    "idle": "Tout ce que les postes ont envoyé est transmis au service national.",
    "sending": "Envoi au service national en cours…",
    "no_account": (
        "Cet ordinateur n'est pas relié au service national : les inscriptions attendent ici. "
        "Reliez-le dans « Réglages et sécurité »."
    ),
}


def forward_waiting(count: int) -> str:
    """The main desk has no connection yet: what waits here."""
    waiting = "1 inscription attend" if count == 1 else f"{count} inscriptions attendent"
    return f"Pas de connexion au service national : {waiting} ici. Elles partiront toutes seules."


CLOSE_MAIN = "Fermer le poste principal"
CLOSE_MAIN_HINT = "À la fin du forum, une fois tout transmis au service national."
CLOSE_TITLE = "Fermer le poste principal"
CLOSE_QUESTION = "Fermer le poste principal ?"
CLOSE_DETAILS = "Les autres postes ne pourront plus rien lui envoyer."


def close_waiting(count: int) -> str:
    waiting = "1 inscription attend" if count == 1 else f"{count} inscriptions attendent"
    return (
        f"{waiting.capitalize()} encore le service national. "
        "Elles partiront quand vous rouvrirez le poste principal."
    )


CLOSE_GO = "Fermer le poste principal"
CLOSE_STAY = "Laisser ouvert"
CLOSED = "Le poste principal est fermé."

# Joining
JOIN_TITLE = "Rejoindre le poste principal"
JOIN_INTRO = "Choisissez le poste principal du club, puis tapez le code qu'il affiche."
FOUND_TITLE = "Postes principaux trouvés sur ce réseau"
SEARCHING = "Recherche des postes principaux sur ce réseau…"
NONE_FOUND = (
    "Aucun poste principal trouvé pour l'instant. "
    "Vérifiez que les deux ordinateurs sont sur le même wifi, ou tapez son adresse."
)


def found_hub(club: str, opened_by: str) -> str:
    return f"{club}, ouvert par {opened_by}" if opened_by else club


ADDRESS_LABEL = "Adresse du poste principal"
ADDRESS_HINT = "Si la liste est vide : l'adresse est affichée sur le poste principal."
CODE_LABEL = "Code affiché sur le poste principal (6 chiffres)"
DESK_NAME_LABEL = "Nom de ce poste, vu sur le poste principal"
JOIN_BUTTON = "Rejoindre"
JOINING = "Connexion au poste principal…"
CHOOSE_OR_TYPE = "Choisissez un poste principal dans la liste, ou tapez son adresse."
CODE_MISSING = "Tapez les 6 chiffres du code affiché sur le poste principal."


def code_length(count: int) -> str:
    digits = "1 chiffre" if count == 1 else f"{count} chiffres"
    return f"Ce code a {digits}. Il en faut 6."


NAME_MISSING = "Donnez un nom à ce poste, par exemple votre prénom."
# Why joining failed: the main desk's refusal (sync.pairing.PairingRefused), or why it could
# not be reached (sync.client.RetryLater). "wrong_code" is also what a look-alike main desk
# gives: the code was right, but not for that computer.
JOIN_ERRORS = {
    "wrong_code": (
        "Ce code ne correspond pas. Vérifiez-le sur le poste principal, puis tapez-le à nouveau. "
        "S'il est juste, cette adresse n'est pas celle du poste principal du club."
    ),
    "expired": "Ce code n'est plus valable. Demandez un nouveau code au poste principal.",
    "locked": "Trop d'essais : demandez un nouveau code au poste principal.",
    "no_code": "Le poste principal n'affiche pas de code. Demandez-lui un nouveau code.",
    "unknown_exchange": "La connexion a été coupée au milieu. Tapez le code à nouveau.",
    "unreachable": (
        "Le poste principal ne répond pas. "
        "Vérifiez que les deux ordinateurs sont sur le même wifi, puis l'adresse."
    ),
    "timeout": (
        "Le poste principal met trop de temps à répondre. Rapprochez-vous du wifi et recommencez."
    ),
    "bad_address": (
        "Cette adresse ne convient pas. Recopiez-la depuis le poste principal. "
        "Elle ressemble à 192.168.1.20:47820."
    ),
    "bad_answer": (
        "Cette adresse ne mène pas à un poste principal de pass'Sport Club. "
        "Vérifiez-la sur le poste principal."
    ),
}


def joined(club: str, opened_by: str) -> str:
    if not opened_by:
        return f"Ce poste est relié au poste principal de {club}."
    return f"Ce poste est relié au poste principal de {club} (ouvert par {opened_by})."


def profile_taken(club: str) -> str:
    return f"Ce poste prend le profil du club {quoted(club)} du poste principal."


def other_club(own: str, theirs: str) -> str:
    return (
        f"Ce poste principal est celui du club {quoted(theirs)}. "
        f"Cet ordinateur garde les inscriptions du club {quoted(own)}. "
        "Il ne peut pas rejoindre le forum d'un autre club : il n'est pas relié."
    )


# A desk that joined
JOINED_TITLE = "Forum des associations"
STATE_LINKED = "Relié : le poste principal répond."
STATE_CONNECTING = "Connexion au poste principal…"


def state_out_of_range(minutes: int, count: int) -> str:
    since = (
        "moins d'une minute"
        if minutes < 1
        else ("1 minute" if minutes == 1 else f"{minutes} minutes")
    )
    waiting = (
        ""
        if count == 0
        else (
            " 1 inscription attend d'être transmise."
            if count == 1
            else f" {count} inscriptions attendent d'être transmises."
        )
    )
    return f"Hors de portée du poste principal depuis {since}.{waiting}"


OUT_OF_RANGE_TODO = (
    "Continuez les inscriptions : tout est gardé sur ce poste. "
    "Tout part au poste principal dès qu'il répond. Rapprochez-vous du wifi de temps en temps."
)
STATE_REVOKED = (
    "Le poste principal a retiré ce poste : plus rien ne lui est envoyé. "
    "Quittez le forum, puis rejoignez-le à nouveau si besoin."
)
STATE_CERTIFICATE = (
    "Ce poste principal n'est plus celui que ce poste a rejoint. Rien ne lui est envoyé. "
    "Quittez le forum, puis rejoignez-le à nouveau."
)
LEAVE = "Quitter le forum"
LEAVE_HINT = (
    "À la fin du forum. Ensuite ce poste envoie de nouveau au service national, s'il y est relié."
)
LEAVE_TITLE = "Quitter le forum"
LEAVE_ERASE_QUESTION = "Effacer de cet ordinateur les noms et les dates de naissance des jeunes ?"
LEAVE_ERASE_DETAILS = (
    "Le poste principal a reçu toutes les inscriptions de ce poste. "
    "Si cet ordinateur n'est pas celui du club, effacez-les."
)
LEAVE_ERASE = "Quitter et effacer"
LEAVE_KEEP = "Quitter sans effacer"
LEAVE_STAY = "Rester au forum"


def leave_waiting(count: int) -> str:
    waiting = (
        "1 inscription n'a pas encore rejoint"
        if count == 1
        else f"{count} inscriptions n'ont pas encore rejoint"
    )
    return f"{waiting.capitalize()} le poste principal."


LEAVE_WAITING_DETAILS = (
    "Rapprochez-vous du poste principal et attendez qu'elles partent. "
    "Si vous quittez maintenant, elles restent sur ce poste, sans être effacées."
)
LEFT = "Ce poste a quitté le forum."
LEFT_ERASED = (
    "Ce poste a quitté le forum. Les noms et les dates de naissance sont effacés de cet ordinateur."
)

# The live check of a code at the desk
CHECKING = "Vérification auprès du poste principal…"


def registered_elsewhere(desk: str, when: str, holder: str) -> str:
    """The code was recorded at another desk of the forum: where, when, whose."""
    whose = f" pour {holder}" if holder else ""
    moment = f", le {when}" if when else ""
    return (
        f"Ce code est déjà enregistré{whose} au poste {quoted(desk)}{moment}. "
        "Si c'est le même jeune, il est déjà inscrit : ne refaites rien. "
        "Sinon, vérifiez le code avec la famille."
    )


# The status area at a forum
def status_main(count: int) -> str:
    desks = (
        "aucun poste relié"
        if count == 0
        else ("1 poste relié" if count == 1 else f"{count} postes reliés")
    )
    return f"Forum : poste principal, {desks}."


STATUS_MAIN_OPENING = "Forum : ouverture du poste principal…"
STATUS_MAIN_FAILED = "Forum : le poste principal ne s'ouvre pas. Voir « Forum des associations »."


def status_linked(count: int) -> str:
    if count == 0:
        return "Forum : relié au poste principal."
    waiting = "1 inscription à transmettre" if count == 1 else f"{count} inscriptions à transmettre"
    return f"Forum : relié au poste principal, {waiting}."


STATUS_CONNECTING = "Forum : connexion au poste principal…"


def status_out_of_range(minutes: int, count: int) -> str:
    since = (
        "moins d'une minute"
        if minutes < 1
        else ("1 minute" if minutes == 1 else f"{minutes} minutes")
    )
    if count == 0:
        return f"Forum : hors de portée depuis {since}."
    waiting = "1 inscription à transmettre" if count == 1 else f"{count} inscriptions à transmettre"
    return f"Forum : hors de portée depuis {since}, {waiting}."


STATUS_REVOKED = "Forum : ce poste a été retiré par le poste principal."
STATUS_CERTIFICATE = "Forum : ce poste principal n'est pas celui du club. Rien ne lui est envoyé."
STATUS_STOPPED = "Forum : les envois au poste principal sont arrêtés."
SEND_NOW_HINT = "Envoyer tout de suite au poste principal les inscriptions en attente."

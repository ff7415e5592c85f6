"""Words of the national service: linking this computer, sending, the registrations to check."""

# The national service
SEND_NOW = "Envoyer maintenant"
SEND_NOW_HINT = "Envoyer tout de suite les inscriptions en attente au service national."
SYNC_STATES = {
    "idle": "Relié au service national.",
    "sending": "Envoi en cours…",
    "online": "Service national : connecté.",
    "offline": "Pas de connexion : tout est gardé sur cet ordinateur.",
    "needs_enrolment": "La clé du service national est refusée. Reliez cet ordinateur à nouveau.",
    "certificate_refused": (
        "La connexion au service national n'est pas sûre. Rien n'est envoyé. Demandez de l'aide."
    ),
    "stopped": "Les envois au service national sont arrêtés.",
}


def last_sent(when: str) -> str:
    return f"Envoyé à {when}."


def next_try(seconds: float) -> str:
    if seconds < 60:
        return "Nouvel essai dans moins d'une minute."
    minutes = round(seconds / 60)
    return (
        "Nouvel essai dans 1 minute." if minutes == 1 else f"Nouvel essai dans {minutes} minutes."
    )


def clock_off(minutes: int) -> str:
    return (
        f"L'horloge de cet ordinateur a {minutes} minutes d'écart avec le service national. "
        "Réglez l'heure de l'ordinateur."
    )


def to_check_count(count: int) -> str:
    return "1 inscription à vérifier." if count == 1 else f"{count} inscriptions à vérifier."


ENROL_TITLE = "Relier cet ordinateur au service national"
ENROL_INTRO = (
    "Sur le portail national, demandez un code d'inscription pour un nouvel ordinateur. "
    "Tapez-le ici. La clé reçue est gardée dans le trousseau de mots de passe de l'ordinateur. "
    "C'est le Gestionnaire d'identification sous Windows, le Trousseau sous macOS."
)
ENROL_NO_KEYRING = (
    "Cet ordinateur ne peut pas être relié pour l'instant. "
    "Il n'a pas de trousseau de mots de passe pour garder la clé du service national."
)
ENROL_NO_KEYRING_TODO = (
    "Que faire ? Sous Linux, installez gnome-keyring ou KWallet, puis relancez pass'Sport Club. "
    "Demandez de l'aide si besoin. Vous pouvez aussi relier un autre ordinateur du club."
)
ENROL_NO_KEYRING_MEANWHILE = (
    "En attendant, le guichet marche sans connexion : les inscriptions restent sur cet ordinateur."
)
ENROL_URL = "Adresse du service national"
ENROL_CODE = "Code d'inscription"
ENROL_BUTTON = "Relier cet ordinateur"
ENROL_WAIT = "Connexion au service national…"


def enrolled(club: str) -> str:
    return f"Cet ordinateur est relié au service national pour le club {club}."


ENROL_ERRORS = {
    "no_secure_keyring": (
        "Cet ordinateur n'a pas de trousseau de mots de passe pour garder la clé "
        "du service national. Le programme continue sans connexion."
    ),
    "refused": "Ce code d'inscription n'est pas valable. Demandez-en un nouveau sur le portail.",
    "unreachable": "Le service national ne répond pas. Vérifiez la connexion puis recommencez.",
    "certificate_refused": (
        "La connexion au service national n'est pas sûre. Rien n'a été envoyé. Demandez de l'aide."
    ),
    "bad_url": "Cette adresse ne convient pas. Elle commence par https://.",
}
# The national service's address (sync.client.api_address): why it is refused.
ENROL_URL_ERRORS = {
    "empty": "Tapez l'adresse du service national. Elle commence par https://.",
    "not_https": (
        "Cette adresse doit commencer par https:// pour que la connexion soit protégée. "
        "Recopiez l'adresse donnée par le portail national."
    ),
    "userinfo": (
        "Cette adresse contient le signe @. L'adresse du service national n'en a pas. "
        "Recopiez l'adresse donnée par le portail national."
    ),
    "bad_port": (
        "Le numéro après les deux-points ne convient pas. "
        "Recopiez l'adresse donnée par le portail national."
    ),
    "bad_address": (
        "Cette adresse ne convient pas. Elle commence par https:// et n'a pas d'espace. "
        "Recopiez l'adresse donnée par le portail national."
    ),
}
TO_CHECK_TITLE = "Inscriptions à vérifier"
TO_CHECK_INTRO = (
    "Le service national a refusé ces inscriptions. Rien n'est perdu : voici quoi faire."
)
TO_CHECK_NONE = "Aucune inscription à vérifier."
NATIONAL_REASONS = {
    "identity_mismatch": (
        "Le nom ou la date de naissance ne correspondent pas au code. "
        "Vérifiez-les avec la famille. Puis annulez cette inscription et refaites-la."
    ),
    "other_club": (
        "Ce code est déjà utilisé par un autre club. "
        "Prenez un chèque de caution et demandez à la famille de vérifier."
    ),
    "duplicate_here": (
        "Ce code est déjà enregistré par un autre ordinateur du club. "
        "C'est une inscription en double : annulez celle-ci."
    ),
    "unknown_code": "Ce code n'existe pas. Vérifiez-le avec la famille.",
    "revoked": "Ce code a été annulé par le service national. La famille doit le contacter.",
    "season_closed": "La saison de ce code est close. Il ne sera pas remboursé.",
    "key_reused": "Il y a eu un problème d'envoi. Annulez l'inscription, puis refaites-la.",
    "invalid": "Le service national refuse cette inscription. Vérifiez les informations.",
    "cancelled_nationally": "Cette inscription a été annulée sur le portail national.",
    "refused_nationally": (
        "Le portail national refuse cette inscription. Il ne la remboursera pas. "
        "Vérifiez le code et le nom avec la famille."
    ),
    "cancelled_after_payment": (
        "Le portail national dit que cette inscription est annulée. Pourtant un remboursement "
        "est noté. Vérifiez sur le portail avant de rendre ou de réclamer de l'argent."
    ),
    "refused_after_payment": (
        "Le portail national refuse cette inscription. Pourtant un remboursement est noté. "
        "Vérifiez sur le portail avant de rendre ou de réclamer de l'argent."
    ),
    "unpaid_after_payment": (
        "Le portail national dit que cette inscription n'est pas remboursée. Pourtant un "
        "remboursement est noté. Vérifiez sur votre relevé de banque."
    ),
    # Sync: refused even alone in its batch (app.national.UNSENDABLE).
    "unsendable": (
        "Le service national n'a pas pu lire cette inscription. Il ne l'a pas enregistrée. "
        "Vérifiez le code, le nom et la date de naissance. "
        "Si tout est juste, saisissez-la sur le portail national."
    ),
}
NATIONAL_REASON = "Réponse du service national"
PAID_ON = "Remboursé le"

"""Words of the club profile form."""

# Club profile form
CLUB_FIRST_TITLE = "Bienvenue ! Présentez votre club."
CLUB_FIRST_INTRO = (
    "Ces informations sont écrites sur chaque reçu. "
    "Vous les trouvez sur le site Le Compte Asso. Vous pourrez les changer plus tard."
)
CLUB_EDIT_TITLE = "Profil du club"
CLUB_EDIT_INTRO = "Ces informations sont écrites sur chaque reçu."
CLUB_NAME = "Nom du club"
CLUB_SIRET = "Numéro SIRET (14 chiffres)"
CLUB_RNA = "Numéro RNA (W suivi de 9 chiffres ; en Corse, W2A ou W2B suivi de 7 chiffres)"
CLUB_LOCAL_LAW = "Association de droit local (Alsace-Moselle)"
CLUB_LOCAL_LAW_HINT = (
    "Sans numéro RNA. En Moselle, dans le Bas-Rhin et le Haut-Rhin, une association "
    "inscrite au tribunal judiciaire n'a pas de numéro RNA. "
    "Cochez cette case : il n'est alors pas demandé."
)
CLUB_FEDERATION = "Fédération (facultatif)"
CLUB_SAVED = "Le profil du club est enregistré."
CLUB_SAVED_SHEET_NEXT = (
    "Le profil du club est enregistré. Dernière étape : la feuille de secours, à garder au club."
)
FIELD_ERRORS = {
    "required": "Cette case est obligatoire.",
    "too_long": "Ce texte est trop long.",
    "siret_not_digits": "Le SIRET ne contient que des chiffres.",
    "siret_length": "Le SIRET a 14 chiffres. Vérifiez le nombre de chiffres.",
    "siret_checksum": "Ce SIRET n'existe pas. Un chiffre est sans doute mal tapé.",
    "rna_format": (
        "Le numéro RNA commence par W, suivi de 9 chiffres. Exemple : W751234567. "
        "En Corse, il commence par W2A ou W2B, suivi de 7 chiffres."
    ),
    "rna_required": (
        "Tapez le numéro RNA. Une association de droit local d'Alsace-Moselle n'en a pas : "
        "cochez la case « Association de droit local »."
    ),
}
FORM_HAS_ERRORS = "Certaines cases sont à corriger."

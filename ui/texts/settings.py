"""Words of the settings screens (this computer, settings and safety)."""

# Settings (this computer)
SETTINGS_TITLE = "Réglages de cet ordinateur"
SETTINGS_INTRO = "Chaque changement compte tout de suite. Il est gardé pour la prochaine fois."
TEXT_SIZE = "Taille du texte"
TEXT_SIZE_CHOICES = {
    100: "Normale (100 %)",
    125: "Un peu plus grande (125 %)",
    150: "Plus grande (150 %)",
    175: "Très grande (175 %)",
    200: "La plus grande (200 %)",
}
RECEIPT_LAYOUT = "Format du reçu"
RECEIPT_LAYOUT_CHOICES = {
    "page": "Une demi-page (format A5)",
    "ticket": "Un ticket de caisse de 8 centimètres de large",
}
AUTO_PRINT = "Imprimer le reçu tout de suite"
AUTO_PRINT_HINT = "Après chaque inscription, le reçu part à l'imprimante sans autre clic."
SOUNDS = "Sons au guichet"
SOUNDS_HINT = "Un son quand c'est enregistré. Deux sons en cas d'erreur."
SETTING_SAVED = "Réglage enregistré."


# Settings and safety
ADMIN_TITLE = "Réglages et sécurité"

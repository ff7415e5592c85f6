"""Words of the desk: validating a pass'Sport, from the code to the receipt."""

from ui import french

# Desk: validating a pass'Sport
CODE_TITLE = "Valider un pass'Sport"
CODE_LABEL = "Code pass'Sport"
CODE_CONTINUE = "Continuer"
NO_CODE_YET = "Pas encore de code"
NO_CODE_YET_HINT = "Inscrire le jeune avec un chèque de caution, en attendant son code."
VOLUNTEER_LABEL = "Votre prénom, pour les reçus (facultatif)"
OPEN_EXISTING = "Ouvrir cette inscription"


def code_intro(example: str) -> str:
    return f"Tapez ou scannez le code du jeune. Il ressemble à {french.unbroken(example)}."


def code_missing(count: int) -> str:
    return "Il manque 1 caractère." if count == 1 else f"Il manque {count} caractères."


def already_registered(receipt_no: str, when: str) -> str:
    return f"Ce code est déjà enregistré ici, le {when}. Reçu numéro {receipt_no}."


def season_line(year: int, amount: str) -> str:
    return f"Saison {year} : {amount} déduits de la cotisation."


PERSON_TITLE = "Le jeune"
PERSON_INTRO = "Recopiez le nom, le prénom et la date de naissance du jeune."
DEPOSIT_TITLE = "Inscription avec chèque de caution"
DEPOSIT_INTRO = (
    "Le jeune n'a pas encore son code. Prenez un chèque de caution du même montant. "
    "Ne l'encaissez pas : vous le rendrez quand le code arrivera."
)
LAST_NAME = "Nom"
FIRST_NAME = "Prénom"
BIRTH_DATE = "Date de naissance (jour/mois/année)"
ACTIVITY = "Activité ou section (facultatif)"
FEE = "Cotisation en euros (facultatif)"
CHEQUE_NUMBER = "Numéro du chèque"
CHEQUE_BANK = "Banque"
CHEQUE_AMOUNT = "Montant du chèque en euros"
PERSON_ERRORS = {
    "required": "Cette case est obligatoire.",
    "too_long": "Ce texte est trop long : 60 caractères au plus.",
    "control_character": "Ce texte contient un caractère invisible. Retapez-le.",
    "name_character": "Un nom n'a que des lettres, des espaces, des tirets ou des apostrophes.",
    "date_format": "Tapez la date comme ceci : 15/03/2012 ou 15032012.",
    "date_not_in_calendar": "Cette date n'existe pas. Vérifiez le jour et le mois.",
    "date_future": "Cette date est dans le futur.",
    "money_format": "Tapez un montant comme ceci : 150 ou 150,50.",
    "money_too_large": "Ce montant est trop grand. Vérifiez-le.",
}


def errors_to_correct(count: int) -> str:
    return "Une case à corriger" if count == 1 else f"{count} cases à corriger"


def age_refused(age_min: int, age_max: int, year: int) -> str:
    return f"En {year}, le pass'Sport est pour les jeunes de {age_min} à {age_max} ans."


REVIEW_TITLE = "Vérifiez avant d'enregistrer"
REVIEW_INTRO = "Relisez avec la famille. Appuyez sur Entrée pour confirmer."
MODIFY = "Modifier"
CONFIRM = "Confirmer"
REVIEW_CODE = "Code"
REVIEW_NAME = "Jeune"
REVIEW_BORN = "Né ou née le"
REVIEW_SEASON = "Saison"
REVIEW_AMOUNT = "Montant déduit"
REVIEW_FEE = "Cotisation"
REVIEW_REMAINING = "Reste à payer"
REVIEW_ACTIVITY = "Activité"
REVIEW_CHEQUE = "Chèque de caution"
CHEQUE_STATE = "Le chèque"
NO_CODE_VALUE = "Pas encore de code"


def cheque_summary(number: str, bank: str, amount: str) -> str:
    return f"numéro {number}, {bank}, {amount}"


SAVED = "Enregistré"
SAVED_DEPOSIT = "Enregistré avec un chèque de caution"
SAVED_TO_SEND = "Il est envoyé au service national dès qu'il y a une connexion."
SAVED_DEPOSIT_NEXT = "Quand le code arrive, retrouvez l'inscription et ajoutez le code."


def receipt_number(receipt_no: str) -> str:
    return f"Reçu numéro {receipt_no}"


def amount_deducted(amount: str) -> str:
    return f"Montant déduit : {amount}"


def remaining(amount: str) -> str:
    return f"Reste à payer : {amount}"


PRINT = "Imprimer le reçu"
SAVE_PDF = "Enregistrer le reçu en PDF"
NEXT_FAMILY = "Inscription suivante"
PRINTED = "Le reçu est parti à l'imprimante."
PRINT_CANCELLED = "Impression annulée. Vous pourrez réimprimer le reçu plus tard."
SIBLING = "Un frère ou une sœur"
SIBLING_HINT = (
    "Inscrire un autre enfant de la même famille : le nom et l'activité sont déjà remplis."
)
NEXT_CODE_HINT = (
    "Pour la famille suivante, vous pouvez aussi taper ou scanner son code tout de suite."
)


def sibling_intro(last_name: str, example: str) -> str:
    return (
        f"Le code du frère ou de la sœur. Le nom {last_name} est gardé. "
        f"Un code ressemble à {french.unbroken(example)}."
    )


def print_family(count: int) -> str:
    return f"Imprimer les {count} reçus de la famille"


def printed_family(count: int) -> str:
    return f"Les {count} reçus de la famille sont partis à l'imprimante."


CLOSE_UNSAVED = (
    "Cette inscription n'est pas finie. Si vous fermez maintenant, ce qui a été tapé sera perdu."
)
CLOSE_TITLE = "Fermer pass'Sport Club ?"
CLOSE_KEEP = "Revenir à l'inscription"
CLOSE_ANYWAY = "Fermer sans enregistrer"


def pdf_saved(path: str) -> str:
    return f"Le reçu est enregistré : {path}"

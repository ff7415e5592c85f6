"""Words of importing an extract of Le Compte Asso: preview, comparison, updates."""

from app.extract_columns import Field
from ui.texts import common as common_texts

# Importing an extract of Le Compte Asso
IMPORT_TITLE = "Importer un fichier du Compte Asso"
IMPORT_INTRO = (
    "Sur Le Compte Asso, téléchargez « Extraire les bénéficiaires inscrits » "
    "ou « Extraire l'état de paiement ». Choisissez ce fichier ici. "
    "Rien ne change avant votre confirmation."
)
CHOOSE_FILE = "Choisir le fichier"
READING = "Lecture du fichier…"
PREVIEW_TITLE = "Vérifiez les colonnes"
PREVIEW_INTRO = (
    "Voici ce que le programme a compris de chaque colonne. "
    "Changez ce qui ne va pas, puis comparez."
)
COMPARE = "Comparer avec les inscriptions"
CHOOSE_ANOTHER = "Choisir un autre fichier"
NEED_CODE_COLUMN = "Choisissez la colonne du code pass'Sport."
COMPARING = "Comparaison en cours…"
IGNORED = "Ne pas utiliser"
FIELD_WORDS = {
    Field.CODE: "Code pass'Sport",
    Field.LAST_NAME: "Nom",
    Field.FIRST_NAME: "Prénom",
    Field.BIRTH_DATE: "Date de naissance",
    Field.STATE: "État ou statut",
    Field.AMOUNT: "Montant",
    Field.PAID_ON: "Date de paiement",
    Field.CHANGED_ON: "Date de l'état (dernière modification)",
}


def column_label(index: int, title: str, samples: list[str]) -> str:
    name = f"Colonne {index + 1} : « {title} »" if title else f"Colonne {index + 1} (sans titre)"
    return f"{name}\nExemples : {', '.join(samples)}" if samples else name


def file_summary(name: str, rows: int) -> str:
    return f"Fichier « {name} » : {rows} lignes."


RESULT_TITLE = "Résultat de la comparaison"
RESULT_INTRO = "Rien n'est encore changé. Lisez, puis enregistrez les mises à jour."
APPLY = "Enregistrer les mises à jour"
ADD = "Ajouter ces inscriptions"
ADD_TITLE = "Ajouter les inscriptions du Compte Asso"
ADD_INTRO = (
    "Ces jeunes sont inscrits sur Le Compte Asso mais pas ici. "
    "Ils seront ajoutés, déjà connus du service national. Rien ne sera envoyé."
)
SAVING = "Enregistrement…"
NOTHING_TO_APPLY = "Tout est déjà à jour. Rien à enregistrer."


def updates(count: int) -> str:
    return f"À mettre à jour : {common_texts.registrations(count)}."


def unchanged(count: int) -> str:
    return f"Déjà à jour : {common_texts.registrations(count)}."


def portal_only(count: int) -> str:
    return f"Sur Le Compte Asso mais pas ici : {common_texts.registrations(count)}."


def here_only(count: int) -> str:
    return f"Ici mais pas dans le fichier, à saisir sur Le Compte Asso : {common_texts.registrations(count)}."


def conflicts(count: int) -> str:
    return f"À vérifier, le nom ne correspond pas : {common_texts.registrations(count)}."


def unreadable(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
    count = len(rows)
    what = "1 ligne n'est pas comprise" if count == 1 else f"{count} lignes ne sont pas comprises"
    return f"{what} (code illisible), ligne {shown}."


def duplicates(count: int) -> str:
    return (
        f"{count} codes apparaissent plusieurs fois : la ligne la plus récente compte. "
        "Un remboursement déjà noté reste noté."
    )


# The sheet and the states of the file, in the preview
SHEET = "Feuille du classeur"
SHEET_HINT = (
    "Le programme a choisi la feuille qui contient les codes. Vous pouvez en choisir une autre."
)
WORDINGS_TITLE = "Les états écrits dans le fichier"
WORDINGS_INTRO = (
    "Pour chaque état, voici ce que le programme a compris. "
    "Changez ce qui ne va pas. Le programme ne devine jamais un état qu'il ne connaît pas."
)
WORDING_UNKNOWN = "Le programme ne connaît pas cet état. Choisissez ce qu'il veut dire."
WORDING_IGNORE = "Je ne sais pas : ces lignes ne changent rien"
PORTAL_STATE_WORDS = {
    "confirmed": "Inscrit, pas encore en paiement",
    "in_processing": "En cours de paiement",
    "paid": "Remboursé",
    "unpaid": "Pas remboursé",
    "refused": "Refusé",
    "cancelled": "Annulé",
}


def wording_label(wording: str, count: int) -> str:
    lines = "1 ligne" if count == 1 else f"{count} lignes"
    return f"« {wording} » ({lines})"


def ignored(count: int) -> str:
    if count == 1:
        return "1 ligne a un état inconnu. Elle ne change rien."
    return f"{count} lignes ont un état inconnu. Elles ne changent rien."


def ignored_line(row: int, code: str, wording: str) -> str:
    return f"Ligne {row} · {code} · « {wording} »"


def applied(count: int) -> str:
    if count == 0:
        return NOTHING_TO_APPLY
    return f"{common_texts.registrations_done(count, 'mise')} à jour."


def added(count: int) -> str:
    return f"{common_texts.registrations_done(count, 'ajoutée')}."


def cannot_add(count: int) -> str:
    what = "1 inscription ne peut" if count == 1 else f"{count} inscriptions ne peuvent"
    return f"{what} pas être ajoutée{'s' if count > 1 else ''} : il manque la date de naissance."


def update_line(name: str, code: str, state: str) -> str:
    return f"{name} · {code} · devient : {state}"


def conflict_line(local: str, portal: str, code: str) -> str:
    return f"{code} : ici {local}, sur Le Compte Asso {portal}"


def cancelled_here_line(name: str, code: str) -> str:
    return f"{code} : {name} est annulé ici mais inscrit sur Le Compte Asso"

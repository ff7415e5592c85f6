"""Words of the season table: which one is in force, and the page that updates it."""

from datetime import date

from app.seasons import ChangeKind, SeasonChange, SeasonTable, TableSource
from ui import french
from ui.texts import common as common_texts

# The admin task and its page
TASK = "Mettre à jour les saisons"
TASK_HINT = "Montants, dates et âges du pass'Sport, avec le fichier de saisons signé."
TITLE = "Mettre à jour les saisons"
INTRO = (
    "Chaque version du programme publie un fichier de saisons signé. "
    "Il donne les montants, les dates et les âges de chaque saison. "
    "Choisissez ce fichier, sur cet ordinateur ou sur une clé USB."
)
LINKED = (
    "Cet ordinateur est relié au service national. "
    "Ses saisons se mettent à jour toutes seules, une fois par jour."
)
CHOOSE = "Choisir le fichier de saisons"
CHOOSE_HINT = "Ouvre la liste des fichiers. Rien ne change avant votre accord."
FILES_KIND = "Fichiers de saisons"

# Which table is in force (the desk, the treasurer, this page)
SOURCES = {
    TableSource.SHIPPED: "fournie avec le programme",
    TableSource.NATIONAL: "service national",
    TableSource.FILE: "fichier de saisons signé",
}


def in_force(table: SeasonTable) -> str:
    """``Table des saisons en vigueur : service national, le 3 décembre 2026.``"""
    return f"Table des saisons en vigueur : {origin(table)}."


def origin(table: SeasonTable) -> str:
    """Where the table in force comes from and since when: ``service national, le 3 décembre
    2026``."""
    source = SOURCES[table.origin.source]
    if table.origin.since is not None:
        day = table.origin.since.astimezone(french.PARIS).date()
        return f"{source}, le {french.long_date(day)}"
    if table.published is not None:
        return f"{source}, du {french.long_date(table.published)}"
    return source


def change_line(change: SeasonChange) -> str:
    """What a new table changes in one season, and for how many registrations."""
    hit = common_texts.registrations_done(change.count, "enregistrée")
    year = change.year
    if change.kind is ChangeKind.REMOVED:
        return f"Saison {year} : elle n'est plus dans la table. Elle reste connue pour {hit}."
    if change.kind is ChangeKind.DEADLINE:
        return f"Saison {year} : la date limite d'envoi est avancée. Cela touche {hit}."
    if change.kind is ChangeKind.AMOUNT:
        old, new = french.euros(change.old_cents or 0), french.euros(change.new_cents or 0)
        return f"Saison {year} : le montant passe de {old} à {new}. Cela touche {hit}."
    if change.kind is ChangeKind.DATES:
        return f"Saison {year} : les nouvelles dates ne permettent plus {hit}."
    return f"Saison {year} : les nouveaux âges ne permettent plus {hit}."


def changes_text(changes: tuple[SeasonChange, ...]) -> str:
    return "\n".join(change_line(change) for change in changes)


# The notice kept for the treasurer when the national table changed recorded seasons
NOTICE = "Le service national a changé des saisons déjà utilisées par vos inscriptions :"

# Importing a file
APPLIED = "La nouvelle table des saisons est en vigueur."
ALREADY = "Cette table des saisons est déjà en vigueur. Rien ne change."
NOT_APPLIED = "Rien n'a changé. La table des saisons en vigueur reste la même."
CONFIRM_TITLE = "Saisons déjà utilisées"
CONFIRM_QUESTION = (
    "Ce fichier change des saisons où des inscriptions sont déjà enregistrées. "
    "Voulez-vous l'appliquer quand même ?"
)
CONFIRM_APPLY = "Appliquer quand même"
CONFIRM_KEEP = "Garder la table actuelle"

FILE_ERRORS = {
    "unreadable": "Ce fichier ne peut pas être lu. Vérifiez la clé USB, puis recommencez.",
    "not_season_file": (
        "Ce fichier n'est pas un fichier de saisons. "
        "Choisissez le fichier de saisons publié avec le programme."
    ),
    "no_signature": (
        "Ce fichier de saisons n'est pas signé. Rien n'a changé. "
        "Prenez le fichier publié avec le programme."
    ),
    "bad_signature": (
        "La signature de ce fichier ne correspond pas : il a peut-être été modifié. "
        "Rien n'a changé."
    ),
}

# What a season document may hold that the program refuses (app.seasons.SeasonDataReason)
DATA_PROBLEMS = {
    "bad_date": "une date impossible",
    "bad_year": "une année impossible",
    "bad_amount": "un montant impossible",
    "bad_ages": "des âges impossibles",
    "closes_before_opens": "une fin des inscriptions avant leur début",
    "deadline_before_close": "une date limite avant la fin des inscriptions",
    "duplicate_year": "deux fois la même saison",
    "no_seasons": "une liste de saisons vide",
    "no_date": "une table sans date de publication",
}
DATA_UNKNOWN = "des données que le programme ne comprend pas"


def data_refused(reason: str, year: int | None = None) -> str:
    problem = DATA_PROBLEMS.get(reason, DATA_UNKNOWN)
    where = f", pour la saison {year}" if isinstance(year, int) else ""
    return f"Ce fichier contient {problem}{where}. Rien n'a changé."


def older(published: date, current: date) -> str:
    return (
        f"Ce fichier date du {french.long_date(published)}. La table en vigueur est plus "
        f"récente : elle date du {french.long_date(current)}. Rien n'a changé."
    )

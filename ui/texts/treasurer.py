"""Words of the treasurer screen and of the files it exports."""

from datetime import date, datetime

from app.exports import Labels
from app.treasury import last_day
from ui import french
from ui.texts import common as common_texts
from ui.texts import records as records_texts

# The treasurer screen
TITLE = "Trésorerie"
SEASON = "Saison"
EXPECTED = "À recevoir de l'État"
RECEIVED = "Déjà remboursé"
MISSING = "Reste à recevoir"
BY_STATE = "Inscriptions par état"
STATE_COLUMN = "État"
COUNT_COLUMN = "Inscriptions"
AMOUNT_COLUMN = "Montant déduit"
CHEQUES_HELD = "Chèques de caution gardés"
OVERPAID = "Trop perçu"
LOST_WORDS = "Perdu : date limite passée"
CHART_NAME = "Graphique des montants par état"
LIST_TITLE = "Liste des inscriptions"
FILTER = "Afficher"
ALL_STATES = "Toutes les inscriptions"
EXPORT_CSV = "Exporter en CSV"
EXPORT_XLSX = "Exporter en classeur Excel"
EXPORT_PDF = "État récapitulatif (PDF)"
PORTAL_IMPORT = "Importer un fichier du Compte Asso"
PORTAL_IMPORT_HINT = "Le fichier des bénéficiaires inscrits ou de l'état de paiement."
PERSONAL_DATA = (
    "Ce fichier contient des données personnelles de mineurs. "
    "Gardez-le en lieu sûr et supprimez-le quand il ne sert plus."
)
WORKING = "Travail en cours…"


# Words written in the exported files
STATE_ORDER = (
    "to_send",
    "confirmed",
    "in_processing",
    "paid",
    "to_check",
    "awaiting_code",
    "cancelled",
)
# The lines of a season's summary: every registration is in one of them.
SUMMARY_ORDER = ("to_send", "lost", *STATE_ORDER[1:])
SUMMARY_WORDS = {**records_texts.STATE_WORDS, "lost": LOST_WORDS}
EXPORT_LABELS = Labels(
    columns={
        "receipt_no": "Numéro de reçu",
        "code": "Code pass'Sport",
        "last_name": "Nom",
        "first_name": "Prénom",
        "activity": "Activité",
        "season": "Saison",
        "recorded_on": "Enregistré le",
        "state": "État",
        "claim": EXPECTED,
        "paid_on": "Remboursé le",
        "paid": RECEIVED,
        "remaining": MISSING,
    },
    states={**records_texts.STATE_WORDS, "lost": LOST_WORDS},
    total="Total",
    sheet="Inscriptions pass'Sport",
)


def file_stem(club: str, year: int, today: date) -> str:
    return f"pass'Sport {year} {club} {today.isoformat()}"


def listing_count(shown: int, total: int) -> str:
    if total == 0:
        return "Aucune inscription."
    if shown < total:
        return f"{common_texts.registrations(total)}. Les {shown} plus récentes sont affichées."
    return f"{common_texts.registrations(total)}."


def deadline_line(deadline: datetime | None, days_left: int, closed: bool) -> str:
    if deadline is None:
        return "La date limite de cette saison n'est pas connue."
    day = french.long_date(last_day(deadline))
    if closed:
        return f"La saisie des codes est close. Le dernier jour était le {day}."
    if days_left == 0:
        return f"Dernier jour pour saisir les codes\u00a0: aujourd'hui, {day}."
    left = "1 jour" if days_left == 1 else f"{days_left} jours"
    return f"Saisie des codes jusqu'au {day}\u00a0: encore {left}."  # never a line on ':'


def to_enter_late(count: int, amount: str) -> str:
    if count == 1:
        return (
            f"1 inscription n'a pas été acceptée avant la date limite. "
            f"Elle est perdue : ses {amount} ne seront pas remboursés."
        )
    return (
        f"{count} inscriptions n'ont pas été acceptées avant la date limite. "
        f"Elles sont perdues : leurs {amount} ne seront pas remboursés."
    )


def exported(path: str, count: int) -> str:
    return f"{common_texts.registrations_done(count, 'exportée')} dans le fichier : {path}"


def pdf_written(path: str) -> str:
    return f"L'état récapitulatif est enregistré : {path}"

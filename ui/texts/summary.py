"""Words of the season's summary sheet (the PDF)."""

# The summary sheet (PDF)
PDF_TITLE = "État récapitulatif pass'Sport"
PDF_FEDERATION = "Fédération"
PDF_MADE_ON = "Établi le"
PDF_TOTALS = "Totaux par état"
PDF_MONEY = "Remboursement"
PDF_TOTAL = "Total des inscriptions"
PDF_SIGNATURE = "Le trésorier ou la trésorière : nom, date et signature"
PDF_FOOTER = "Document établi avec pass'Sport Club. Il ne contient aucun nom de jeune."


def pdf_season(year: int) -> str:
    return f"Saison {year}"

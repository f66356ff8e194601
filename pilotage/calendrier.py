"""Le premier jour ouvré d'un mois : ni samedi, ni dimanche, ni jour férié en France (bibliothèque `holidays`)."""
from datetime import date, timedelta

import holidays


def est_ouvre(jour: date) -> bool:
    return jour.weekday() < 5 and jour not in holidays.France(years=jour.year)


def premier_jour_ouvre(annee: int, mois: int) -> date:
    jour = date(annee, mois, 1)
    while not est_ouvre(jour):
        jour += timedelta(days=1)
    return jour


def mois_precedent(jour: date) -> date:
    """Le premier jour du mois qui précède celui de `jour`."""
    return (jour.replace(day=1) - timedelta(days=1)).replace(day=1)

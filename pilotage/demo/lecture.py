"""La lecture des fichiers de données de la démonstration (`donnees/*.yaml`) : un fichier par pan, lu une fois.

Les dates s'y écrivent `2016-03-22`, les moments `2016-03-22 14:00` (heure de Paris), les montants et les taux entre
guillemets (`'0.50'`) pour rester des Decimal exacts ; les états, rôles et catégories par leur code.
"""
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

DOSSIER = Path(__file__).resolve().parent / "donnees"
PARIS = ZoneInfo("Europe/Paris")


@cache
def lire(nom: str) -> dict:
    """Le contenu de `donnees/<nom>.yaml` (à lire, jamais à modifier : il est partagé)."""
    with (DOSSIER / f"{nom}.yaml").open(encoding="utf-8") as fichier:
        return yaml.safe_load(fichier)


def moment(texte: str | None) -> datetime | None:
    """« 2016-03-22 14:00 » -> le moment à Paris ; rien pour rien."""
    return datetime.strptime(texte, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS) if texte else None

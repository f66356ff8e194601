"""Ce que partagent les commandes `manage.py` : lire leurs arguments avec un refus en français."""
from datetime import date

from django.core.management.base import CommandError


def date_argument(texte: str) -> date:
    """Une date passée en argument (AAAA-MM-JJ), ou une erreur de commande qui cite la valeur fautive."""
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"« {texte} » n'est pas une date AAAA-MM-JJ.") from None

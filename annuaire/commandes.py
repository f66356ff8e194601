"""Ce que partagent les commandes `manage.py` : lire leurs arguments avec un refus en français."""
from datetime import date

from django.core.management.base import CommandError


def date_argument(texte: str) -> date:
    """Une date passée en argument (AAAA-MM-JJ), ou une erreur de commande qui cite la valeur fautive."""
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"« {texte} » n'est pas une date AAAA-MM-JJ.") from None


def ajouter_option_plie(parser) -> None:
    parser.add_argument("--plie", metavar="SIGLE", help="le sigle du PLIE (obligatoire s'il y en a plusieurs)")


def plie_argument(sigle: str | None, *, obligatoire: bool):
    """Le PLIE d'une commande (`--plie SIGLE`). Sans option : le seul de l'installation ; avec plusieurs PLIE, refusé
    si la commande range des données (`obligatoire`), sinon None : tous les PLIE (rapport consolidé)."""
    from .models import Plie, seul_plie

    if sigle:
        plie = Plie.objects.filter(sigle__iexact=sigle).first()
        if plie is None:
            connus = ", ".join(Plie.objects.values_list("sigle", flat=True))
            raise CommandError(f"Aucun PLIE de sigle « {sigle} » (PLIE de l'installation : {connus}).")
        return plie
    seul = seul_plie()
    if seul is not None:
        return seul
    if obligatoire:
        raise CommandError("Plusieurs PLIE sur cette installation : précisez lequel avec --plie SIGLE.")
    return None

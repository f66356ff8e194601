from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from justificatifs.documents import contexte_bilan
from justificatifs.models import Bilan
from operations.documents import rendre


class Command(BaseCommand):
    help = ("Le bilan d'exécution d'une opération en Word : le dernier préparé, ou celui du rang donné "
            "(la partie quantitative est recalculée depuis les données des participants).")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code de l'opération, par exemple PLIE-2016-004")
        parser.add_argument("--rang", type=int, help="rang du bilan (1 pour le premier) ; par défaut le dernier")
        parser.add_argument("--sortie", type=Path, required=True, help="fichier .docx à écrire")

    def handle(self, *args, code, rang, sortie, **options):
        bilans = Bilan.objects.filter(operation__code=code).select_related("operation__porteur", "operation__type")
        bilan = bilans.filter(rang=rang).first() if rang else bilans.order_by("-rang").first()
        if bilan is None:
            raise CommandError(f"{code} n'a pas de bilan n° {rang}." if rang else
                               f"{code} n'a aucun bilan préparé (ou l'opération n'existe pas).")
        sortie.write_bytes(rendre("bilan_execution", contexte_bilan(bilan)))
        self.stdout.write(f"{sortie} écrit ({bilan.titre}).")

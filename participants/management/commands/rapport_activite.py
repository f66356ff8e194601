import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participants.rapport import en_xlsx, rapport_activite


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"« {texte} » n'est pas une date AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = "Les chiffres du rapport d'activité d'une période, en JSON (sortie standard par défaut) ou en XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--debut", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--fin", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--sortie", type=Path, help="fichier à écrire (obligatoire en XLSX)")

    def handle(self, *args, debut, fin, format, sortie, **options):
        debut, fin = _date(debut), _date(fin)
        if fin < debut:
            raise CommandError("La fin de la période précède son début.")
        rapport = rapport_activite(debut, fin)
        if format == "xlsx":
            if sortie is None:
                raise CommandError("Indiquez --sortie FICHIER.xlsx pour un classeur.")
            sortie.write_bytes(en_xlsx(rapport))
        elif sortie:
            sortie.write_text(json.dumps(rapport, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            json.dump(rapport, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")

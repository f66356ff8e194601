import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.commandes import ajouter_option_plie, date_argument, plie_argument
from participants.rapport import en_docx, en_xlsx, rapport_activite


class Command(BaseCommand):
    help = ("Les chiffres du rapport d'activité d'une période : JSON (sortie standard par défaut), classeur XLSX ou "
            "document Word avec ses graphiques.")

    def add_arguments(self, parser):
        parser.add_argument("--debut", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--fin", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--format", choices=["json", "xlsx", "docx"], default="json")
        parser.add_argument("--sortie", type=Path, help="fichier à écrire (obligatoire en XLSX et DOCX)")
        ajouter_option_plie(parser)  # sans --plie, avec plusieurs PLIE : le rapport consolidé de tous

    def handle(self, *args, debut, fin, format, sortie, **options):
        debut, fin = date_argument(debut), date_argument(fin)
        if fin < debut:
            raise CommandError("La fin de la période précède son début.")
        plie = plie_argument(options.get("plie"), obligatoire=False)
        rapport = rapport_activite(debut, fin, None if plie is None else [plie.pk])
        if format in ("xlsx", "docx"):
            if sortie is None:
                raise CommandError(f"Indiquez --sortie FICHIER.{format} pour ce format.")
            sortie.write_bytes(en_xlsx(rapport) if format == "xlsx" else en_docx(rapport))
        elif sortie:
            sortie.write_text(json.dumps(rapport, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            json.dump(rapport, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")

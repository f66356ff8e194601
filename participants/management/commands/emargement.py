from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.commandes import date_argument
from operations.models import Operation
from operations.pdf import ConversionImpossible, convertir_en_pdf
from participants.emargement import DECOUPAGES, PAR_SEANCE, AucuneSeance, Periode, emargement_docx


class Command(BaseCommand):
    help = ("Les feuilles d'émargement d'une action sur une période, en Word (ou en PDF si le fichier de sortie finit "
            "par .pdf et que LibreOffice est installé).")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code de l'opération, par exemple PLIE-2016-004")
        parser.add_argument("--du", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--au", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--par", choices=[c for c, _ in DECOUPAGES], default=PAR_SEANCE,
                            help="une feuille par séance (par défaut) ou par semaine")
        parser.add_argument("--sortie", type=Path, required=True, help="fichier à écrire (.docx ou .pdf)")

    def handle(self, *args, code, du, au, par, sortie, **options):
        try:
            periode = Periode(date_argument(du), date_argument(au))
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        operation = Operation.objects.select_related("porteur", "type").filter(code=code).first()
        if operation is None:
            raise CommandError(f"Aucune opération {code}.")
        try:
            contenu = emargement_docx(operation, periode, par)
            if sortie.suffix.lower() == ".pdf":
                contenu = convertir_en_pdf(contenu, nom=sortie.with_suffix(".docx").name)
        except (AucuneSeance, ConversionImpossible) as refus:
            raise CommandError(str(refus)) from None
        sortie.write_bytes(contenu)
        self.stdout.write(f"{sortie} écrit.")

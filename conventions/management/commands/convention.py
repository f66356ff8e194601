from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.selectors import document_courant
from conventions.services import convention_generer
from operations.models import Operation
from operations.workflow import ActionRefusee


class Command(BaseCommand):
    help = ("Écrit la convention en vigueur d'une opération (document Word), en la générant si elle n'existe pas "
            "encore (l'opération doit être programmée) : pour les scripts et le support.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code de l'opération, par exemple OP-2016-003")
        parser.add_argument("--sortie", required=True, type=Path, help="fichier .docx à écrire")

    def handle(self, *args, code, sortie, **options):
        operation = Operation.objects.filter(code=code).first()
        if operation is None:
            raise CommandError(f"Aucune opération n'a le code « {code} ».")
        try:
            convention = convention_generer(operation=operation, user=None, par_le_systeme=True)
        except ActionRefusee as refus:
            raise CommandError(str(refus)) from None
        document = document_courant(convention)
        if not sortie.parent.exists():
            raise CommandError(f"Le dossier « {sortie.parent} » n'existe pas.")
        with document.fichier.open("rb") as source:
            sortie.write_bytes(source.read())
        self.stdout.write(f"{convention.titre} ({convention.get_etat_display().lower()}) écrite dans {sortie}.")

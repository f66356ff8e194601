import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from participants.importation import ImportRefuse
from participants.importation_clauses import analyser, importer, resume


class Command(BaseCommand):
    help = ("Importe les fichiers du service clauses d'insertion (heures, et orientations) : tout ou rien, mise à jour "
            "par clé de ligne. Code de sortie 0 si importé, 1 si refusé.")

    def add_arguments(self, parser):
        parser.add_argument("heures", type=Path, help="fichier des heures (CSV ou XLSX)")
        parser.add_argument("orientations", type=Path, nargs="?", help="fichier des orientations (CSV ou XLSX), facultatif")

    def handle(self, *args, heures, orientations, **options):
        fichiers = []
        for chemin in filter(None, [heures, orientations]):
            if not chemin.is_file():
                self.stderr.write(f"{chemin} : fichier introuvable.")
                sys.exit(1)
            fichiers.append((chemin.name, chemin.read_bytes()))
        try:
            trace = importer(analyser(*fichiers))
        except ImportRefuse as refus:
            self.stderr.write(f"Import refusé, rien n'a été écrit ({len(refus.erreurs)} erreur(s)) :")
            for erreur in refus.erreurs:
                self.stderr.write(str(erreur))
            sys.exit(1)
        self.stdout.write(resume(trace))


import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from participants.importation import ImportRefuse, analyser, importer


class Command(BaseCommand):
    help = ("Importe une extraction de l'outil de suivi (participants, et leurs étapes) selon le format d'échange : "
            "tout ou rien, mise à jour par identifiant. Code de sortie 0 si importé, 1 si refusé.")

    def add_arguments(self, parser):
        parser.add_argument("participants", type=Path, help="fichier des participants (CSV ou XLSX)")
        parser.add_argument("etapes", type=Path, nargs="?", help="fichier des étapes (CSV ou XLSX), facultatif")

    def handle(self, *args, participants, etapes, **options):
        fichiers = []
        for chemin in filter(None, [participants, etapes]):
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
        self.stdout.write(
            f"Participants : {trace.participants_crees} créé(s), {trace.participants_modifies} modifié(s), "
            f"{trace.participants_inchanges} inchangé(s).\n"
            f"Étapes : {trace.etapes_creees} créée(s), {trace.etapes_modifiees} modifiée(s), "
            f"{trace.etapes_inchangees} inchangée(s).")
        for avertissement in trace.avertissements:
            self.stdout.write(f"Avertissement : {avertissement}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.sauvegarde import SauvegardeImpossible, sauvegarder


class Command(BaseCommand):
    help = ("Sauvegarde la base (pg_dump, ou copie SQLite) et les fichiers (disque ou bucket S3) dans un dossier daté, avec un "
            "manifeste (lignes par table, empreinte de chaque fichier) pour vérifier la restauration.")

    def add_arguments(self, parser):
        parser.add_argument("--dossier", type=Path, required=True, help="où créer le dossier de sauvegarde")

    def handle(self, *args, dossier, **options):
        try:
            cible = sauvegarder(dossier)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from None
        self.stdout.write(f"Sauvegarde écrite dans {cible}")

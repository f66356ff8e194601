from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.sauvegarde import SauvegardeImpossible, restaurer


class Command(BaseCommand):
    help = ("Restaure une sauvegarde (base et fichiers) à la place des données actuelles, puis vérifie, d'après son "
            "manifeste, qu'aucune ligne ni aucun fichier ne manque. Arrêtez l'application et les workers avant.")

    def add_arguments(self, parser):
        parser.add_argument("dossier", type=Path, help="le dossier écrit par `sauvegarder`")
        parser.add_argument("--confirmer", action="store_true", help="sans lui, rien n'est remplacé")

    def handle(self, *args, dossier, confirmer, **options):
        if not (dossier / "manifeste.json").exists():
            raise CommandError(f"{dossier} n'est pas un dossier de sauvegarde (manifeste.json absent).")
        if not confirmer:
            raise CommandError("La restauration remplace la base et les fichiers actuels : relancez avec --confirmer.")
        try:
            ecarts = restaurer(dossier)
        except SauvegardeImpossible as erreur:
            raise CommandError(str(erreur)) from None
        if ecarts:
            raise CommandError("Restauration incomplète :\n" + "\n".join(ecarts))
        self.stdout.write(f"Restauration vérifiée : toutes les tables et tous les fichiers de {dossier} sont là.")

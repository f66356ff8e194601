from pathlib import Path

from django.core.management.base import BaseCommand

from annuaire.commandes import ajouter_option_plie, plie_argument
from participants.importation import importer_en_ligne_de_commande
from participants.importation_clauses import analyser, importer, resume


class Command(BaseCommand):
    help = ("Importe les fichiers du service clauses d'insertion (heures, et orientations) : tout ou rien, mise à jour "
            "par clé de ligne. Code de sortie 0 si importé, 1 si refusé.")

    def add_arguments(self, parser):
        parser.add_argument("heures", type=Path, help="fichier des heures (CSV ou XLSX)")
        parser.add_argument("orientations", type=Path, nargs="?", help="fichier des orientations (CSV ou XLSX), facultatif")
        ajouter_option_plie(parser)

    def handle(self, *args, heures, orientations, **options):
        plie = plie_argument(options.get("plie"), obligatoire=True)
        importer_en_ligne_de_commande(self, [heures, orientations],
                                      lambda fichiers: resume(importer(analyser(*fichiers, plie=plie))))

from pathlib import Path

from django.core.management.base import BaseCommand

from annuaire.commandes import ajouter_option_plie, plie_argument
from participants.importation import analyser, importer, importer_en_ligne_de_commande


class Command(BaseCommand):
    help = ("Importe une extraction de l'outil de suivi (participants, et leurs étapes) selon le format d'échange : "
            "tout ou rien, mise à jour par identifiant. Code de sortie 0 si importé, 1 si refusé.")

    def add_arguments(self, parser):
        parser.add_argument("participants", type=Path, help="fichier des participants (CSV ou XLSX)")
        parser.add_argument("etapes", type=Path, nargs="?", help="fichier des étapes (CSV ou XLSX), facultatif")
        ajouter_option_plie(parser)

    def handle(self, *args, participants, etapes, **options):
        plie = plie_argument(options.get("plie"), obligatoire=True)
        importer_en_ligne_de_commande(self, [participants, etapes],
                                      lambda fichiers: _compte_rendu(importer(analyser(*fichiers, plie=plie))))


def _compte_rendu(trace) -> str:
    lignes = [f"Participants : {trace.participants_crees} créé(s), {trace.participants_modifies} modifié(s), "
              f"{trace.participants_inchanges} inchangé(s).",
              f"Étapes : {trace.etapes_creees} créée(s), {trace.etapes_modifiees} modifiée(s), "
              f"{trace.etapes_inchangees} inchangée(s)."]
    return "\n".join(lignes + [f"Avertissement : {a}" for a in trace.avertissements])

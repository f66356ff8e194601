from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.commandes import ajouter_option_plie, plie_argument
from annuaire.formats import pluriel
from justificatifs.mdfse import mdfse_exporter, qualite
from operations.models import Operation


class Command(BaseCommand):
    help = ("L'export « Ma Démarche FSE » d'une opération (participants, indicateurs par sexe, dépenses) : une archive "
            "ZIP avec un classeur XLSX et les tableaux en CSV. Affiche d'abord le contrôle qualité des fiches.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code de l'opération, par exemple OP-2016-013")
        parser.add_argument("--sortie", type=Path, required=True, help="fichier .zip à écrire")
        ajouter_option_plie(parser)

    def handle(self, *args, code, sortie, **options):
        plie = plie_argument(options.get("plie"), obligatoire=False)
        operations = Operation.objects.filter(code=code)
        if plie is not None:  # le porteur d'une opération est une structure de son PLIE
            operations = operations.filter(plie=plie)
        operation = operations.first()
        if operation is None:
            raise CommandError(f"Aucune opération {code}.")
        controle = qualite(operation)
        if controle["incomplets"]:
            nombre = len(controle["incomplets"])
            self.stderr.write(f"{nombre} fiche{pluriel(nombre)} incomplète{pluriel(nombre)} sur {controle['total']} "
                              "(page « Export Ma Démarche FSE » de l'opération pour les compléter).")
        if controle["contacts"]["niveau"] or controle["contacts"]["sans_contact"]:
            self.stderr.write(controle["message_contacts"])
        sortie.write_bytes(mdfse_exporter(operation=operation))
        self.stdout.write(f"{sortie} écrit ({controle['total']} participants).")

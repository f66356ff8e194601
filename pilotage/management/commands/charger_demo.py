from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pilotage.demo import MOT_DE_PASSE, DemoRefusee, charger_demo
from pilotage.demo.reseau import charger_reseau


class Command(BaseCommand):
    help = (
        "Charge la démonstration (PLIE de l'agglomération dijonnaise, programmations 2016 et 2017) et affiche "
        "les comptes et les opérations. Sans effet si elle est déjà chargée ; refusé si ni DEBUG ni DEMO n'est vrai."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reseau", action="store_true",
            help="Ajouter un second PLIE (le Beaunois) et l'organisme pivot qui gère les deux (compte « pivot »).",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Charger même si DEBUG et DEMO sont faux (jamais sur une installation réelle : les comptes ont le mot de passe « demo »).",
        )

    def handle(self, *args, force=False, reseau=False, **options):
        try:
            charger_demo(stdout=self.stdout, force=force or settings.DEMO)
        except DemoRefusee as exc:
            raise CommandError(str(exc)) from None
        if reseau:
            with transaction.atomic():
                cree = charger_reseau(MOT_DE_PASSE)
            if cree:
                self.stdout.write(f"Réseau : {cree['plie']} ({cree['participants']} participants, demande "
                                  f"{cree['operation']}) et son organisme pivot, avec le PLIE de la démonstration.")
            self.stdout.write("  pivot / demo : gestionnaire FSE de l'organisme pivot (sélecteur « PLIE » en haut)")
            self.stdout.write("  animation-beaune, porteur-beaune / demo : l'animation et un porteur du Beaunois")

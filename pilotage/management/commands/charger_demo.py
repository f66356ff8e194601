from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilotage.demo import DemoRefusee, charger_demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration (PLIE de l'agglomération dijonnaise, programmations 2016 et 2017) et affiche "
        "les comptes et les opérations. Sans effet si elle est déjà chargée ; refusé si ni DEBUG ni DEMO n'est vrai."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Charger même si DEBUG et DEMO sont faux (jamais sur une installation réelle : les comptes ont le mot de passe « demo »).",
        )

    def handle(self, *args, force=False, **options):
        try:
            charger_demo(stdout=self.stdout, force=force or settings.DEMO)
        except DemoRefusee as exc:
            raise CommandError(str(exc)) from None

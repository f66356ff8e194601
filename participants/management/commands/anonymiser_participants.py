from datetime import date

from django.core.management.base import BaseCommand, CommandError

from participants.services import participants_a_anonymiser, participants_anonymiser


class Command(BaseCommand):
    help = ("Durée de conservation : efface l'identité et les données sensibles des participants sortis avant une date "
            "(les rapports passés gardent leurs chiffres, l'âge à un an près). Sans --confirmer, dit seulement combien "
            "seraient traités.")

    def add_arguments(self, parser):
        parser.add_argument("--sortis-avant", required=True, help="date AAAA-MM-JJ")
        parser.add_argument("--confirmer", action="store_true", help="anonymiser pour de bon (irréversible)")

    def handle(self, *args, sortis_avant, confirmer, **options):
        try:
            limite = date.fromisoformat(sortis_avant)
        except ValueError:
            raise CommandError(f"« {sortis_avant} » n'est pas une date AAAA-MM-JJ.") from None
        if not confirmer:
            nombre = participants_a_anonymiser(limite).count()
            self.stdout.write(f"{nombre} participant(s) sorti(s) avant le {limite:%d/%m/%Y} seraient anonymisé(s). "
                              "Relancez avec --confirmer pour le faire.")
            return
        self.stdout.write(f"{participants_anonymiser(sortis_avant=limite)} participant(s) anonymisé(s).")

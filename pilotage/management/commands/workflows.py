"""`manage.py workflows` : chaque machine à états (états, actions, rôles, conditions) ; `--markdown` : le document
docs/workflows.md avec ses diagrammes Mermaid."""
from django.core.management.base import BaseCommand

from pilotage.workflows import en_markdown, en_texte, machines


class Command(BaseCommand):
    help = "Décrit chaque machine à états du produit : états, actions, rôles et conditions."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="Écrit docs/workflows.md (diagrammes Mermaid).")

    def handle(self, *args, markdown=False, **options):
        liste = machines()
        self.stdout.write(en_markdown(liste) if markdown else en_texte(liste), ending="")

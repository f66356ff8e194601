from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.commandes import ajouter_option_plie, plie_argument
from operations.workflow import ActionRefusee
from pilotage.forms import lire_mois
from pilotage.selectors import nombre_de_destinataires
from pilotage.services import lettre_envoyer, lettre_preparer


class Command(BaseCommand):
    help = ("Prépare la lettre d'information d'un mois (chiffres du jour tant qu'elle n'est pas envoyée), l'écrit en "
            "Word si --sortie, l'envoie aux destinataires actifs si --envoyer (une seule fois par mois).")

    def add_arguments(self, parser):
        parser.add_argument("--mois", required=True, help="le mois de la lettre, AAAA-MM")
        parser.add_argument("--sortie", type=Path, help="fichier Word (.docx) où écrire la lettre")
        parser.add_argument("--envoyer", action="store_true", help="envoyer la lettre (refusé si elle l'est déjà)")
        ajouter_option_plie(parser)  # chaque PLIE a sa lettre, envoyée à ses destinataires

    def handle(self, *args, mois, sortie, envoyer, **options):
        try:
            debut = lire_mois(mois)
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        plie = plie_argument(options.get("plie"), obligatoire=True)
        try:
            lettre = lettre_preparer(mois=debut, plie=plie)
            if sortie:
                with lettre.document.fichier.open("rb") as fichier:
                    sortie.write_bytes(fichier.read())
                self.stdout.write(f"Lettre de {lettre.titre_mois} écrite dans {sortie}.")
            if envoyer:
                lettre = lettre_envoyer(lettre=lettre, par_le_systeme=True)
                self.stdout.write(f"Lettre de {lettre.titre_mois} envoyée à {nombre_de_destinataires(plie.pk)}.")
            elif not sortie:
                self.stdout.write(f"Lettre de {lettre.titre_mois} : {lettre.get_etat_display().lower()}.")
        except ActionRefusee as refus:
            raise CommandError(str(refus)) from None

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annuaire.services import creer_plie, message_de


def commune(texte: str) -> tuple[str, str]:
    nom, _, insee = texte.rpartition(":")
    if not nom or not (insee.isdigit() or insee[:2] in {"2A", "2B"}) or len(insee) != 5:
        raise CommandError(f"« {texte} » : une commune s'écrit NOM:CODE_INSEE, par exemple « Beaune:21054 ».")
    return nom.strip(), insee


class Command(BaseCommand):
    help = ("Crée un PLIE dans l'installation : sa fiche, son territoire, sa structure d'animation et le premier "
            "compte de son équipe. Exemple : creer_plie --nom \"PLIE du Beaunois\" --sigle PLIE-BEAUNE "
            "--prefixe-operations OPB --commune Beaune:21054 --compte-animation c.martin --courriel c.martin@exemple.fr")

    def add_arguments(self, parser):
        parser.add_argument("--nom", required=True, help="nom du PLIE (« PLIE du Beaunois »)")
        parser.add_argument("--organisme", default="", help="personne morale qui le porte et signe les conventions")
        parser.add_argument("--sigle", required=True, help="préfixe des numéros de convention (PLIE-BEAUNE-2026-001)")
        parser.add_argument("--prefixe-operations", required=True, help="préfixe des codes d'opération (OPB-2026-001)")
        parser.add_argument("--pivot", default="", help="organisme intermédiaire pivot (créé s'il n'existe pas)")
        parser.add_argument("--commune", action="append", default=[], type=commune,
                            help="une commune du territoire, NOM:CODE_INSEE (à répéter)")
        parser.add_argument("--adresse", default="")
        parser.add_argument("--commune-siege", default="", help="commune du siège, pour les conventions")
        parser.add_argument("--representant", default="", help="représentant légal, pour les conventions")
        parser.add_argument("--compte-animation", default="", help="identifiant du premier compte de l'animation")
        parser.add_argument("--courriel", default="", help="son courriel (il y reçoit le lien « Mot de passe oublié »)")

    def handle(self, *args, **o):
        if o["compte_animation"] and not o["courriel"]:
            raise CommandError("--courriel est obligatoire avec --compte-animation : le compte choisit son mot de passe "
                               "par le lien « Mot de passe oublié ».")
        try:
            cree = creer_plie(nom=o["nom"], sigle=o["sigle"], prefixe_operations=o["prefixe_operations"],
                              pivot=o["pivot"], communes=o["commune"], compte_animation=o["compte_animation"],
                              courriel=o["courriel"], organisme_nom=o["organisme"], adresse=o["adresse"], commune=o["commune_siege"],
                              representant=o["representant"])
        except ValidationError as erreur:
            raise CommandError(f"PLIE non créé, rien n'est enregistré. {message_de(erreur)}") from None
        plie = cree.plie
        self.stdout.write(f"PLIE créé : {plie.nom} (conventions {plie.sigle}-AAAA-NNN, opérations "
                          f"{plie.prefixe_operations}-AAAA-NNN){f', organisme pivot {plie.pivot}' if plie.pivot else ''}.")
        self.stdout.write(f"Territoire : {len(cree.communes)} commune(s). Structure d'animation : {cree.structure_animation}.")
        if cree.compte_animation:
            self.stdout.write(f"Compte de l'animation : {cree.compte_animation.username} ; il choisit son mot de passe "
                              "par « Mot de passe oublié » sur la page de connexion.")

"""La démonstration d'un réseau : un second PLIE (le Beaunois) et un organisme intermédiaire pivot qui gère les deux.

Chargée après la démonstration dijonnaise (`charger_demo --reseau`), par les mêmes chemins que les utilisateurs :
`creer_plie`, la saisie d'une demande par le porteur, ses transitions, l'import d'une extraction de l'outil de suivi.
La gestionnaire du pivot (`pivot`) voit les deux PLIE ensemble, ou l'un d'eux par le sélecteur de l'en-tête ; chaque
compte du Beaunois ne voit que le sien. Tout se crée en disant son PLIE : c'est une installation de deux PLIE.
"""
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group

from annuaire.models import Financeur, OrganismePivot, Plie, Structure, Utilisateur
from annuaire.roles import Role
from annuaire.services import creer_plie
from operations.models import Indicateur, LigneDepense, LigneRessource, Objectif, TypeOperation
from operations.options import CategorieDepense
from operations.services import operation_creer, operation_transition
from participants.importation import analyser, importer

from .acteurs import plie_de_la_demo

PIVOT = "Conseil départemental de la Côte-d'Or — organisme intermédiaire pivot"
BEAUNE = {"nom": "PLIE du Beaunois", "sigle": "PLIE-BEAUNE", "prefixe_operations": "OPB",
          "organisme_nom": "Communauté d'agglomération Beaune Côte et Sud", "commune": "Beaune",
          "representant": "le Président de la communauté d'agglomération"}
COMMUNES = [("Beaune", "21054"), ("Nuits-Saint-Georges", "21464"), ("Seurre", "21607"), ("Chagny", "71076")]
MISSION_LOCALE = "Mission locale du Beaunois"
# Une extraction de l'outil de suivi du Beaunois (docs/specs/import-participants.md) : 12 personnes, 3 sorties.
PARTICIPANTS = """identifiant;nom;prenom;sexe;date_naissance;commune;prescripteur;structure_referent;date_entree;date_sortie;motif_sortie
BEA-001;Morel;Agnès;F;12/03/1978;Beaune;POLE_EMPLOI;Mission locale du Beaunois;04/01/2016;;
BEA-002;Petitjean;Karim;H;23/09/1990;Beaune;MISSION_LOCALE;Mission locale du Beaunois;11/01/2016;30/09/2016;CDI
BEA-003;Lambert;Sonia;F;02/06/1985;Nuits-Saint-Georges;POLE_EMPLOI;Mission locale du Beaunois;18/01/2016;;
BEA-004;Carré;Damien;H;17/11/1972;Seurre;MAIRIES_MDEF_SERVICES_SOCIAUX;Mission locale du Beaunois;01/02/2016;;
BEA-005;Bouchard;Élodie;F;29/04/1995;Beaune;MISSION_LOCALE;Mission locale du Beaunois;08/02/2016;15/12/2016;FORMATION_QUALIFIANTE
BEA-006;Nguyen;Thierry;H;08/08/1969;Chagny;POLE_EMPLOI;Mission locale du Beaunois;07/03/2016;;
BEA-007;Faure;Mélanie;F;14/12/1988;Beaune;CONSEIL_DEPARTEMENTAL;Mission locale du Beaunois;04/04/2016;;
BEA-008;Girard;Olivier;H;25/02/1981;Nuits-Saint-Georges;POLE_EMPLOI;Mission locale du Beaunois;02/05/2016;;
BEA-009;Renaud;Fatou;F;19/07/1992;Beaune;MISSION_LOCALE;Mission locale du Beaunois;06/06/2016;;
BEA-010;Michaud;Laurent;H;03/10/1976;Seurre;POLE_EMPLOI;Mission locale du Beaunois;05/09/2016;20/12/2016;CDD_6M
BEA-011;Perrot;Inès;F;11/01/1999;Beaune;MISSION_LOCALE;Mission locale du Beaunois;03/10/2016;;
BEA-012;Masson;Gilles;H;30/05/1967;Chagny;MAIRIES_MDEF_SERVICES_SOCIAUX;Mission locale du Beaunois;07/11/2016;;
"""


def _compte(identifiant: str, role: str, mot_de_passe: str, **champs) -> Utilisateur:
    compte, _ = Utilisateur.objects.get_or_create(username=identifiant, defaults=champs)
    compte.set_password(mot_de_passe)
    compte.save()
    compte.groups.add(Group.objects.get_or_create(name=role)[0])
    return compte


def charger_reseau(mot_de_passe: str) -> dict:
    """Le pivot, le PLIE du Beaunois, ses comptes, une demande déclarée recevable et ses 12 participants."""
    if Plie.objects.filter(sigle=BEAUNE["sigle"]).exists():
        return {}
    pivot = OrganismePivot.objects.get_or_create(nom=PIVOT)[0]
    dijon = plie_de_la_demo()
    dijon.pivot = pivot
    dijon.save(update_fields=["pivot"])
    cree = creer_plie(**BEAUNE, pivot=PIVOT, communes=COMMUNES, compte_animation="animation-beaune",
                      courriel="animation@plie-beaune.example")
    beaune = cree.plie
    cree.compte_animation.set_password(mot_de_passe)
    cree.compte_animation.first_name, cree.compte_animation.last_name = "Claire", "Bonnot"
    cree.compte_animation.save()
    mission_locale = Structure.objects.create(plie=beaune, nom=MISSION_LOCALE, sigle="ML Beaune",
                                              categorie=Structure.Categorie.PORTEUR, commune="Beaune")
    porteur = _compte("porteur-beaune", Role.PORTEUR, mot_de_passe, plie=beaune, structure=mission_locale,
                      first_name="Hugo", last_name="Vernet", email="direction@ml-beaune.example")
    _compte("pivot", Role.GESTIONNAIRE, mot_de_passe, plie=None, pivot=pivot, first_name="Nadia",
            last_name="Ferrand", email="fse@pivot-cotedor.example")

    operation = operation_creer(
        user=porteur, porteur=mission_locale, date_debut=date(2016, 1, 1), date_fin=date(2016, 12, 31),
        intitule="Référents de parcours de la Mission locale du Beaunois",
        type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"),
        description="Deux référents de parcours pour 60 personnes du Beaunois.")
    for categorie, libelle, montant in [(CategorieDepense.PERSONNEL, "Référents de parcours (1,5 ETP)", "52000.00"),
                                        (CategorieDepense.INDIRECTES, "Forfait de 15 % des frais de personnel", "7800.00")]:
        LigneDepense.objects.create(operation=operation, categorie=categorie, libelle=libelle, montant=Decimal(montant))
    for code, montant in [("FSE", "29900.00"), ("DEPARTEMENT", "29900.00")]:
        LigneRessource.objects.create(operation=operation, financeur=Financeur.objects.get(code=code),
                                      montant=Decimal(montant))
    Objectif.objects.create(operation=operation, indicateur=Indicateur.objects.get(code="FILE_ACTIVE"),
                            valeur_cible=Decimal("60"))
    operation_transition(operation=operation, nom="deposer", user=porteur)
    operation_transition(operation=operation, nom="declarer_recevable", user=cree.compte_animation,
                         motivation="Dossier complet.")

    analyse = analyser(("participants-beaune.csv", PARTICIPANTS.encode()), plie=beaune)
    importer(analyse, user=cree.compte_animation)
    return {"plie": beaune, "operation": operation.code, "participants": 12}

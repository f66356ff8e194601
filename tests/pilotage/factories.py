"""Fabriques de la lettre mensuelle : un petit jeu de participants fait main, des destinataires."""
from datetime import date

import factory
from factory.django import DjangoModelFactory

from annuaire.models import Commune, Prescripteur
from operations.models import Indicateur, Objectif, TypeOperation
from operations.options import Etat
from participants.models import Etape, MotifSortie, Participant, TypeEtape
from pilotage.models import Destinataire
from tests.factories import OperationFactory, StructureFactory

NOM_PERSONNEL = "Zébulon-Personnel"  # le nom des participants : jamais dans la lettre


class DestinataireFactory(DjangoModelFactory):
    class Meta:
        model = Destinataire

    nom = factory.Sequence(lambda n: f"Destinataire {n}")
    courriel = factory.Sequence(lambda n: f"destinataire{n}@exemple.fr")
    categorie = "financeur"


def _participant(structure, identifiant, entree, sortie=None, motif=None):
    return Participant.objects.create(
        identifiant=identifiant, nom=NOM_PERSONNEL, prenom="Camille", sexe="F", date_naissance=date(1980, 1, 1),
        commune=Commune.objects.get(nom="Dijon"), prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"),
        structure_referent=structure, date_entree=entree, date_sortie=sortie,
        motif_sortie=MotifSortie.objects.get(code=motif) if motif else None)


def _etape(participant, code, debut):
    Etape.objects.create(participant=participant, type=TypeEtape.objects.get(code=code), date_debut=debut)


def jeu_de_mars():
    """Mars 2017 contre mars 2016 (résultats attendus écrits à la main dans les tests) ; un portage de référents
    2017 avec deux objectifs."""
    structure = StructureFactory(nom="Structure des référents", sigle="SREF")
    a = _participant(structure, "A", date(2016, 10, 1))
    b = _participant(structure, "B", date(2017, 3, 10))
    _participant(structure, "C", date(2017, 3, 20))
    d = _participant(structure, "D", date(2015, 6, 1), date(2017, 3, 15), "CDI")
    _participant(structure, "E", date(2015, 6, 1), date(2017, 3, 28), "DEMENAGEMENT")
    f = _participant(structure, "F", date(2016, 3, 5), date(2016, 12, 1), "DEMENAGEMENT")
    _participant(structure, "G", date(2015, 1, 1), date(2016, 3, 10), "FORMATION_QUALIFIANTE")
    _etape(a, "CDI", date(2017, 3, 2))
    _etape(b, "FORMATION_QUALIFIANTE", date(2017, 3, 12))
    _etape(f, "INTERIM", date(2016, 3, 20))
    _etape(d, "INTERIM", date(2016, 3, 25))
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False, code="OP-2017-001",
                                 intitule="Portage des référents 2017", date_debut=date(2017, 1, 1),
                                 date_fin=date(2017, 12, 31), type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    for code, cible in [("ENTREES", 10), ("SORTIES_POSITIVES", 4)]:
        Objectif.objects.create(operation=operation, indicateur=Indicateur.objects.get(code=code), valeur_cible=cible)
    return operation

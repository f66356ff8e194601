"""La réalisation d'une opération, calculée depuis les participants : valeur, part de l'objectif, projection, alerte."""
from datetime import date
from decimal import Decimal

import pytest

from annuaire.models import Commune, Prescripteur
from operations.models import Indicateur, Objectif, TypeOperation
from operations.options import Etat
from participants.models import Etape, MotifSortie, Participant, TypeEtape
from participants.realisation import realisation
from tests.factories import OperationFactory, StructureFactory

N = 0


def participant(structure, entree, sortie=None, motif=None):
    global N
    N += 1
    return Participant.objects.create(
        identifiant=f"T{N}", nom="Test", prenom="Personne", sexe="F", date_naissance=date(1980, 1, 1),
        commune=Commune.objects.get(nom="Dijon"), prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"),
        structure_referent=structure, date_entree=entree, date_sortie=sortie,
        motif_sortie=MotifSortie.objects.get(code=motif) if motif else None)


@pytest.fixture
def portage(db):
    structure = StructureFactory()
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False,
                                 type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    for code, cible in [("FILE_ACTIVE", 10), ("ENTREES", 8), ("SORTIES_POSITIVES", 3)]:
        Objectif.objects.create(operation=operation, indicateur=Indicateur.objects.get(code=code), valeur_cible=cible)
    for _ in range(4):
        participant(structure, date(2015, 6, 1))  # déjà là au 1er janvier
    for mois in (1, 2, 3, 8, 9, 10):
        participant(structure, date(2016, mois, 15))
    participant(structure, date(2015, 3, 1), date(2016, 5, 2), "CDI")
    participant(structure, date(2015, 3, 1), date(2016, 9, 2), "FORMATION_QUALIFIANTE")
    participant(structure, date(2015, 3, 1), date(2016, 10, 2), "DEMENAGEMENT")
    participant(structure, date(2014, 1, 1), date(2015, 12, 31), "CDI")  # sorti avant la période
    participant(StructureFactory(), date(2016, 2, 1))  # une autre structure : ne compte pas
    return operation


def test_en_fin_de_periode(portage):
    lignes = {r.indicateur: r for r in realisation(portage, au=date(2016, 12, 31))}
    assert lignes["File active"].realise == 10  # encore en parcours au 31/12 : 4 déjà là et 6 entrées
    assert lignes["Entrées"].realise == 6 and lignes["Entrées"].part == Decimal("0.750")
    assert lignes["Sorties positives"].realise == 2  # le déménagement n'est pas une sortie positive
    assert lignes["Entrées"].projection == 6 and lignes["Entrées"].alerte  # 6 < 90 % de 8
    assert not lignes["File active"].alerte


def test_en_cours_la_projection_suit_le_rythme_constate(portage):
    lignes = {r.indicateur: r for r in realisation(portage, au=date(2016, 6, 30))}
    entrees = lignes["Entrées"]
    assert entrees.realise == 3
    assert entrees.projection == 6  # 3 entrées en 182 jours, prolongées sur 366
    assert entrees.alerte
    # En parcours au 30/06 : 4 déjà là, 3 entrées, 2 qui sortiront à l'automne ; un stock ne se projette pas.
    assert lignes["File active"].realise == 9 and lignes["File active"].projection == 9


def test_une_action_compte_les_participants_de_ses_etapes(db):
    structure = StructureFactory()
    action = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, plan=False,
                              type=TypeOperation.objects.get(code="REMOBILISATION"))
    Objectif.objects.create(operation=action, indicateur=Indicateur.objects.get(code="HEURES_FORMATION"), valeur_cible=100)
    Objectif.objects.create(operation=action, indicateur=Indicateur.objects.get(code="ENTREPRISES_PROSPECTEES"),
                            valeur_cible=10)
    inscrit = participant(StructureFactory(), date(2015, 1, 1))
    Etape.objects.create(participant=inscrit, type=TypeEtape.objects.get(code="ACTION_PLIE"), date_debut=date(2016, 3, 1),
                         operation=action, heures=Decimal("42.5"))
    lignes = {r.indicateur: r for r in realisation(action, au=date(2016, 12, 31))}
    assert lignes["Heures de formation suivies"].realise == Decimal("42.5")
    assert lignes["Entreprises prospectées"].realise is None  # ne se déduit pas des participants


def test_la_fiche_montre_la_realisation(portage, client, animation):
    client.force_login(animation)
    page = client.get(portage.get_absolute_url()).content.decode()
    assert 'id="realisation"' in page and "sous 90 % de l'objectif" in page

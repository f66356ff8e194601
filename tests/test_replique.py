"""La réplique en lecture (annuaire/replique.py, docs/deploiement.md) : déclarée, le rapport d'activité y lit tous ses
chiffres et n'interroge plus la base principale ; dans une transaction ouverte, il lit la base principale (ce que la
transaction vient d'écrire). La « réplique » du test est une seconde connexion à la base de test : une autre
connexion, comme une vraie réplique, qui ne voit que ce qui est validé."""
from datetime import date

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from annuaire.models import Commune, Prescripteur
from annuaire.replique import LECTURE
from participants.models import Participant
from participants.rapport import rapport_activite

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, databases=["default", LECTURE])]
PERIODE = (date(2016, 1, 1), date(2016, 12, 31))


@pytest.fixture(scope="module", autouse=True)
def _replique_declaree(django_db_setup):
    """La base `lecture` déclarée avant que chaque test n'ouvre ses bases (comme DATABASE_LECTURE_URL au démarrage)."""
    connections.settings[LECTURE] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    yield
    connections[LECTURE].close()
    del connections[LECTURE]
    del connections.settings[LECTURE]


@pytest.fixture
def replique():
    return connections[LECTURE]


def _entrees():
    commune, prescripteur = Commune.objects.get(nom="Dijon"), Prescripteur.objects.get(code="POLE_EMPLOI")
    for rang, (sexe, entree) in enumerate([("F", date(2016, 2, 1)), ("H", date(2016, 5, 3)), ("F", date(2015, 9, 1))]):
        Participant.objects.create(identifiant=f"R{rang}", nom="Réplique", prenom="Camille", sexe=sexe,
                                   date_naissance=date(1980, 1, 1), commune=commune, prescripteur=prescripteur,
                                   date_entree=entree)


def test_le_rapport_lit_ses_chiffres_sur_la_replique(replique):
    _entrees()
    with CaptureQueriesContext(replique) as lues, CaptureQueriesContext(connections["default"]) as principales:
        rapport = rapport_activite(*PERIODE)
    # Comptés à la main : deux entrées en 2016 (une femme, un homme), trois accompagnés.
    assert rapport["entrees"]["total"] == 2 and rapport["entrees"]["par_sexe"] == {"H": 1, "F": 1}
    assert rapport["accompagnes"]["total"] == 3
    assert len(lues) >= 5 and any("participants_participant" in q["sql"] for q in lues)
    assert principales.captured_queries == []


def test_dans_une_transaction_le_rapport_lit_la_base_principale(replique):
    with transaction.atomic():
        _entrees()  # pas encore validées : la réplique ne les voit pas
        with CaptureQueriesContext(replique) as lues:
            rapport = rapport_activite(*PERIODE)
    assert rapport["entrees"]["total"] == 2
    assert lues.captured_queries == []

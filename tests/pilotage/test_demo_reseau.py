"""La démonstration du réseau (`charger_demo --reseau`) : un second PLIE et son pivot, créés par les chemins des
utilisateurs dans une installation qui compte alors deux PLIE (toute création y dit son PLIE)."""
from datetime import date

import pytest

from annuaire.models import Plie, Prescripteur, Utilisateur
from annuaire.roles import Role
from operations.models import Operation
from operations.options import Etat
from participants.models import Participant
from participants.rapport import rapport_activite
from pilotage.demo.reseau import charger_reseau
from tests.factories import utilisateur

pytestmark = pytest.mark.django_db


def test_le_reseau_a_deux_plie_sous_un_pivot_et_chacun_ne_voit_que_le_sien(client):
    dijon = Plie.objects.get()
    Participant.objects.create(plie=dijon, identifiant="DIJ-1", nom="Roux", prenom="Léa", sexe="F",
                               date_naissance="1990-01-01", date_entree="2016-03-01",
                               commune=dijon.communes.get(nom="Dijon"), prescripteur=Prescripteur.objects.first())
    cree = charger_reseau("demo")
    beaune = cree["plie"]
    assert Plie.objects.filter(pivot__nom__startswith="Conseil départemental").count() == 2
    operation = Operation.objects.get(code="OPB-2016-001")
    assert (operation.plie, operation.etat) == (beaune, Etat.RECEVABLE)
    assert Participant.objects.filter(plie=beaune).count() == 12

    pivot = Utilisateur.objects.get(username="pivot")
    animatrice_dijon = utilisateur(Role.ANIMATION, plie=dijon)
    animatrice_beaune = Utilisateur.objects.get(username="animation-beaune")
    assert Participant.objects.visible_to(pivot).count() == 13
    assert Participant.objects.visible_to(animatrice_beaune).count() == 12
    assert list(Participant.objects.visible_to(animatrice_dijon).values_list("identifiant", flat=True)) == ["DIJ-1"]
    porteur = Utilisateur.objects.get(username="porteur-beaune")
    assert porteur.check_password("demo")
    client.force_login(porteur)
    assert client.get(f"/operations/{operation.code}/").status_code == 200

    # 2016 au Beaunois, compté à la main sur l'extraction : 12 entrées (6 femmes), 3 sorties dont 3 positives
    # (CDI, formation qualifiante, CDD de plus de 6 mois).
    chiffres = rapport_activite(date(2016, 1, 1), date(2016, 12, 31), plies=[beaune.pk])
    assert chiffres["entrees"]["total"] == 12 and chiffres["entrees"]["par_sexe"] == {"H": 6, "F": 6}
    assert (chiffres["sorties"]["total"], chiffres["sorties"]["positives"]) == (3, 3)
    assert charger_reseau("demo") == {}  # déjà chargé : rien de plus

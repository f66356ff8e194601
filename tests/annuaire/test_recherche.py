"""La recherche qui pardonne, à l'identique sur SQLite et PostgreSQL (ce fichier tourne sur les deux : `make test` et
`.ci/run`) : accents, casse, tirets et apostrophes ne comptent pas ; chacun ne trouve que ce qu'il peut voir ; un nom
cherché ne passe jamais dans l'adresse."""
from datetime import date

import pytest
from django.db.models import Value
from django.urls import reverse

from annuaire.models import Commune
from annuaire.normalisation import TABLE_SIMPLE, cle_de_recherche
from annuaire.recherche import Cle, contient
from operations.models import Operation
from operations.options import Etat
from participants.models import Participant
from tests.factories import OperationFactory, StructureFactory
from tests.participants.test_realisation import participant

pytestmark = pytest.mark.django_db


def personne(structure, nom, prenom):
    p = participant(structure, date(2016, 1, 4))
    p.nom, p.prenom = nom, prenom
    p.save()
    return p


def test_la_base_calcule_la_meme_cle_que_python():
    """Chaque lettre de la table, en majuscule et en minuscule, les ligatures, les séparateurs : même clé en SQL."""
    textes = ["".join(TABLE_SIMPLE), "Œuvre d'Æsop", "Hélène-Marie  O’Brien", "CHENÔVE", "OP-2017-005", "ß ø ł Ωμέγα"]
    for texte in textes:
        en_base = Commune.objects.annotate(cle_sql=Cle(Value(texte))).values_list("cle_sql", flat=True).first()
        assert en_base == cle_de_recherche(texte), texte
    assert cle_de_recherche("Hélène-Marie  O’Brien") == "helenemarieobrien"


def test_helene_referents_chenove(structure):
    personne(structure, "Dupont", "Hélène")
    personne(structure, "HÉLÈNE", "Marie")
    personne(structure, "Martin", "Paul")
    trouves = Participant.objects.filter(contient(["nom", "prenom"], "helene"))
    assert sorted(p.prenom for p in trouves) == ["Hélène", "Marie"]
    assert Participant.objects.filter(contient(["nom", "prenom"], "HELENE dupont")).count() == 1
    OperationFactory(code="OP-2016-777", intitule="Analyse des pratiques des référents 2016")
    OperationFactory(code="OP-2017-778", intitule="Permanences de proximité",
                     porteur=StructureFactory(nom="Ville de Chenôve", sigle=""))
    assert list(Operation.objects.filter(contient(["intitule"], "referents")).values_list("code", flat=True)) == ["OP-2016-777"]
    assert list(Operation.objects.filter(contient(["porteur__nom"], "chenove")).values_list("code", flat=True)) == ["OP-2017-778"]
    assert list(Operation.objects.filter(contient(["code"], "2017-778")).values_list("code", flat=True)) == ["OP-2017-778"]
    assert list(Operation.objects.filter(contient(["code"], "op2017778")).values_list("code", flat=True)) == ["OP-2017-778"]


def test_la_liste_des_participants_cherche_en_post_sans_nom_dans_l_adresse(client, referent, structure, autre_structure):
    personne(structure, "Dupont", "Hélène")
    personne(structure, "Martin", "Paul")
    personne(autre_structure, "Durand", "Hélène")  # suivie ailleurs : le référent ne la voit pas
    client.force_login(referent)
    reponse = client.post(reverse("participants:liste"), {"q": "helene"})
    assert reponse.status_code == 302 and "helene" not in reponse["Location"]
    page = client.get(reponse["Location"]).content.decode()
    assert "Dupont Hélène" in page and "Martin Paul" not in page and "Durand" not in page
    assert "1 participant" in page
    page = client.get(reverse("participants:liste") + "?tri=-nom").content.decode()  # la recherche tient au tri
    assert "Dupont Hélène" in page and "Martin Paul" not in page
    client.post(reverse("participants:liste"), {"effacer": "1"})
    assert "Martin Paul" in client.get(reverse("participants:liste")).content.decode()


def test_la_recherche_de_l_en_tete(client, porteur, structure, autre_structure, animation):
    OperationFactory(code="OP-2016-881", intitule="Accompagnement à Chenôve", porteur=structure, etat=Etat.DEPOSEE)
    OperationFactory(code="OP-2016-882", intitule="Atelier à Chenôve", porteur=autre_structure, etat=Etat.DEPOSEE)
    personne(structure, "De Chenôve", "Hélène")
    client.force_login(porteur)
    accueil = client.get(reverse("accueil")).content.decode()
    assert 'action="/recherche/"' in accueil and 'method="post"' in accueil
    page = client.post(reverse("pilotage:recherche"), {"q": "chenove"}).content.decode()
    assert "OP-2016-881" in page and "OP-2016-882" not in page  # le porteur ne voit que sa structure
    assert "De Chenôve Hélène" in page
    client.force_login(animation)
    page = client.post(reverse("pilotage:recherche"), {"q": "CHENOVE"}).content.decode()
    assert "OP-2016-881" in page and "OP-2016-882" in page
    page = client.post(reverse("pilotage:recherche"), {"q": "introuvable"}).content.decode()
    assert "Rien ne correspond à « introuvable »" in page

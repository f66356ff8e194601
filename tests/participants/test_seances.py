"""Les séances d'une action : planifiées dans la période, pour les participants rattachés et dans leur parcours ;
une grille de présence tout ou rien ; les heures qui s'additionnent."""
from datetime import date
from decimal import Decimal

import pytest

from operations.models import TypeOperation
from operations.options import Etat
from operations.workflow import ActionRefusee
from participants.models import Etape, Presence, TypeEtape
from participants.seances import heures_de_presence, presences_enregistrer, seance_planifier
from tests.factories import OperationFactory

from .test_realisation import participant


@pytest.fixture
def action(structure):
    return OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, type=TypeOperation.objects.get(code="REMOBILISATION"))


def inscrire(action, *participants):
    for p in participants:
        Etape.objects.create(participant=p, type=TypeEtape.objects.get(code="ACTION_PLIE"), date_debut=date(2016, 3, 1),
                             operation=action)


def planifier(action, user, jour, inscrits, demi="matin"):
    return seance_planifier(operation=action, user=user, date=jour, demi_journee=demi, heures=Decimal("3.5"),
                            lieu="Salle A & B", formateur="Mme Roux", inscrits=inscrits)


def test_planifier_emarger_et_compter_les_heures(action, structure, porteur):
    anna, bilal = participant(structure, date(2016, 1, 4)), participant(structure, date(2016, 1, 4), date(2016, 4, 30), "CDI")
    inscrire(action, anna, bilal)
    mars = planifier(action, porteur, date(2016, 3, 14), [anna, bilal])
    apres_midi = planifier(action, porteur, date(2016, 3, 14), [anna, bilal], demi="apres_midi")
    presences_enregistrer(seance=mars, user=porteur, statuts={anna.pk: "present", bilal.pk: "excuse"})
    presences_enregistrer(seance=apres_midi, user=porteur, statuts={anna.pk: "present", bilal.pk: "present"})
    assert heures_de_presence(action, date(2016, 3, 1), date(2016, 3, 31)) == {anna.pk: Decimal("7.00"), bilal.pk: Decimal("3.50")}

    # Bilal est sorti le 30/04 : une séance de mai ne peut pas le compter.
    with pytest.raises(ActionRefusee, match="la séance du 02/05/2016 est hors de son parcours .*sorti\\(e\\) le 30/04/2016"):
        planifier(action, porteur, date(2016, 5, 2), [anna, bilal])
    assert action.seances.count() == 2


def test_refus_clairs_et_rien_d_ecrit(action, structure, porteur, porteur_autre):
    anna, inconnu = participant(structure, date(2016, 1, 4)), participant(structure, date(2016, 1, 4))
    inscrire(action, anna)
    with pytest.raises(ActionRefusee, match="n'est pas rattaché\\(e\\) à"):
        planifier(action, porteur, date(2016, 3, 14), [anna, inconnu])
    with pytest.raises(ActionRefusee, match="hors de la période de l'opération"):
        planifier(action, porteur, date(2017, 3, 14), [anna])
    with pytest.raises(ActionRefusee, match="Seuls le porteur de l'opération"):
        planifier(action, porteur_autre, date(2016, 3, 14), [anna])
    seance = planifier(action, porteur, date(2016, 3, 14), [anna])
    with pytest.raises(ActionRefusee, match="n'est pas inscrit à cette séance"):
        presences_enregistrer(seance=seance, user=porteur, statuts={anna.pk: "present", inconnu.pk: "present"})
    assert not Presence.objects.exists()


def test_les_pages_planifier_puis_noter_les_presences(action, structure, porteur, client):
    from django.urls import reverse

    anna, bilal = participant(structure, date(2016, 1, 4)), participant(structure, date(2016, 1, 4))
    inscrire(action, anna, bilal)
    client.force_login(porteur)
    assert "Séances et émargement" in client.get(action.get_absolute_url()).content.decode()
    adresse = reverse("participants:seances", args=[action.code])
    refus = client.post(adresse, {"date": "2017-03-14", "demi_journee": "matin", "heures": "3", "lieu": "Salle",
                                  "formateur": "Mme Roux", "inscrits": [anna.pk]})
    assert "hors de la période de l&#x27;opération" in refus.content.decode()
    client.post(adresse, {"date": "2016-03-14", "demi_journee": "matin", "heures": "3,5".replace(",", "."),
                          "lieu": "Salle", "formateur": "Mme Roux", "inscrits": [anna.pk, bilal.pk]})
    seance = action.seances.get()
    grille = reverse("participants:grille", args=[action.code, seance.pk])
    incomplete = client.post(grille, {f"presence-{anna.pk}": "present"})
    assert "Présence non renseignée pour : Personne Test" in incomplete.content.decode()
    assert not Presence.objects.exists()
    client.post(grille, {f"presence-{anna.pk}": "present", f"presence-{bilal.pk}": "absent"})
    assert dict(Presence.objects.values_list("participant", "statut")) == {anna.pk: "present", bilal.pk: "absent"}
    assert "<td class=\"nombre\">1</td>" in client.get(adresse).content.decode()  # un présent


def test_les_heures_emargees_font_la_realisation_de_l_action(action, structure, porteur):
    """Les heures de formation d'une action qui tient ses séances sont celles émargées, pas celles déclarées."""
    from operations.models import Indicateur, Objectif
    from participants.realisation import realisation

    Objectif.objects.create(operation=action, indicateur=Indicateur.objects.get(code="HEURES_FORMATION"),
                            valeur_cible=Decimal("100"))
    anna, bilal = participant(structure, date(2016, 1, 4)), participant(structure, date(2016, 1, 4))
    inscrire(action, anna, bilal)
    Etape.objects.filter(operation=action).update(heures=Decimal("50"))  # déclarées, non prouvées
    fin = action.date_fin

    def heures():
        return next(r.realise for r in realisation(action, au=fin) if r.indicateur == "Heures de formation suivies")

    assert heures() == Decimal("100")  # sans séance : les heures déclarées sur les étapes
    seance = planifier(action, porteur, date(2016, 3, 14), [anna, bilal])
    assert heures() == Decimal("0")  # les séances sont planifiées : seules les présences comptent
    presences_enregistrer(seance=seance, user=porteur, statuts={anna.pk: "present", bilal.pk: "absent"})
    assert heures() == Decimal("3.5")


def test_la_grille_se_relit_quand_les_identifiants_depassent_mille(action, structure, porteur, client):
    """Un identifiant rendu dans un attribut n'est jamais groupé par milliers (« presence-1 525 »)."""
    from django.urls import reverse

    from participants.models import Participant

    anna = participant(structure, date(2016, 1, 4))
    Participant.objects.filter(pk=anna.pk).update(id=152500)
    anna = Participant.objects.get(pk=152500)
    inscrire(action, anna)
    seance = planifier(action, porteur, date(2016, 3, 14), [anna])
    client.force_login(porteur)
    grille = reverse("participants:grille", args=[action.code, seance.pk])
    assert 'name="presence-152500"' in client.get(grille).content.decode()
    client.post(grille, {"presence-152500": "present"})
    assert Presence.objects.get().statut == "present"

"""Générer les conventions de tout un comité en un travail de fond, avec son avancement ; rejoué, sans doublon."""
from decimal import Decimal

import pytest
from django.urls import reverse

from appels_projets.options import Decision, EtatComite
from conventions import lots
from conventions.models import CompteurConventions, Convention
from operations.models import Traitement
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.appels_projets.factories import ComiteFactory, PointFactory, ReponseFactory
from tests.celery_reel import DELAI, EXECUTIONS, attendre, executions


@pytest.fixture
def comite_tenu(structure):
    comite = ComiteFactory(etat=EtatComite.PV_VALIDE)
    for decision in (Decision.PROGRAMMEE, Decision.PROGRAMMEE, Decision.PROGRAMMEE, Decision.REJETEE):
        etat = Etat.PROGRAMMEE if decision == Decision.PROGRAMMEE else Etat.REJETEE
        PointFactory(comite=comite, reponse=ReponseFactory(operation__porteur=structure, operation__etat=etat),
                     decision=decision, montant_vote=Decimal("9000") if decision == Decision.PROGRAMMEE else None)
    return comite


def test_les_conventions_du_comite_en_un_traitement(comite_tenu, animation, client, django_capture_on_commit_callbacks):
    client.force_login(animation)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("conventions:generer_du_comite"), {"comite": comite_tenu.pk})
    traitement = Traitement.objects.get()
    assert reponse.url == traitement.get_absolute_url()
    assert (traitement.etat, traitement.faits, traitement.total) == (Traitement.Etat.TERMINE, 3, 3)
    assert sorted(Convention.objects.values_list("numero", flat=True)) == ["PLIE-2016-001", "PLIE-2016-002", "PLIE-2016-003"]

    # La page suit l'avancement ; son état se lit en JSON (barre de progression).
    etat = client.get(reverse("operations:etat_traitement", args=[traitement.pk])).json()
    assert etat == {"etat": "termine", "libelle_etat": "Terminé", "faits": 3, "total": 3, "pourcentage": 100,
                    "message": "3 convention(s) générée(s).", "resultat": f"/conventions/?comite={comite_tenu.pk}"}
    page = client.get(traitement.get_absolute_url()).content.decode()
    assert 'value="100"' in page and "Voir le résultat" in page

    # Rejouée (message livré deux fois) : aucune convention ni aucun numéro de plus.
    lots.generer_conventions_du_comite(str(traitement.pk), comite_tenu.pk, animation.pk)
    assert Convention.objects.count() == 3 and CompteurConventions.objects.get().dernier == 3


def test_rien_a_generer_ou_pas_le_droit(comite_tenu, animation, porteur, client):
    with pytest.raises(ActionRefusee, match="Seule l'équipe d'animation"):
        lots.conventions_du_comite_lancer(comite=comite_tenu, user=porteur)
    autre = ComiteFactory(etat=EtatComite.TENU)
    with pytest.raises(ActionRefusee, match="n'est pas validé"):
        lots.conventions_du_comite_lancer(comite=autre, user=animation)
    assert not Traitement.objects.exists()


def test_le_traitement_d_un_autre_repond_404(comite_tenu, animation, client, django_user_model):
    traitement = lots.conventions_du_comite_lancer(comite=comite_tenu, user=animation)
    collegue = django_user_model.objects.create_user("collegue", password="x")
    client.force_login(collegue)
    assert client.get(traitement.get_absolute_url()).status_code == 404


@pytest.mark.redis
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_un_vrai_worker_genere_les_conventions_du_comite(worker, comite_tenu, animation):
    traitement = lots.conventions_du_comite_lancer(comite=comite_tenu, user=animation)  # en file au commit

    assert attendre(lambda: Traitement.objects.get(pk=traitement.pk).etat == Traitement.Etat.TERMINE, DELAI)
    assert Convention.objects.count() == 3
    assert [e[0] for e in executions(1)] == [lots.generer_conventions_du_comite.name]
    assert EXECUTIONS[0][2] is False  # reçue du courtier, pas exécutée en ligne

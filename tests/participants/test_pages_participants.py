"""La fiche d'un participant : dans le périmètre de la structure qui le suit, chaque lecture tracée, les données
sensibles réservées aux rôles qui en ont besoin, les critères de sortie positive déjà remplis avec leurs étapes."""
from datetime import date, timedelta

from django.urls import reverse

from annuaire.roles import Role
from participants.models import Consultation, Etape, TypeEtape
from tests.factories import utilisateur

from .test_realisation import participant


def test_fiche_perimetre_trace_et_donnees_sensibles(structure, autre_structure, referent, porteur, porteur_autre, animation,
                                                    client):
    suivi = participant(structure, date(2016, 1, 10))
    suivi.beneficiaire_rsa = True
    suivi.save()
    adresse = reverse("participants:fiche", args=[suivi.pk])

    client.force_login(referent)
    page = client.get(adresse).content.decode()
    assert "Bénéficiaire du RSA" in page
    client.force_login(porteur)
    page = client.get(adresse).content.decode()
    assert "Bénéficiaire du RSA" not in page and "ne sont visibles que des référents" in page
    client.force_login(porteur_autre)
    assert client.get(adresse).status_code == 404
    assert client.get(reverse("participants:liste")).content.decode().count(suivi.nom) == 0

    assert list(Consultation.objects.filter(participant=suivi).values_list("par", flat=True).order_by("pk")) == [
        referent.pk, porteur.pk]
    client.force_login(animation)
    assert "Dernières consultations de cette fiche" in client.get(adresse).content.decode()


def test_les_criteres_remplis_sont_proposes_avec_leurs_etapes(structure, client, animation):
    suivi = participant(structure, date(2015, 1, 10))
    debut = date.today() - timedelta(days=200)
    Etape.objects.create(participant=suivi, type=TypeEtape.objects.get(code="CDI"), date_debut=debut)
    client.force_login(animation)
    page = client.get(reverse("participants:fiche", args=[suivi.pk])).content.decode()
    assert "CDI depuis au moins 6 mois dans l&#x27;entreprise" in page
    assert f"CDI du {debut:%d/%m/%Y}, en cours" in page and "Sortie proposable : « CDI »" in page

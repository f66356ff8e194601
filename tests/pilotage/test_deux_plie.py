"""Deux PLIE sur une installation : chacun a sa lettre du mois, ses chiffres, ses destinataires ; la tâche planifiée
envoie la lettre de chaque PLIE à ses seuls destinataires ; la recherche de l'en-tête reste dans les PLIE de chacun."""
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from annuaire.roles import Role
from operations.workflow import ActionRefusee
from pilotage.models import Destinataire, LettreMensuelle
from pilotage.planifiees import lettre_du_mois_precedent
from pilotage.services import lettre_preparer
from tests.participants.deux_plie import animation_pivot, choisir, compte, deux_plie, personne

MARS = date(2017, 3, 1)


@pytest.fixture
def plies(db):
    return deux_plie()


def _destinataires(plies):
    Destinataire.objects.create(plie=plies.a, nom="Financeur A", courriel="financeur-a@exemple.fr", categorie="financeur")
    Destinataire.objects.create(plie=plies.b, nom="Financeur B", courriel="financeur-b@exemple.fr", categorie="financeur")
    # La même adresse peut recevoir la lettre de chacun des deux PLIE.
    for plie in (plies.a, plies.b):
        Destinataire.objects.create(plie=plie, nom="Région", courriel="region@exemple.fr", categorie="financeur")


def _chiffre(lettre, cle):
    return next(ligne["valeur"] for ligne in lettre.chiffres["lignes"] if ligne["cle"] == cle)


def test_la_tache_envoie_la_lettre_de_chaque_plie_a_ses_seuls_destinataires(plies, django_capture_on_commit_callbacks):
    _destinataires(plies)
    personne(plies.a, plies.commune_a, "A1", date(2017, 3, 6))
    personne(plies.b, plies.commune_b, "B1", date(2017, 3, 6))
    personne(plies.b, plies.commune_b, "B2", date(2017, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        lettre_du_mois_precedent.delay("2017-04-03").get()  # le lundi 3 avril 2017
    de_a, de_b = LettreMensuelle.objects.get(plie=plies.a), LettreMensuelle.objects.get(plie=plies.b)
    assert de_a.envoyee and de_b.envoyee and de_a.mois == de_b.mois == MARS
    assert (_chiffre(de_a, "entrees"), _chiffre(de_b, "entrees")) == (1, 2)
    assert sorted(de_a.envois.values_list("courriel", flat=True)) == ["financeur-a@exemple.fr", "region@exemple.fr"]
    assert sorted(de_b.envois.values_list("courriel", flat=True)) == ["financeur-b@exemple.fr", "region@exemple.fr"]
    assert sorted(m.to[0] for m in mail.outbox) == ["financeur-a@exemple.fr", "financeur-b@exemple.fr",
                                                   "region@exemple.fr", "region@exemple.fr"]
    # Rejouée, elle n'envoie rien de plus.
    with django_capture_on_commit_callbacks(execute=True):
        lettre_du_mois_precedent.delay("2017-04-03").get()
    assert len(mail.outbox) == 4


def test_chaque_animation_prepare_et_lit_la_lettre_de_son_plie(client, plies):
    animation_a = compte(Role.ANIMATION, plies.a, username="animation-a")
    animation_b = compte(Role.ANIMATION, plies.b, username="animation-b")
    lettre_a = lettre_preparer(mois=MARS, user=animation_a)
    lettre_b = lettre_preparer(mois=MARS, user=animation_b)
    assert (lettre_a.plie, lettre_b.plie) == (plies.a, plies.b)
    client.force_login(animation_a)
    assert list(client.get(reverse("pilotage:lettres")).context["lettres"]) == [lettre_a]
    assert client.get(reverse("pilotage:lettre", args=["2017-03"])).context["lettre"] == lettre_a
    pivot = animation_pivot(plies)
    with pytest.raises(ActionRefusee, match="Choisissez d'abord un PLIE"):
        lettre_preparer(mois=MARS, user=pivot)
    client.force_login(pivot)
    assert set(client.get(reverse("pilotage:lettres")).context["lettres"]) == {lettre_a, lettre_b}
    assert client.get(lettre_b.get_absolute_url()).context["lettre"] == lettre_b
    choisir(client, plies.b)
    assert list(client.get(reverse("pilotage:lettres")).context["lettres"]) == [lettre_b]
    # La commande : --plie obligatoire avec plusieurs PLIE.
    with pytest.raises(CommandError, match="--plie"):
        call_command("lettre_mensuelle", "--mois", "2017-02")
    call_command("lettre_mensuelle", "--mois", "2017-02", "--plie", "PLIEB")
    assert LettreMensuelle.objects.get(mois=date(2017, 2, 1)).plie == plies.b


def test_les_destinataires_sont_ceux_du_plie(client, plies):
    _destinataires(plies)
    client.force_login(compte(Role.ANIMATION, plies.b, username="animation-b"))
    page = client.get(reverse("pilotage:destinataires"))
    assert sorted(d.courriel for d in page.context["destinataires"]) == ["financeur-b@exemple.fr", "region@exemple.fr"]
    autre = Destinataire.objects.get(plie=plies.a, courriel="financeur-a@exemple.fr")
    assert client.get(reverse("pilotage:destinataire", args=[autre.pk])).status_code == 404
    client.post(reverse("pilotage:destinataire_ajouter"), {"nom": "Mairie", "courriel": "financeur-a@exemple.fr",
                                                           "categorie": "financeur", "actif": "on"})
    assert Destinataire.objects.filter(courriel="financeur-a@exemple.fr").count() == 2  # une par PLIE
    assert Destinataire.objects.get(nom="Mairie").plie == plies.b


def test_la_recherche_de_l_en_tete_reste_dans_les_plie_de_chacun(client, plies):
    personne(plies.a, plies.commune_a, "A1", date(2016, 1, 4), nom="Zanetti")
    personne(plies.b, plies.commune_b, "B1", date(2016, 1, 4), nom="Zanetti")
    client.force_login(compte(Role.ANIMATION, plies.a, username="animation-a"))

    def trouves():
        genres = client.post(reverse("pilotage:recherche"), {"q": "zanetti"}).context["resultats"]
        participants = next(g for g in genres if g["titre"] == "Participants")
        return {p.plie_id for p in participants["objets"]}

    assert trouves() == {plies.a.pk}
    client.force_login(animation_pivot(plies))
    assert trouves() == {plies.a.pk, plies.b.pk}
    choisir(client, plies.b)
    assert trouves() == {plies.b.pk}

"""Mot de passe oublié : un lien par courriel, la même réponse qu'un compte existe ou non, limité comme la connexion."""
import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import utilisateur

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_vide():
    cache.clear()
    yield
    cache.clear()


def texte(reponse):
    return html.unescape(reponse.content.decode())


def test_la_connexion_mene_au_mot_de_passe_oublie(client):
    page = texte(client.get(reverse("login")))
    assert f'<a href="{reverse("password_reset")}">Mot de passe oublié ?</a>' in page


def test_le_lien_recu_permet_de_choisir_un_nouveau_mot_de_passe(client):
    compte = utilisateur("porteur", username="nadia", email="nadia.roche@irfa.example")
    reponse = client.post(reverse("password_reset"), {"email": "Nadia.Roche@irfa.example"}, follow=True)
    assert "Vérifiez votre messagerie" in texte(reponse)
    (courriel,) = mail.outbox
    assert courriel.to == ["nadia.roche@irfa.example"]
    assert courriel.subject == "Votre mot de passe pour la gestion des opérations FSE du PLIE"
    assert "compte « nadia »" in courriel.body
    lien = re.search(r"http://testserver(/accounts/reset/\S+/)", courriel.body).group(1)
    formulaire = client.get(lien, follow=True)
    assert "Choisir un nouveau mot de passe" in texte(formulaire)
    court = client.post(formulaire.redirect_chain[-1][0], {"new_password1": "court", "new_password2": "court"})
    assert "Le mot de passe est à corriger" in texte(court)
    fin = client.post(formulaire.redirect_chain[-1][0], {"new_password1": "Remobilisation-2017", "new_password2": "Remobilisation-2017"}, follow=True)
    assert "Mot de passe enregistré" in texte(fin)
    compte.refresh_from_db()
    assert compte.check_password("Remobilisation-2017")
    # Le lien ne sert qu'une fois.
    assert "Ce lien n'est plus valable" in texte(client.get(lien, follow=True))


def test_une_adresse_inconnue_recoit_la_meme_reponse_et_rien_n_est_envoye(client):
    utilisateur("porteur", username="nadia", email="nadia.roche@irfa.example")
    connue = texte(client.post(reverse("password_reset"), {"email": "nadia.roche@irfa.example"}, follow=True))
    inconnue = texte(client.post(reverse("password_reset"), {"email": "personne@irfa.example"}, follow=True))
    assert len(mail.outbox) == 1
    assert connue.replace(" ", "") == inconnue.replace(" ", "")


def test_les_demandes_sont_limitees_comme_la_connexion(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    utilisateur("porteur", username="nadia", email="nadia.roche@irfa.example")
    for _ in range(3):
        assert client.post(reverse("password_reset"), {"email": "nadia.roche@irfa.example"}).status_code == 302
    refus = client.post(reverse("password_reset"), {"email": "nadia.roche@irfa.example"})
    assert refus.status_code == 429 and "Trop de demandes" in texte(refus)
    assert len(mail.outbox) == 3

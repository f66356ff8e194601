"""Saisir une demande comme un porteur : le budget et ses totaux pendant la saisie (et sans JavaScript), des libellés
pour les choix vides, et un dépôt qui dit tout ce qui manque avant de demander confirmation."""
import html

import pytest
from django.urls import reverse

from appels_projets.options import EtatAppel
from operations.options import Etat
from tests.appels_projets.factories import AppelFactory, ReponseFactory
from tests.factories import financeur
from tests.operations.test_pages import donnees_formulaire

pytestmark = pytest.mark.django_db


def texte(reponse):
    return html.unescape(reponse.content.decode())


def test_le_budget_montre_ses_totaux_et_des_libelles_de_choix_vides(client, porteur, operation):
    client.force_login(porteur)
    page = texte(client.get(reverse("operations:modifier", args=[operation.code])))
    # Le plan de la fabrique : 18 044,30 € de dépenses, équilibrées, dont la moitié de FSE.
    assert "Total des dépenses</dt><dd data-total=\"depenses\">18\u202f044,30\u00a0€" in page
    assert "Écart (ressources − dépenses)</dt><dd data-total=\"ecart\">0,00\u00a0€" in page
    assert "Taux FSE</dt><dd data-total=\"taux\">50,00\u00a0%" in page
    assert "Choisissez un financeur" in page and "Choisissez une catégorie" in page
    assert "Choisissez un indicateur" in page and "---------" not in page
    assert 'src="/static/js/budget.js"' in page and "<script>" not in page  # rien en ligne (CSP)


def test_sans_javascript_les_totaux_se_recalculent_a_l_envoi_meme_refuse(client, porteur, operation):
    client.force_login(porteur)
    donnees = donnees_formulaire(operation, **{
        "depenses-3-categorie": "personnel", "depenses-3-libelle": "Coordinatrice", "depenses-3-montant": "1 000,00",
        "ressources-2-financeur": financeur("FSE").pk, "ressources-2-montant": "douze"})
    page = texte(client.post(reverse("operations:modifier", args=[operation.code]), donnees))
    assert "rien n'a été enregistré" in page
    assert "Total des dépenses</dt><dd data-total=\"depenses\">19\u202f044,30\u00a0€" in page
    assert "Écart (ressources − dépenses)</dt><dd data-total=\"ecart\">-1\u202f000,00\u00a0€" in page


@pytest.fixture
def reponse_sans_rib(structure):
    appel = AppelFactory(etat=EtatAppel.PUBLIE, pieces_requises=["Budget prévisionnel signé", "Relevé d'identité bancaire (RIB)"])
    reponse = ReponseFactory(appel=appel, operation__porteur=structure)
    reponse.pieces.create(piece_requise=appel.pieces_requises.get(ordre=1), nom_original="budget.pdf",
                          type_mime="application/pdf", taille=10, fichier="reponses/budget.pdf")
    return reponse


def test_le_depot_liste_la_piece_manquante_et_ne_depose_rien(client, porteur, reponse_sans_rib):
    operation = reponse_sans_rib.operation
    client.force_login(porteur)
    fiche = texte(client.get(operation.get_absolute_url()))
    assert 'aria-disabled="true" disabled aria-describedby="raisons-deposer">Déposer la demande' in fiche
    assert "À remplir : </span>Pièces obligatoires de l'appel à joindre (page de la réponse) : « Relevé d'identité bancaire (RIB) »." in fiche
    assert "Remplie : </span>Les ressources équilibrent les dépenses." in fiche
    reponse = texte(client.post(reverse("operations:transition", args=[operation.code, "deposer"]), follow=True))
    assert "« Déposer la demande » est impossible pour l'instant" in reponse
    operation.refresh_from_db()
    assert operation.etat == Etat.BROUILLON


def test_le_depot_complet_demande_confirmation(client, porteur, operation):
    client.force_login(porteur)
    fiche = texte(client.get(operation.get_absolute_url()))
    assert "<summary class=\"bouton\">Déposer la demande…</summary>" in fiche
    assert "Une fois déposée, la demande n'est plus modifiable" in fiche
    assert "Confirmer : déposer la demande" in fiche

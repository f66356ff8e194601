"""Parcours dans un vrai navigateur : le porteur complète son brouillon et le dépose ; l'animation le voit attendre."""
import re

import pytest
from playwright.sync_api import expect

from annuaire.roles import Role
from operations.models import Operation
from operations.options import Etat
from tests.e2e.parcours import se_connecter, se_deconnecter
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_le_porteur_depose_son_brouillon_et_l_animation_le_voit_attendre(page, live_server):
    irfa = StructureFactory(nom="IRFA", sigle="IRFA")
    utilisateur(Role.PORTEUR, structure=irfa, username="porteur")
    utilisateur(Role.ANIMATION, username="animation")
    brouillon = OperationFactory(porteur=irfa, intitule="Remobilisation autour des compétences", plan=False)

    se_connecter(page, live_server, "porteur")
    page.get_by_role("link", name="Opérations", exact=True).click()
    page.get_by_role("link", name=brouillon.code).click()
    # Sans plan de financement, le dépôt est bloqué et la fiche dit pourquoi.
    expect(page.get_by_role("button", name="Déposer la demande")).to_be_disabled()
    expect(page.get_by_text("Le plan de financement n'a aucune dépense.")).to_be_visible()

    page.get_by_role("link", name="Modifier la demande").click()
    page.get_by_label("Description").fill("Diagnostic, remédiation, recherche d'emploi : 150 entrées.")
    page.locator("#id_depenses-0-categorie").select_option(label="Dépenses directes de personnel")
    page.get_by_label("Libellé, ligne 1").fill("Formatrices (1,5 ETP)")
    page.locator("#id_depenses-0-montant").fill("18 044,30")
    page.locator("#id_ressources-0-financeur").select_option(label="Fonds social européen")
    page.locator("#id_ressources-0-montant").fill("9 000,00")
    page.locator("#id_ressources-1-financeur").select_option(label="Grand Dijon / Dijon Métropole")
    page.locator("#id_ressources-1-montant").fill("9 000,00")
    page.locator("#id_objectifs-0-indicateur").select_option(label="Entrées")
    page.locator("#id_objectifs-0-valeur_cible").fill("150")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    # Le plan ne s'équilibre pas : le bouton reste grisé, avec l'écart en euros.
    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    expect(page.get_by_text(re.compile(r"n'équilibrent pas les dépenses .* écart de -44,30"))).to_be_visible()
    page.get_by_role("link", name="Modifier la demande").click()
    page.locator("#id_ressources-1-montant").fill("9 044,30")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-test=total-ressources]")).to_have_text("18\u202f044,30\u00a0€")

    page.get_by_text("Déposer la demande…").click()
    page.get_by_role("button", name="Confirmer : déposer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("est maintenant « Déposée »")
    expect(page.locator("[data-etat]")).to_have_text("Déposée")
    se_deconnecter(page)

    se_connecter(page, live_server, "animation")
    # Sur son bureau, la demande déposée mène droit à sa fiche, où se fait la recevabilité.
    attente = page.get_by_role("region", name="Opérations dont la prochaine étape vous revient")
    expect(attente).to_contain_text("Déclarer recevable")
    attente.get_by_role("link", name=f"{brouillon.code} — ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remobilisation autour des compétences")
    expect(page.locator("#historique")).to_contain_text("Déposée")
    expect(page.get_by_role("button", name="Déclarer recevable")).to_be_enabled()

    assert Operation.objects.get(pk=brouillon.pk).etat == Etat.DEPOSEE

"""Parcours dans un vrai navigateur : la gestionnaire de l'OI pivot voit ses deux PLIE ensemble, puis un seul.

Au clavier seulement (tabulation jusqu'au sélecteur, flèches, Entrée) : le sélecteur est un formulaire ordinaire,
avec son étiquette. Une animatrice du PLIE de Beaune, elle, n'a pas de sélecteur et ne voit que son PLIE.
"""
import pytest
from playwright.sync_api import expect

from annuaire.models import OrganismePivot, Plie, Structure
from annuaire.roles import Role
from operations.options import Etat
from tests.e2e.parcours import se_connecter, se_deconnecter
from tests.e2e.test_accessibilite import violations
from tests.factories import OperationFactory, utilisateur

pytestmark = [pytest.mark.navigateur, pytest.mark.accessibilite, pytest.mark.django_db(transaction=True)]


def test_la_gestionnaire_du_pivot_passe_de_la_vue_consolidee_a_un_plie(page, live_server):
    pivot = OrganismePivot.objects.create(nom="OI pivot de Côte-d'Or")
    dijon = Plie.objects.get()
    dijon.pivot = pivot
    dijon.save()
    beaune = Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIE-BEAUNE", prefixe_operations="OPB", pivot=pivot)
    apsalc = Structure.objects.create(plie=dijon, nom="APSALC", categorie="porteur")
    mission_locale = Structure.objects.create(plie=beaune, nom="Mission locale de Beaune", categorie="porteur")
    a_dijon = OperationFactory(plie=dijon, porteur=apsalc, etat=Etat.EN_REALISATION, code="OP-2016-001",
                               intitule="Référents de parcours du Grand Dijon")
    a_beaune = OperationFactory(plie=beaune, porteur=mission_locale, etat=Etat.EN_REALISATION, code="OPB-2016-001",
                                intitule="Remobilisation en Côte de Beaune")
    utilisateur(Role.GESTIONNAIRE, username="pivot", plie=None, pivot=pivot)
    utilisateur(Role.ANIMATION, username="animation-beaune", plie=beaune)

    se_connecter(page, live_server, "pivot")
    page.goto(f"{live_server.url}/operations/")
    expect(page.get_by_role("link", name=a_dijon.code)).to_be_visible()
    expect(page.get_by_role("link", name=a_beaune.code)).to_be_visible()

    assert violations(page) == []  # axe-core, WCAG 2 A et AA, sélecteur compris
    selecteur = page.get_by_label("PLIE", exact=True)
    expect(selecteur).to_have_value("")
    selecteur.focus()
    selecteur.select_option(label="PLIE du Beaunois")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Changer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Vous travaillez maintenant sur PLIE du Beaunois.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/operations/")
    expect(page.get_by_role("link", name=a_beaune.code)).to_be_visible()
    expect(page.get_by_role("link", name=a_dijon.code)).to_have_count(0)

    page.get_by_label("PLIE", exact=True).select_option(label="Tous mes PLIE (vue consolidée)")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("link", name=a_dijon.code)).to_be_visible()
    se_deconnecter(page)

    se_connecter(page, live_server, "animation-beaune")
    page.goto(f"{live_server.url}/operations/")
    expect(page.get_by_label("PLIE", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=a_beaune.code)).to_be_visible()
    expect(page.get_by_role("link", name=a_dijon.code)).to_have_count(0)

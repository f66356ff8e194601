"""La liste des bilans se trie par colonne (une flèche à la fois, `aria-sort`) ; l'état suit l'ordre du circuit."""
import html
import re

import pytest
from django.urls import reverse

from annuaire.roles import Role
from justificatifs.models import Bilan
from operations.options import Etat
from tests.factories import OperationFactory, utilisateur
from tests.justificatifs.factories import bilan_final

pytestmark = pytest.mark.django_db


def codes_affiches(page: str) -> list[str]:
    return re.findall(r'<span class="code">(OP-[^<]+)</span>', page)


def test_la_liste_des_bilans_se_trie_par_colonne_et_l_etat_dans_l_ordre_du_circuit(client):
    gestionnaire = utilisateur(Role.GESTIONNAIRE)
    # Codes choisis pour que l'ordre alphabétique des états (« controle » < « depose » < « valide ») diffère de celui
    # du circuit (en saisie, déposé, à corriger, contrôlé, validé).
    for code, etat in [("OP-FAB-A", "valide"), ("OP-FAB-B", "depose"), ("OP-FAB-C", "controle")]:
        bilan_final(OperationFactory(code=code, etat=Etat.EN_REALISATION), etat)
    client.force_login(gestionnaire)
    page = html.unescape(client.get(reverse("justificatifs:liste")).content.decode())
    assert codes_affiches(page) == ["OP-FAB-A", "OP-FAB-B", "OP-FAB-C"]  # par opération, par défaut
    assert page.count('aria-sort="ascending"') == 1 and page.count('aria-sort="descending"') == 0
    page = html.unescape(client.get(reverse("justificatifs:liste"), {"tri": "etat"}).content.decode())
    assert codes_affiches(page) == ["OP-FAB-B", "OP-FAB-C", "OP-FAB-A"]  # déposé, contrôlé, validé
    page = html.unescape(client.get(reverse("justificatifs:liste"), {"tri": "-etat"}).content.decode())
    assert codes_affiches(page) == ["OP-FAB-A", "OP-FAB-C", "OP-FAB-B"]
    assert page.count('aria-sort="descending"') == 1
    # Le filtre par état se garde quand on trie ; une colonne inconnue revient au tri par défaut.
    page = html.unescape(client.get(reverse("justificatifs:liste"), {"etat": "depose", "tri": "bilan"}).content.decode())
    assert codes_affiches(page) == ["OP-FAB-B"] and "etat=depose" in page
    page = html.unescape(client.get(reverse("justificatifs:liste"), {"tri": "inconnue"}).content.decode())
    assert codes_affiches(page) == ["OP-FAB-A", "OP-FAB-B", "OP-FAB-C"]
    assert Bilan.objects.count() == 3

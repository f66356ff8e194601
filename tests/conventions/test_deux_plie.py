"""Deux PLIE sur une installation : chacun numérote ses conventions avec son sigle, les signe à son nom, n'en montre
et n'en avise que ses comptes (et ceux du pivot)."""
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from annuaire.roles import Role
from appels_projets.options import Decision, EtatAppel, EtatComite
from conventions import services
from conventions.models import CompteurConventions
from conventions.options import EtatSignature
from conventions.selectors import document_courant
from operations.models import Notification
from operations.options import Etat
from tests.appels_projets.factories import AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.lecture_docx import ouvrir, texte
from tests.operations.deux_plie import choisir, deux_plie

from .factories import ConventionFactory


@pytest.fixture
def plies(db):
    return deux_plie()


def programmee(plies, plie):
    """Une opération du PLIE, programmée par un comité de ce PLIE au PV validé."""
    reponse = ReponseFactory(appel=AppelFactory(plie=plie, etat=EtatAppel.CLOTURE),
                             operation=plies.operation(plie, etat=Etat.PROGRAMMEE))
    comite = ComiteFactory(plie=plie, etat=EtatComite.PV_VALIDE, membres=[plies.compte(plie, Role.COMITE)])
    PointFactory(comite=comite, reponse=reponse, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000.00"))
    return reponse.operation


def test_chaque_plie_numerote_ses_conventions_avec_son_sigle(plies):
    animation = plies.compte_pivot()
    ops_a = [programmee(plies, plies.a) for _ in range(2)]
    ops_b = [programmee(plies, plies.b) for _ in range(2)]

    numeros = [services.convention_generer(operation=op, user=animation).numero
               for op in (ops_a[0], ops_b[0], ops_a[1], ops_b[1])]

    assert numeros == ["PLIE-2016-001", "PLIEB-2016-001", "PLIE-2016-002", "PLIEB-2016-002"]
    assert {(c.plie.sigle, c.annee, c.dernier) for c in CompteurConventions.objects.all()} == {
        ("PLIE", 2016, 2), ("PLIEB", 2016, 2)}


def test_la_convention_est_signee_au_nom_du_plie_de_l_operation(plies):
    convention = services.convention_generer(operation=programmee(plies, plies.b), user=plies.compte_pivot())

    contenu = texte(ouvrir(document_courant(convention)))

    for attendu in ("PLIE du Beaunois", "2 place Monge", "Beaune", "Mme Claire Vautrin"):
        assert attendu in contenu, attendu
    assert plies.a.nom not in contenu
    assert document_courant(convention).plie == plies.b


def numeros_listes(client) -> str:
    return html.unescape(client.get(reverse("conventions:liste")).content.decode())


def test_la_liste_et_les_fiches_restent_dans_le_plie_le_pivot_voit_les_deux_puis_un(client, plies):
    de_a = ConventionFactory(operation=plies.operation(plies.a, etat=Etat.PROGRAMMEE), numero="PLIE-2016-001")
    de_b = ConventionFactory(operation=plies.operation(plies.b, etat=Etat.PROGRAMMEE), numero="PLIEB-2016-001")

    client.force_login(plies.compte(plies.a, Role.ANIMATION))
    liste = numeros_listes(client)
    assert "PLIE-2016-001" in liste and "PLIEB-2016-001" not in liste
    assert client.get(de_a.get_absolute_url()).status_code == 200
    assert client.get(de_b.get_absolute_url()).status_code == 404

    client.force_login(plies.compte_pivot())
    liste = numeros_listes(client)
    assert "PLIE-2016-001" in liste and "PLIEB-2016-001" in liste
    choisir(client, plies.b)
    liste = numeros_listes(client)
    assert "PLIE-2016-001" not in liste and "PLIEB-2016-001" in liste
    assert client.get(de_a.get_absolute_url()).status_code == 404


def test_l_avis_de_signature_ne_va_qu_a_l_animation_du_plie_et_du_pivot(plies, pdf_signe,
                                                                          django_capture_on_commit_callbacks):
    animation_a, animation_b, animation_pivot = plies.animations()
    porteur_b = plies.porteur(plies.b, "Mission locale de Beaune")
    convention = ConventionFactory(operation=plies.operation(plies.b, porteur=porteur_b.structure, etat=Etat.PROGRAMMEE),
                                   numero="PLIEB-2016-001", etat=EtatSignature.ENVOYEE)

    with django_capture_on_commit_callbacks(execute=True):
        services.exemplaire_deposer(document=convention, fichier=pdf_signe(), user=porteur_b)

    avises = set(Notification.objects.filter(operation=convention.operation)
                 .values_list("destinataire__username", flat=True))
    assert avises == {animation_b.username, animation_pivot.username}
    assert animation_a.username not in avises

"""Deux PLIE sur une installation : chacun ses appels, ses comités, ses réponses et ses documents ; un comité n'inscrit
que des opérations de son PLIE, et ne fait siéger que ses comptes."""
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from annuaire.roles import Role
from appels_projets import documents as docs
from appels_projets.models import AppelAProjets, Comite, Reponse
from appels_projets.options import Decision, EtatAppel, EtatComite
from appels_projets.services import point_ajouter, reponse_creer
from operations.options import Etat
from operations.workflow import ActionRefusee
from tests.lecture_docx import ouvrir, texte, texte_de
from tests.operations.deux_plie import choisir, deux_plie

from .factories import AppelFactory, ComiteFactory, PointFactory, ReponseFactory


@pytest.fixture
def plies(db):
    return deux_plie()


def page(reponse) -> str:
    return html.unescape(reponse.content.decode())


def reponse_de(plies, plie, appel, **champs):
    return ReponseFactory(appel=appel, operation=plies.operation(plie, **champs))


def test_les_appels_restent_dans_leur_plie(client, plies):
    appel_a = AppelFactory(plie=plies.a, etat=EtatAppel.PUBLIE, titre="Appel dijonnais")
    appel_b = AppelFactory(plie=plies.b, etat=EtatAppel.PUBLIE, titre="Appel beaunois")

    for compte in (plies.compte(plies.a, Role.ANIMATION), plies.porteur(plies.a, "Mission locale de Dijon")):
        client.force_login(compte)
        liste = page(client.get(reverse("appels_projets:liste")))
        assert "Appel dijonnais" in liste and "Appel beaunois" not in liste
        assert client.get(appel_a.get_absolute_url()).status_code == 200
        assert client.get(appel_b.get_absolute_url()).status_code == 404
        assert client.get(reverse("appels_projets:export", args=[appel_b.pk])).status_code == 404


def test_la_reponse_a_un_appel_prend_le_plie_de_l_appel_et_sa_numerotation(plies):
    appel_b = AppelFactory(plie=plies.b, etat=EtatAppel.PUBLIE)
    porteur_b = plies.porteur(plies.b, "Mission locale de Beaune")

    reponse = reponse_creer(appel=appel_b, user=porteur_b, intitule="Référents de parcours beaunois")

    assert reponse.operation.plie == plies.b
    assert reponse.operation.code.startswith("OPB-")


def test_un_porteur_ne_repond_pas_a_l_appel_d_un_autre_plie(client, plies):
    appel_b = AppelFactory(plie=plies.b, etat=EtatAppel.PUBLIE)
    client.force_login(plies.porteur(plies.a, "Mission locale de Dijon"))

    assert client.get(reverse("appels_projets:repondre", args=[appel_b.pk])).status_code == 404
    assert not Reponse.objects.exists()


def test_le_pivot_choisit_son_plie_avant_de_creer_un_appel_ou_un_comite(client, plies):
    client.force_login(plies.compte_pivot())

    for nom_url, liste in (("creer", "liste"), ("creer_comite", "comites")):
        reponse = client.get(reverse(f"appels_projets:{nom_url}"), follow=True)
        assert reponse.redirect_chain[-1][0] == reverse(f"appels_projets:{liste}")
        assert "Choisissez d'abord un PLIE dans le sélecteur en haut de page." in page(reponse)

    choisir(client, plies.b)
    assert client.get(reverse("appels_projets:creer")).status_code == 200


def test_le_comite_cree_va_dans_le_plie_et_ne_fait_sieger_que_ses_comptes(client, plies):
    membre_a = plies.compte(plies.a, Role.COMITE, first_name="Hervé", last_name="Dijonnais")
    membre_b = plies.compte(plies.b, Role.COMITE, first_name="Berthe", last_name="Beaunoise")
    membre_pivot = plies.compte_pivot(Role.COMITE, first_name="Paule", last_name="Pivot")
    client.force_login(plies.compte(plies.b, Role.ANIMATION))

    formulaire = page(client.get(reverse("appels_projets:creer_comite")))
    assert "Berthe Beaunoise" in formulaire and "Paule Pivot" in formulaire and "Hervé Dijonnais" not in formulaire

    client.post(reverse("appels_projets:creer_comite"), {
        "type": "programmation", "jour": "2016-05-12", "heure": "09:30", "lieu": "Hôtel de ville de Beaune",
        "membres": [membre_b.pk, membre_a.pk]})
    assert not Comite.objects.exists(), "un membre d'un autre PLIE est refusé"

    client.post(reverse("appels_projets:creer_comite"), {
        "type": "programmation", "jour": "2016-05-12", "heure": "09:30", "lieu": "Hôtel de ville de Beaune",
        "membres": [membre_b.pk, membre_pivot.pk]})
    cree = Comite.objects.get()
    assert cree.plie == plies.b and set(cree.membres.all()) == {membre_b, membre_pivot}


def test_les_comites_restent_dans_leur_plie(client, plies):
    comite_a = ComiteFactory(plie=plies.a, membres=[plies.compte(plies.a, Role.COMITE)])
    comite_b = ComiteFactory(plie=plies.b, membres=[plies.compte(plies.b, Role.COMITE)])
    client.force_login(plies.compte(plies.a, Role.ANIMATION))

    assert client.get(comite_a.get_absolute_url()).status_code == 200
    assert client.get(comite_b.get_absolute_url()).status_code == 404
    assert reverse("appels_projets:comite", args=[comite_b.pk]) not in page(client.get(reverse("appels_projets:comites")))


def test_un_comite_n_inscrit_que_les_operations_de_son_plie(client, plies):
    comite_a = ComiteFactory(plie=plies.a, membres=[plies.compte(plies.a, Role.COMITE)])
    appel_a, appel_b = AppelFactory(plie=plies.a, etat=EtatAppel.CLOS), AppelFactory(plie=plies.b, etat=EtatAppel.CLOS)
    du_plie = reponse_de(plies, plies.a, appel_a, etat=Etat.INSTRUITE)
    d_ailleurs = reponse_de(plies, plies.b, appel_b, etat=Etat.INSTRUITE)
    pivot = plies.compte_pivot()
    client.force_login(pivot)

    proposees = page(client.get(comite_a.get_absolute_url())).split('id="tableau-inscriptibles"')[1].split("</table>")[0]
    assert du_plie.operation.code in proposees and d_ailleurs.operation.code not in proposees

    with pytest.raises(ActionRefusee, match=f"{d_ailleurs.operation.code} relève d'un autre PLIE que ce comité"):
        point_ajouter(comite=comite_a, reponse=d_ailleurs, user=pivot)
    point_ajouter(comite=comite_a, reponse=du_plie, user=pivot)
    assert [p.reponse for p in comite_a.points.all()] == [du_plie]


def test_la_lettre_de_notification_et_le_pv_portent_le_nom_du_plie_du_comite(plies):
    membre = plies.compte(plies.b, Role.COMITE)
    comite_b = ComiteFactory(plie=plies.b, membres=[membre], etat=EtatComite.PV_VALIDE)
    reponse = reponse_de(plies, plies.b, AppelFactory(plie=plies.b, etat=EtatAppel.CLOS), etat=Etat.PROGRAMMEE)
    point = PointFactory(comite=comite_b, reponse=reponse, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000.00"))

    lettre = docs.lettre_notification_generer(point, membre)
    pv = docs.pv_comite_generer(comite_b, membre)

    for document in (lettre, pv):
        docx = ouvrir(document)
        contenu = "\n".join([texte_de(docx.sections[0].header), texte(docx), texte_de(docx.sections[0].footer)])
        assert "PLIE du Beaunois" in contenu and plies.a.nom not in contenu
        assert document.plie == plies.b

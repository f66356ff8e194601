"""Deux PLIE sur une installation : chacun ses opérations, ses numéros, ses avis et ses modèles Word ; le compte du
pivot voit les deux, puis un seul quand il l'a choisi."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annuaire.roles import Role
from operations.documents import MODELES, version_active
from operations.modeles_documents import modele_televerser
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import ActionRefusee, operation_creer, operation_transition
from tests.factories import type_operation

from .deux_plie import choisir, deux_plie
from .test_pages import donnees_formulaire


@pytest.fixture
def plies(db):
    return deux_plie()


def codes_listes(client, **parametres) -> set[str]:
    """Les codes de la liste exportée en CSV (toutes les lignes filtrées, sans pagination)."""
    reponse = client.get(reverse("operations:liste"), {"_export": "csv", **parametres})
    assert reponse.status_code == 200
    contenu = reponse.content.decode("utf-8-sig")
    return {ligne.split(";")[0].strip('"') for ligne in contenu.splitlines()[1:] if ligne}


def test_chaque_plie_numerote_ses_operations_avec_son_prefixe(plies):
    porteur_a, porteur_b = plies.porteur(plies.a, "Mission locale de Dijon"), plies.porteur(plies.b, "Mission locale de Beaune")

    def creer(porteur):
        return operation_creer(user=porteur, porteur=porteur.structure, date_debut=date(2016, 3, 1),
                               date_fin=date(2016, 12, 31), intitule="Accompagnement", type=type_operation())

    premiere_a, premiere_b, seconde_a, seconde_b = creer(porteur_a), creer(porteur_b), creer(porteur_a), creer(porteur_b)

    assert [premiere_a.code, seconde_a.code] == ["OP-2016-001", "OP-2016-002"]
    assert [premiere_b.code, seconde_b.code] == ["OPB-2016-001", "OPB-2016-002"]
    assert {premiere_a.plie, seconde_a.plie} == {plies.a} and {premiere_b.plie, seconde_b.plie} == {plies.b}


def test_une_structure_ne_porte_pas_d_operation_dans_un_autre_plie(plies):
    porteur_b = plies.porteur(plies.b, "Mission locale de Beaune")
    with pytest.raises(ActionRefusee, match="Mission locale de Beaune.*n'appartient pas au PLIE"):
        operation_creer(user=porteur_b, porteur=porteur_b.structure, plie=plies.a, date_debut=date(2016, 3, 1))
    assert not Operation.objects.exists()


def test_la_demande_saisie_par_un_porteur_va_dans_le_plie_de_sa_structure(client, plies):
    plies.operation(plies.a, code="OP-2017-001", date_debut=date(2017, 1, 1), date_fin=date(2017, 12, 31))
    porteur_b = plies.porteur(plies.b, "Mission locale de Beaune")
    client.force_login(porteur_b)

    client.post(reverse("operations:creer"), donnees_formulaire(type=type_operation().pk))

    creee = Operation.objects.get(porteur=porteur_b.structure)
    assert creee.plie == plies.b and creee.code == "OPB-2017-001"


def test_la_liste_l_export_et_les_fiches_restent_dans_le_plie(client, plies):
    op_a = plies.operation(plies.a, etat=Etat.DEPOSEE, intitule="Accompagnement dijonnais")
    op_b = plies.operation(plies.b, etat=Etat.DEPOSEE, intitule="Accompagnement beaunois")
    client.force_login(plies.compte(plies.a, Role.ANIMATION))

    assert codes_listes(client) == {op_a.code}
    assert codes_listes(client, q="Accompagnement") == {op_a.code}
    page = client.get(reverse("operations:liste")).content.decode()
    assert op_a.code in page and op_b.code not in page and str(op_b.porteur) not in page  # ni dans le filtre des porteurs
    assert client.get(op_a.get_absolute_url()).status_code == 200
    assert client.get(op_b.get_absolute_url()).status_code == 404
    assert client.post(reverse("operations:transition", args=[op_b.code, "declarer_recevable"])).status_code == 404
    op_b.refresh_from_db()
    assert op_b.etat == Etat.DEPOSEE


def test_le_compte_du_pivot_voit_les_deux_plie_puis_celui_qu_il_a_choisi(client, plies):
    op_a, op_b = plies.operation(plies.a, etat=Etat.DEPOSEE), plies.operation(plies.b, etat=Etat.DEPOSEE)
    client.force_login(plies.compte_pivot())

    assert codes_listes(client) == {op_a.code, op_b.code}

    choisir(client, plies.b)
    assert codes_listes(client) == {op_b.code}
    assert client.get(op_a.get_absolute_url()).status_code == 404
    assert client.get(op_b.get_absolute_url()).status_code == 200


def test_les_avis_d_une_operation_ne_vont_qu_aux_comptes_de_son_plie_et_du_pivot(plies, django_capture_on_commit_callbacks,
                                                                               mailoutbox):
    animation_a, animation_b, animation_pivot = plies.animations()
    porteur_b = plies.porteur(plies.b, "Mission locale de Beaune")
    operation = plies.operation(plies.b, porteur=porteur_b.structure)

    with django_capture_on_commit_callbacks(execute=True):
        operation_transition(operation=operation, nom="deposer", user=porteur_b)

    avises = set(Notification.objects.filter(operation=operation).values_list("destinataire__username", flat=True))
    assert avises == {animation_b.username, animation_pivot.username}
    assert animation_a.email not in {adresse for courriel in mailoutbox for adresse in courriel.to}


def test_un_modele_word_propre_a_un_plie_l_emporte_pour_lui_seul(plies):
    administrateur = plies.compte(plies.b, Role.ADMINISTRATEUR)
    livre = MODELES["convention"].chemin.read_bytes()

    commun = modele_televerser(nature="convention", fichier=SimpleUploadedFile("convention.docx", livre),
                               commentaire="Modèle commun révisé", user=administrateur)
    propre = modele_televerser(nature="convention", fichier=SimpleUploadedFile("convention.docx", livre),
                               commentaire="En-tête du PLIE du Beaunois", user=administrateur, plie=plies.b)

    assert (commun.plie, commun.version) == (None, 1) and (propre.plie, propre.version) == (plies.b, 1)
    assert version_active("convention", plies.b) == propre
    assert version_active("convention", plies.a) == commun

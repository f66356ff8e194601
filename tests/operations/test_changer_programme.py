"""Le programme d'une opération, sur sa fiche et dans la liste ; l'équipe d'animation le change, motivation à l'appui,
tant que la convention n'est pas signée par le porteur ; les pages et les documents suivants portent ses mentions."""
import csv
import html
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm_log.models import StateLog

from appels_projets import documents as docs
from appels_projets.options import Decision, EtatAppel, EtatComite
from conventions import services as conventions
from conventions.models import Convention
from conventions.options import EtatSignature
from conventions.selectors import document_courant
from operations.options import Etat
from tests.appels_projets.factories import AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.conventions.factories import ConventionFactory
from tests.factories import OperationFactory
from tests.lecture_docx import ouvrir, texte_de
from tests.test_mentions_obligatoires import MENTIONS_2014_2020, MENTIONS_2021_2027

pytestmark = pytest.mark.django_db

# Une phrase de chaque programme, écrite à la main (sources : tests/test_mentions_obligatoires.py).
PON_2014_2020 = "programme opérationnel national « Emploi et Inclusion » 2014-2020"
PN_FSE_PLUS = "Programme national FSE+ « Emploi, Inclusion, Jeunesse et Compétences » 2021-2027"
MOTIVATION = "Financée sur le reliquat du programme 2014-2020 : dépenses éligibles jusqu'au 31/12/2023."


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def pied(reponse) -> str:
    page = texte(reponse)
    return page[page.index('<footer class="pied">'):]


@pytest.fixture
def de_2021(structure, animation):
    """Une opération de 2021 programmée en comité, sa convention générée : son programme vient de ses dates (FSE+)."""
    debut, fin = date(2021, 1, 1), date(2021, 12, 31)
    appel = AppelFactory(etat=EtatAppel.PUBLIE, annee=2021, periode_debut_min=debut, periode_fin_max=fin)
    reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.PROGRAMMEE,
                             operation__date_debut=debut, operation__date_fin=fin)
    PointFactory(comite=ComiteFactory(etat=EtatComite.PV_VALIDE, date=datetime(2020, 12, 10, 9, tzinfo=UTC)),
                 reponse=reponse, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000.00"))
    conventions.convention_generer(operation=reponse.operation, user=animation)
    return reponse.operation


def changer(client, operation, programme="FSE_2014_2020", motivation=MOTIVATION):
    return client.post(reverse("operations:changer_programme", args=[operation.code]),
                       {"programme": programme, "motivation": motivation})


def test_l_animation_rattache_l_operation_au_programme_2014_2020(client, animation, de_2021):
    client.force_login(animation)
    fiche = reverse("operations:fiche", args=[de_2021.code])
    page = texte(client.get(fiche))
    assert "FSE+ 2021-2027" in page and PN_FSE_PLUS in page  # libellé court et intitulé complet
    assert "Changer de programme" in page
    avant = document_courant(de_2021.convention)

    reponse = changer(client, de_2021)

    assert reponse.status_code == 302 and reponse["Location"] == fiche
    de_2021.refresh_from_db()
    assert de_2021.programme.libelle == "FSE 2014-2020"
    page = texte(client.get(fiche))
    assert f"{de_2021.code} relève maintenant du programme FSE 2014-2020" in page
    assert f"Programme : FSE+ 2021-2027 → FSE 2014-2020. {MOTIVATION}" in page  # l'historique
    assert str(animation) in page[page.index('id="historique"'):]
    # Le pied de page de la fiche nomme désormais le programme 2014-2020, et lui seul.
    assert PON_2014_2020 in pied(client.get(fiche)) and "FSE+" not in pied(client.get(fiche))
    # La convention encore « générée » est refaite avec les mentions du nouveau programme ; l'ancienne reste.
    refaite = document_courant(de_2021.convention)
    assert refaite != avant
    entete = texte_de(ouvrir(refaite).sections[0].header)
    assert all(m in entete for m in MENTIONS_2014_2020) and "FSE+" not in entete
    # L'accusé de réception produit désormais porte aussi les mentions 2014-2020, en-tête et pied de page.
    accuse = ouvrir(docs.accuse_reception_generer(de_2021.reponse_appel))
    for partie in (accuse.sections[0].header, accuse.sections[0].footer):
        assert all(m in texte_de(partie) for m in MENTIONS_2014_2020) and "FSE+" not in texte_de(partie)


def test_une_convention_envoyee_est_refaite_aussi(client, animation, de_2021):
    Convention.objects.filter(pk=de_2021.convention.pk).update(etat=EtatSignature.ENVOYEE)  # envoyée au porteur
    avant = document_courant(de_2021.convention)
    client.force_login(animation)
    changer(client, de_2021)
    assert document_courant(de_2021.convention) != avant


def test_un_porteur_ne_change_pas_le_programme(client, porteur, de_2021):
    client.force_login(porteur)
    fiche = reverse("operations:fiche", args=[de_2021.code])
    assert "Changer de programme" not in texte(client.get(fiche))

    reponse = changer(client, de_2021)

    assert reponse.status_code == 302
    assert "Seule l'équipe d'animation change le programme d'une opération." in texte(client.get(fiche))
    de_2021.refresh_from_db()
    assert de_2021.programme.libelle == "FSE+ 2021-2027"


@pytest.mark.parametrize("etat", [EtatSignature.SIGNEE_PORTEUR, EtatSignature.SIGNEE, EtatSignature.NOTIFIEE])
def test_apres_la_signature_du_porteur_le_programme_ne_change_plus(client, animation, structure, etat):
    operation = OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE)
    convention = ConventionFactory(operation=operation, etat=etat, numero="PLIE-2016-007")
    client.force_login(animation)
    fiche = reverse("operations:fiche", args=[operation.code])
    raison = (f"La convention n° PLIE-2016-007 est à l'état « {convention.get_etat_display()} » : le programme d'une "
              "opération ne change plus une fois sa convention signée par le porteur.")
    page = texte(client.get(fiche))
    assert raison in page and "Changer de programme…" not in page

    reponse = changer(client, operation, programme="FSEPLUS_2021_2027")

    assert reponse.status_code == 302 and raison in texte(client.get(fiche))
    operation.refresh_from_db()
    assert operation.programme.libelle == "FSE 2014-2020"


def test_sans_motivation_ni_programme_rien_ne_change_et_les_erreurs_nomment_les_champs(client, animation, de_2021):
    client.force_login(animation)

    reponse = changer(client, de_2021, programme="", motivation="   ")

    assert reponse.status_code == 200
    page = texte(reponse)
    assert 'id="resume-erreurs"' in page
    assert "Nouveau programme : Ce champ est obligatoire." in page
    assert "Motivation : Ce champ est obligatoire." in page
    assert "<details class=\"changement-programme\" open>" in page
    de_2021.refresh_from_db()
    assert de_2021.programme.libelle == "FSE+ 2021-2027"
    assert not StateLog.objects.filter(object_id=de_2021.pk, transition="changer_programme").exists()


# --- Liste des opérations ---

def test_la_liste_montre_et_filtre_le_programme_et_l_exporte(client, animation, structure):
    ancienne = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    nouvelle = OperationFactory(porteur=structure, etat=Etat.DEPOSEE, date_debut=date(2022, 1, 1),
                                date_fin=date(2022, 12, 31))
    client.force_login(animation)
    liste = reverse("operations:liste")
    page = texte(client.get(liste))
    assert 'sort=programme">Programme</a>' in page and "FSE 2014-2020" in page and "FSE+ 2021-2027" in page
    page = texte(client.get(liste, {"programme": nouvelle.programme.pk}))
    assert nouvelle.code in page and ancienne.code not in page
    export = client.get(liste, {"_export": "csv"}).content.decode("utf-8-sig")
    lignes = {ligne["Code"]: ligne for ligne in csv.DictReader(io.StringIO(export), delimiter=";")}
    assert lignes[ancienne.code]["Programme"] == "FSE 2014-2020"
    assert lignes[nouvelle.code]["Programme"] == "FSE+ 2021-2027"


# --- Pied de page des pages web ---

def test_le_pied_de_page_nomme_les_programmes_de_ce_que_l_on_voit(client, animation, porteur, structure,
                                                                   autre_structure):
    de_2016 = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    de_2022 = OperationFactory(porteur=autre_structure, etat=Etat.DEPOSEE, date_debut=date(2022, 1, 1),
                               date_fin=date(2022, 12, 31))
    # Le porteur ne voit que l'opération 2016 de sa structure : le programme 2014-2020 seul.
    client.force_login(porteur)
    bas = pied(client.get(reverse("operations:liste")))
    assert all(m in bas for m in MENTIONS_2014_2020) and "FSE+" not in bas
    assert 'alt="Emblème de l\'Union européenne"' in bas
    # L'animation voit les deux : les deux programmes, une ligne chacun, du plus ancien au plus récent.
    client.force_login(animation)
    bas = pied(client.get(reverse("accueil")))
    lignes = bas.split("<li>")[1:]
    assert len(lignes) == 2
    assert all(m in lignes[0] for m in MENTIONS_2014_2020) and all(m in lignes[1] for m in MENTIONS_2021_2027)
    # La fiche d'une opération, et ses pages filles, nomment son seul programme.
    bas = pied(client.get(reverse("operations:fiche", args=[de_2022.code])))
    assert all(m in bas for m in MENTIONS_2021_2027) and PON_2014_2020 not in bas
    programmee = OperationFactory(porteur=de_2016.porteur, etat=Etat.PROGRAMMEE)
    ConventionFactory(operation=programmee)
    bas = pied(client.get(reverse("conventions:fiche", args=[programmee.code])))
    assert PON_2014_2020 in bas and "FSE+" not in bas


def test_la_page_de_connexion_ne_nomme_que_le_plie_sans_requete(client):
    OperationFactory(etat=Etat.DEPOSEE)
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse("login"))
    bas = pied(reponse)
    assert "Plan local pour l'insertion et l'emploi" in bas and "<li>" not in bas and "Emblème" not in bas
    assert not [r["sql"] for r in requetes.captured_queries if "operations_" in r["sql"]]


def test_les_programmes_du_pied_de_page_se_lisent_en_une_requete(client, animation, structure):
    OperationFactory.create_batch(3, porteur=structure, etat=Etat.DEPOSEE)
    client.force_login(animation)
    with CaptureQueriesContext(connection) as requetes:
        client.get(reverse("accueil"))
    lues = [r["sql"] for r in requetes.captured_queries if 'FROM "operations_programme"' in r["sql"]]
    assert len(lues) == 1

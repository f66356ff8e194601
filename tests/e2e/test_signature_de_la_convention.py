"""Dans un vrai navigateur : l'animation génère la convention d'une opération programmée et l'envoie ; le porteur la
télécharge et dépose l'exemplaire signé ; le PLIE contresigne et notifie : l'opération est conventionnée. Puis un
avenant prolonge l'opération, montre ses écarts et, signé, devient la version en vigueur.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape.
"""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from annuaire.roles import Role
from conventions.models import Convention
from conventions.options import EtatSignature
from operations.models import Operation
from operations.options import Etat
from tests.appels_projets.factories import PDF
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_generer_signer_notifier_puis_amender(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    irfa = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA", representant="M. Paul Martin")
    utilisateur(Role.PORTEUR, structure=irfa, username="porteur")
    utilisateur(Role.ANIMATION, username="animation")
    operation = OperationFactory(porteur=irfa, etat=Etat.PROGRAMMEE, intitule="Remobilisation autour des compétences")
    scan = tmp_path / "convention-signee.pdf"
    scan.write_bytes(PDF)

    # L'animation génère la convention depuis la fiche de l'opération, puis l'envoie.
    se_connecter(page, live_server, "animation")
    page.goto(f"{live_server.url}{operation.get_absolute_url()}")
    page.get_by_role("link", name="Générer la convention").click()
    expect(page.locator("[data-test=montant-fse]")).to_have_text("9\u202f022,15\u00a0€")
    page.get_by_label("Taux de l'avance (%)").fill("40")
    # Les options du programme 2014-2020 de l'opération, chacune avec son article.
    page.get_by_label("Option de coûts simplifiés").select_option(
        label="Coûts indirects forfaitaires : 15 % des frais de personnel directs — Règlement (UE) n° 1303/2013, "
              "art. 68, paragraphe 1, point b)")
    capturer(page, "convention-01-generation")
    page.get_by_role("button", name="Générer la convention").click()
    expect(page.get_by_role("status").first).to_contain_text("La convention PLIE-2016-001 est générée.")
    expect(page.locator("[data-etat]")).to_have_text("Générée")
    expect(page.locator("#documents")).to_contain_text("convention-PLIE-2016-001.docx")
    page.get_by_role("button", name="Envoyer au porteur pour signature").click()
    expect(page.locator("[data-etat]")).to_have_text("Envoyée au porteur")
    capturer(page, "convention-02-envoyee")
    se_deconnecter(page)

    # Le porteur est avisé, télécharge la convention, dépose l'exemplaire signé.
    se_connecter(page, live_server, "porteur")
    # L'avis mène à la fiche de l'opération, qui mène à sa convention.
    page.get_by_role("link", name=re.compile(r"Convention n° PLIE-2016-001 : envoyée au porteur")).click()
    page.get_by_role("link", name="Convention n° PLIE-2016-001 (envoyée au porteur)").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="convention-PLIE-2016-001.docx").click()
    assert telechargement.value.suggested_filename == "convention-PLIE-2016-001.docx"
    expect(page.get_by_role("button", name="Notifier au porteur…")).to_have_count(0)
    page.get_by_label(re.compile("Exemplaire signé par le porteur")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé").click()
    expect(page.get_by_role("status").first).to_contain_text("« Signée par le porteur »")
    capturer(page, "convention-03-signee-par-le-porteur")
    se_deconnecter(page)

    # Le PLIE contresigne et notifie : l'opération devient conventionnée.
    se_connecter(page, live_server, "animation")
    page.goto(f"{live_server.url}/conventions/")
    page.get_by_role("link", name="PLIE-2016-001").click()
    page.get_by_label(re.compile("Exemplaire signé des deux parties")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé par le PLIE").click()
    expect(page.locator("[data-etat]")).to_have_text("Signée par le PLIE")
    page.get_by_text("Notifier au porteur…").click()
    page.get_by_role("button", name="Confirmer : notifier au porteur").click()
    expect(page.locator("[data-etat]")).to_have_text("Notifiée")
    capturer(page, "convention-04-notifiee")
    assert Operation.objects.get(pk=operation.pk).etat == Etat.CONVENTIONNEE

    # Un avenant prolonge l'opération : les écarts sont montrés, il s'applique une fois signé.
    page.get_by_role("link", name="Rédiger un avenant").click()
    page.get_by_label("Objet de l'avenant (obligatoire)").fill("Prolongation de trois mois.")
    page.get_by_label("Fin de réalisation (obligatoire)").fill("2017-03-31")
    page.get_by_role("button", name="Générer l'avenant").click()
    expect(page.locator("#ecarts")).to_contain_text("Fin de réalisation")
    expect(page.locator("#ecarts")).to_contain_text("31/03/2017")
    capturer(page, "convention-05-avenant")
    page.get_by_role("button", name="Envoyer au porteur pour signature").click()
    se_deconnecter(page)
    se_connecter(page, live_server, "porteur")
    page.goto(f"{live_server.url}/conventions/")
    page.get_by_role("link", name="PLIE-2016-001").click()
    page.get_by_role("link", name=re.compile("Avenant n° 1")).click()
    page.get_by_label(re.compile("Exemplaire signé par le porteur")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé").click()
    se_deconnecter(page)
    se_connecter(page, live_server, "animation")
    page.goto(f"{live_server.url}/conventions/")
    page.get_by_role("link", name="PLIE-2016-001").click()
    page.get_by_role("link", name=re.compile("Avenant n° 1")).click()
    page.get_by_label(re.compile("Exemplaire signé des deux parties")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé par le PLIE").click()
    expect(page.locator("[data-etat]")).to_have_text("Signée par le PLIE")
    expect(page.get_by_text("ces données sont la version 2 de l'opération")).to_be_visible()
    capturer(page, "convention-06-avenant-signe")

    operation.refresh_from_db()
    assert operation.date_fin.isoformat() == "2017-03-31"
    convention = Convention.objects.get(operation=operation)
    assert convention.etat == EtatSignature.NOTIFIEE and convention.taux_avance == Decimal("0.40")
    assert [v.numero for v in operation.versions.all()] == [1, 2]


def test_les_conventions_d_un_comite_en_un_traitement_suivi(page, live_server, tmp_path, settings):
    from appels_projets.options import Decision, EtatComite
    from tests.appels_projets.factories import ComiteFactory, PointFactory, ReponseFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    utilisateur(Role.ANIMATION, username="animation")
    comite = ComiteFactory(etat=EtatComite.PV_VALIDE)
    for _ in range(3):
        PointFactory(comite=comite, reponse=ReponseFactory(operation__etat=Etat.PROGRAMMEE), decision=Decision.PROGRAMMEE,
                     montant_vote=Decimal("9000"))

    se_connecter(page, live_server, "animation")
    page.get_by_role("link", name="Conventions", exact=True).click()
    page.get_by_label("Générer les conventions des opérations programmées par un comité").select_option(label=str(comite))
    page.get_by_role("button", name="Générer les conventions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conventions du comité")
    expect(page.get_by_label("Avancement")).to_have_attribute("value", "100")
    expect(page.get_by_role("status")).to_contain_text("Terminé : 3 sur 3")
    capturer(page, "convention-07-traitement")
    page.get_by_role("link", name="Voir le résultat").click()
    expect(page.locator("table.tableau tbody tr")).to_have_count(3)
    assert Convention.objects.count() == 3

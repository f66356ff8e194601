"""Dans un vrai navigateur : le porteur joint une facture à une dépense de son bilan final et le dépose ; le
gestionnaire FSE contrôle chaque dépense (une retenue en partie avec son motif sur sa ligne, les autres retenues en un lot motivé), voit le calcul du FSE dû, valide le
contrôle et télécharge le rapport, enregistre le paiement, puis exporte l'opération vers « Ma Démarche FSE ».

`CAPTURES=/un/dossier` enregistre une capture de chaque étape (pour relire les pages).
"""
import io
import re
import zipfile

import pytest
from docx import Document
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from annuaire.roles import Role
from conventions.options import EtatSignature
from justificatifs import services
from justificatifs.pieces import piece_deposer
from operations.models import Operation
from operations.options import Etat
from tests.appels_projets.factories import PDF
from tests.conventions.factories import ConventionFactory
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter
from tests.factories import OperationFactory, StructureFactory, utilisateur
from tests.lecture_docx import texte

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_deposer_une_piece_controler_payer_exporter(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    irfa = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")
    porteur = utilisateur(Role.PORTEUR, structure=irfa, username="irfa", first_name="Nadia", last_name="Roche")
    utilisateur(Role.GESTIONNAIRE, username="gestionnaire", first_name="Paul", last_name="Mercier")
    action = OperationFactory(porteur=irfa, etat=Etat.EN_REALISATION, intitule="Remobilisation autour des compétences")
    ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE)
    bilan = services.bilan_preparer(operation=action, user=porteur)
    services.bilan_enregistrer(bilan=bilan, user=porteur, qualitatif={"actions_menees": "Ateliers collectifs."},
                               depenses={d.pk: str(d.prevu) for d in bilan.depenses.all()},
                               ressources={r.pk: str(r.prevu) for r in bilan.ressources.all()})
    # Les autres dépenses ont déjà leur pièce ; il manque celle des déplacements, que le porteur joint ci-dessous.
    for depense in bilan.depenses.exclude(libelle="Déplacements"):
        piece_deposer(bilan=bilan, user=porteur, depense=depense, nature="facture",
                      fichier=SimpleUploadedFile(f"facture-{depense.pk}.pdf", PDF))
    facture = tmp_path / "facture-deplacements.pdf"
    facture.write_bytes(PDF)

    # Le porteur joint la facture des déplacements, puis dépose son bilan.
    se_connecter(page, live_server, "irfa")
    page.goto(f"{live_server.url}{bilan.get_absolute_url()}")
    page.get_by_label("Rattacher à (obligatoire)").select_option(label="Déplacements")
    page.get_by_label("Nature (obligatoire)").select_option(label="Facture acquittée")
    page.get_by_label(re.compile("^Fichier")).set_input_files(str(facture))
    page.get_by_role("button", name="Déposer la pièce").click()
    expect(page.get_by_role("status")).to_contain_text("Pièce « facture-deplacements.pdf » déposée.")
    capturer(page, "01-piece-deposee")
    page.get_by_text("Déposer le bilan…").click()
    page.get_by_role("button", name="Confirmer : déposer le bilan").click()
    expect(page.locator("#etat-bilan")).to_have_text("Déposé")
    se_deconnecter(page)

    # Le gestionnaire contrôle chaque dépense : les déplacements retenus en partie, faute de justificatif complet.
    se_connecter(page, live_server, "gestionnaire")
    page.get_by_role("link", name="Bilans").click()
    page.get_by_label("État").select_option(label="Déposé")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Bilan final").click()
    page.get_by_role("link", name="Contrôle de service fait").click()
    # L'exception se saisit sur sa ligne ; les deux autres lignes, sans pièce, se retiennent en un lot motivé.
    lignes = page.locator("#controle-depenses tbody tr")
    for rang in range(lignes.count()):
        ligne = lignes.nth(rang)
        if "Déplacements" in ligne.inner_text():
            ligne.get_by_label(re.compile("^Décision sur")).select_option(label="Retenue en partie")
            ligne.get_by_label(re.compile("^Montant retenu sur")).fill("500,00")
            ligne.get_by_label(re.compile("^Motif de l'écart sur")).select_option(
                label="Dépense non acquittée (pas de preuve de paiement)")
            ligne.get_by_label(re.compile("^Commentaire sur")).fill("Deux notes de frais sans preuve de paiement.")
            ligne.get_by_role("button", name=re.compile("^Enregistrer")).click()
            expect(page.locator("#annonce")).to_contain_text("Décision enregistrée pour « Déplacements ».")
        else:
            ligne.get_by_role("checkbox").check()
    page.get_by_label("Motivation (exigée pour une dépense sans pièce)").fill("Bulletins et forfait vus sur place.")
    page.get_by_role("button", name="Retenir les dépenses cochées").click()
    expect(page.locator("#annonce")).to_have_text("2 dépense(s) retenue(s).")
    capturer(page, "02-depenses-controlees")
    # 15 000 + 500 + 2 250 = 17 750 € retenus au réel, × 50 % = 8 875 € ; moins l'avance de 30 % (2 706,65 €).
    expect(page.locator("#fse-du")).to_have_text("8\u202f875,00\u00a0€")
    expect(page.locator("#etapes-du-calcul")).to_contain_text("Solde : 8\u202f875,00\u00a0€ − avance versée 2\u202f706,65\u00a0€")
    page.get_by_role("button", name="Valider le contrôle et produire le rapport").click()
    expect(page.locator("#etat-bilan")).to_have_text("Contrôlé")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Rapport de contrôle (Word)").click()
    rapport = texte(Document(telechargement.value.path()))
    assert "Dépense non acquittée (pas de preuve de paiement)" in rapport and "8\u202f875,00\u00a0€" in rapport
    capturer(page, "03-controle-valide")

    page.get_by_label("Payé le").fill("2017-09-15")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.locator("#etat-bilan")).to_have_text("Validé")
    assert Operation.objects.get(pk=action.pk).etat == Etat.SOLDEE

    # L'export « Ma Démarche FSE » : contrôle qualité, puis l'archive.
    page.get_by_role("link", name="Export « Ma Démarche FSE » de l'opération").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export « Ma Démarche FSE »")
    capturer(page, "04-export-mdfse")
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger l'export (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(telechargement.value.path(), "rb").read()))
    assert f"mdfse-{action.code}-depenses.csv" in archive.namelist()
    depenses = archive.read(f"mdfse-{action.code}-depenses.csv").decode("utf-8-sig")
    assert "Déplacements;794,30;794,30;Retenue en partie;500,00" in depenses

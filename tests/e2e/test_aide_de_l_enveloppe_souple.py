"""Dans un vrai navigateur : la référente demande, depuis la fiche de sa participante, une aide à la garde d'enfants
avec son devis ; l'équipe d'animation la trouve sur son bureau, voit le reste de l'enveloppe, l'accorde à un montant
moindre, puis enregistre le paiement avec la facture ; le bilan de l'enveloppe reprend l'aide et le gestionnaire FSE
la voit, avec sa facture, au contrôle de service fait.

`CAPTURES=/un/dossier` enregistre une capture de chaque étape (pour relire les pages).
"""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annuaire.roles import Role
from justificatifs import services
from justificatifs.aides import Aide
from operations.models import Operation
from tests.appels_projets.factories import PDF
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter
from tests.factories import StructureFactory, utilisateur
from tests.justificatifs.aides import enveloppe, participant

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_de_la_demande_au_paiement_puis_au_controle(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    aujourdhui = timezone.localdate()
    apsalc = StructureFactory(nom="APSALC", sigle="APSALC")
    utilisateur(Role.REFERENT, structure=apsalc, username="referente", first_name="Inès", last_name="Garnier")
    utilisateur(Role.ANIMATION, username="animation", first_name="Claire", last_name="Morel")
    utilisateur(Role.GESTIONNAIRE, username="gestionnaire", first_name="Paul", last_name="Mercier")
    operation = enveloppe("2000.00", annee=aujourdhui.year, intitule=f"Enveloppe souple {aujourdhui.year}")
    porteur = utilisateur(Role.PORTEUR, structure=operation.porteur, username="gip")
    lea = participant(apsalc, "F", nom="Fontaine")
    devis, facture = tmp_path / "devis-creche.pdf", tmp_path / "facture-creche.pdf"
    devis.write_bytes(PDF)
    facture.write_bytes(PDF)

    # La référente demande l'aide depuis la fiche de sa participante.
    se_connecter(page, live_server, "referente")
    page.goto(f"{live_server.url}/participants/{lea.pk}/")
    page.get_by_role("link", name="Demander une aide de l'enveloppe souple").click()
    page.get_by_label("Entrée ou maintien en formation").check()
    page.get_by_label("Nature de l'aide (obligatoire)").select_option(label="Garde d'enfants")
    page.get_by_label("Montant demandé (€) (obligatoire)").fill("480,00")
    page.get_by_label("Justification (obligatoire)").fill("Garde de sa fille pendant la formation d'aide-soignante.")
    page.get_by_label(re.compile("^Devis ou facture")).set_input_files(str(devis))
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("demandée : l'équipe d'animation va l'étudier")
    aide = Aide.objects.get()
    capturer(page, "01-demandee")
    se_deconnecter(page)

    # L'animation la trouve sur son bureau, l'accorde à 450,00 € : le reste de l'enveloppe baisse d'autant.
    se_connecter(page, live_server, "animation")
    page.get_by_role("link", name=f"Aide n° {aide.pk} — Garde d'enfants").first.click()
    expect(page.locator("#reste")).to_have_text("2\u202f000,00\u00a0€")
    page.get_by_label("Montant accordé (€) (obligatoire)").fill("450,00")
    page.get_by_label("Motivation").first.fill("Tarif de la crèche municipale.")
    page.get_by_role("button", name="Accorder l'aide").click()
    expect(page.get_by_role("status")).to_contain_text("Il reste 1\u202f550,00\u00a0€ sur l'enveloppe")
    capturer(page, "02-accordee")

    # Le paiement, avec sa facture.
    page.get_by_label("Date du paiement (obligatoire)").fill(aujourdhui.isoformat())
    page.get_by_label("Montant payé (€) (obligatoire)").fill("450,00")
    page.get_by_label("Bénéficiaire du paiement (obligatoire)").fill("Multi-accueil Les Petits Loups")
    page.get_by_label(re.compile("^Facture acquittée")).set_input_files(str(facture))
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_role("status")).to_contain_text("Paiement enregistré")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Payée")
    capturer(page, "03-payee")
    se_deconnecter(page)

    # Le bilan de l'enveloppe la reprend ; le gestionnaire la voit au contrôle, avec sa facture.
    bilan = services.bilan_preparer(operation=Operation.objects.get(pk=operation.pk), user=porteur)
    se_connecter(page, live_server, "gestionnaire")
    page.goto(f"{live_server.url}/operations/{operation.code}/bilans/{bilan.rang}/controle/")
    ligne = page.locator("#controle-depenses tr", has_text=f"Aide n° {aide.pk}")
    expect(ligne).to_contain_text("450,00\u00a0€")
    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name="Facture acquittée").click()
    assert telechargement.value.suggested_filename == "facture-creche.pdf"
    capturer(page, "04-controle")

"""Dans un vrai navigateur, le porteur d'une action : planifie une séance, imprime sa feuille d'émargement, note les
présences, puis prépare, remplit et dépose le bilan final, qui fait passer l'opération à « Bilan déposé ».

`CAPTURES=/un/dossier` enregistre une capture de chaque étape (pour relire les pages).
"""
import re
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from annuaire.roles import Role
from operations.models import Operation, TypeOperation
from operations.options import Etat
from participants.models import Presence
from tests.e2e.parcours import capturer, planifier_une_seance, se_connecter
from tests.appels_projets.factories import PDF
from tests.factories import OperationFactory, StructureFactory, utilisateur
from tests.lecture_docx import lignes, texte, verifier_publicite
from tests.participants.test_realisation import participant
from tests.participants.test_seances import inscrire

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_planifier_imprimer_emarger_puis_deposer_le_bilan(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    irfa = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")
    utilisateur(Role.PORTEUR, structure=irfa, username="irfa", first_name="Nadia", last_name="Roche")
    action = OperationFactory(porteur=irfa, etat=Etat.EN_REALISATION, intitule="Remobilisation autour des compétences",
                              type=TypeOperation.objects.get(code="REMOBILISATION"))
    anna, bilal = participant(irfa, date(2016, 1, 4)), participant(irfa, date(2016, 2, 1))
    for p, (nom, prenom) in zip((anna, bilal), [("Martin", "Anna"), ("Benali", "Bilal")]):
        p.nom, p.prenom = nom, prenom
        p.save()
    inscrire(action, anna, bilal)

    # Planifier la séance du lundi 14 mars 2016, matin, pour les deux participants.
    se_connecter(page, live_server, "irfa")
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    page.get_by_role("link", name="Séances et émargement").click()
    planifier_une_seance(page, "2016-03-14", "Salle Bachelard", ["Anna Martin", "Bilal Benali"])
    capturer(page, "01-planifier-une-seance")
    page.get_by_role("button", name="Planifier la séance").click()
    expect(page.get_by_role("status")).to_contain_text("Séance du 14/03/2016 planifiée.")
    expect(page.locator("#seances tbody tr")).to_have_count(1)

    # Imprimer la feuille de la semaine : le document a une ligne par inscrit et les mentions du programme de l'action.
    page.get_by_label("Du (obligatoire)").fill("2016-03-14")
    page.get_by_label("Au (obligatoire)").fill("2016-03-20")
    page.get_by_label("Une feuille par semaine").check()
    capturer(page, "02-imprimer-les-feuilles")
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Feuilles en Word").click()
    feuille = Document(telechargement.value.path())
    assert "Semaine du lundi 14/03/2016 au dimanche 20/03/2016" in texte(feuille)
    assert [ligne[0] for ligne in lignes(feuille.tables[0])[1:3]] == ["1. BENALI", "2. MARTIN"]
    verifier_publicite(feuille, action.programme)

    # Noter les présences en une grille (une fois le téléchargement tout à fait fini : sa navigation est close).
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="14/03/2016, matin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Présences du 14/03/2016, matin")
    page.wait_for_load_state("networkidle")
    for libelle in ("Présent : Anna Martin", "Excusé : Bilal Benali"):
        page.get_by_label(libelle).check()
        expect(page.get_by_label(libelle)).to_be_checked()
    capturer(page, "03-grille-de-presence")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_role("status")).to_contain_text("Présences enregistrées.")
    assert dict(Presence.objects.values_list("participant__prenom", "statut")) == {"Anna": "present", "Bilal": "excuse"}

    # Préparer, remplir et déposer le bilan final.
    page.goto(f"{live_server.url}{action.get_absolute_url()}")
    page.get_by_role("link", name="Bilans d'exécution").click()
    page.get_by_role("button", name="Préparer le bilan suivant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan final")
    expect(page.locator("#titre-quantitatif + p")).to_contain_text("3,5 heures de présence émargées")
    for champ in page.get_by_label(re.compile("^Réalisé : ")).all():
        champ.fill("1 000,00")
    for champ in page.get_by_label(re.compile("^Perçu : ")).all():
        champ.fill("500")
    page.get_by_label("Actions menées").fill("Ateliers collectifs et entretiens individuels.")
    capturer(page, "04-bilan-rempli")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_role("status")).to_contain_text("Bilan enregistré.")
    # Le dépôt exige la pièce de chaque dépense réalisée : une facture par ligne.
    facture = tmp_path / "facture.pdf"
    facture.write_bytes(PDF)
    for libelle in action.depenses.values_list("libelle", flat=True):
        page.get_by_label("Rattacher à (obligatoire)").select_option(label=libelle)
        page.get_by_label("Nature (obligatoire)").select_option(label="Facture acquittée")
        page.get_by_label(re.compile("^Fichier")).set_input_files(str(facture))
        page.get_by_role("button", name="Déposer la pièce").click()
        expect(page.get_by_role("status")).to_contain_text("Pièce « facture.pdf » déposée.")
    page.get_by_text("Déposer le bilan…").click()
    page.get_by_role("button", name="Confirmer : déposer le bilan").click()
    expect(page.locator("#etat-bilan")).to_have_text("Déposé")
    capturer(page, "05-bilan-depose")
    assert Operation.objects.get(pk=action.pk).etat == Etat.BILAN_DEPOSE

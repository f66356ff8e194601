"""Une opération de la démonstration suivie de l'appel au solde, dans un vrai navigateur, par chaque rôle.

OP-2017-011 (IRFA, « Remobilisation autour des compétences – session d'automne 2017 ») est un brouillon de réponse
à l'appel 2017 encore ouvert. Le porteur la dépose ; l'animation l'instruit et l'inscrit au comité ; le membre du
comité la programme et valide le procès-verbal ; l'animation génère la convention, que le porteur signe ; le référent
oriente une personne que la commission d'entrée (animation) fait entrer, puis l'inscrit à l'action ; le porteur tient
une séance, note les présences, dépose son bilan final avec une facture ; le gestionnaire FSE contrôle le service fait,
enregistre le paiement (opération soldée) et exporte vers « Ma Démarche FSE » ; l'administrateur relit l'historique.

Chaque étape laisse une capture dans le dossier imprimé (artefacts/parcours/<test>/, ou `CAPTURES=/un/dossier`).
"""
import io
import re
import zipfile

import pytest
from docx import Document
from playwright.sync_api import expect

from justificatifs.models import Bilan
from operations.models import Operation
from operations.options import Etat
from participants.models import Participant, Presence
from pilotage.demo import MOT_DE_PASSE, charger_demo
from tests.appels_projets.factories import PDF
from tests.e2e.parcours import capturer, planifier_une_seance, se_connecter, se_deconnecter
from tests.lecture_docx import texte

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

CODE = "OP-2017-011"
INTITULE = "Remobilisation autour des compétences – session d'automne 2017"


def statut(page, texte):
    return page.get_by_role("status").filter(has_text=texte)


def etat_affiche(page, libelle):
    expect(page.locator("[data-etat]").first).to_have_text(libelle)


def connexion(page, live_server, identifiant):
    se_connecter(page, live_server, identifiant, MOT_DE_PASSE)


def test_op_2017_011_de_l_appel_au_solde_par_chaque_role(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    charger_demo(force=True)
    rib = tmp_path / "rib-irfa.pdf"
    rib.write_bytes(PDF)

    # --- Porteur (IRFA) : joint le RIB qui manquait à sa réponse et dépose la demande ---
    connexion(page, live_server, "porteur")
    page.get_by_role("link", name="Appels à projets").click()
    page.locator("#appels").get_by_role("link", name=CODE).click()
    page.get_by_label("Fichier pour « Relevé d'identité bancaire (RIB) »", exact=True).set_input_files(str(rib))
    page.get_by_role("button", name="Déposer le fichier pour « Relevé d'identité bancaire (RIB) »").click()
    expect(statut(page, "le fichier « rib-irfa.pdf » est déposé")).to_be_visible()
    capturer(page, "01-porteur-pieces-completes")
    page.get_by_role("link", name="Vérifier et déposer la demande").click()
    page.get_by_text("Déposer la demande…").click()
    page.get_by_role("button", name="Confirmer : déposer la demande").click()
    expect(statut(page, f"L'opération {CODE} est maintenant « Déposée ».")).to_be_visible()
    etat_affiche(page, "Déposée")
    capturer(page, "02-porteur-demande-deposee")
    se_deconnecter(page)

    # --- Animation : recevabilité, analyse, clôture de l'instruction ---
    connexion(page, live_server, "animation")
    page.goto(f"{live_server.url}/operations/{CODE}/")
    page.get_by_role("link", name=re.compile("^Réponse à l'appel")).click()
    page.get_by_role("link", name="Vérifier la recevabilité").click()
    expect(page.locator("#checklist li.checklist__ko")).to_have_count(0)
    capturer(page, "03-animation-recevabilite")
    page.get_by_role("button", name="Déclarer recevable").click()
    expect(statut(page, f"La demande {CODE} est maintenant « Recevable ».")).to_be_visible()
    page.get_by_role("button", name="Engager l'instruction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Analyse : {CODE} · {INTITULE}")
    for note in page.get_by_label("4 — bon", exact=True).all():
        note.check()
    page.get_by_label("Favorable", exact=True).check()
    # 13 860 € demandés (50 % de 27 720 €) ; l'analyse propose 12 000 €, le comité les vote.
    page.get_by_label("Montant FSE proposé (€)").fill("12 000,00")
    page.get_by_label("Synthèse de l'analyse").fill("Session reconduite : résultats 2016 solides, coûts maîtrisés.")
    page.get_by_role("button", name="Enregistrer mon analyse").click()
    expect(statut(page, "Votre analyse est enregistrée")).to_be_visible()
    capturer(page, "04-animation-analyse")
    page.get_by_role("button", name="Clore l'instruction").click()
    expect(statut(page, f"La demande {CODE} est maintenant « Instruite ».")).to_be_visible()

    # Le comité de programmation : planifié, ordre du jour, convocation.
    page.get_by_role("link", name="Comités").click()
    page.get_by_role("link", name="Planifier un comité").click()
    page.get_by_label("Type").select_option(label="Comité de programmation")
    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_label("Heure").fill("14:00")
    page.get_by_label("Lieu").fill("Maison de l'emploi et de la formation, salle du conseil")
    page.get_by_label("Marc Dubois").check()
    page.get_by_role("button", name="Planifier le comité").click()
    page.get_by_label(re.compile(re.escape(CODE))).check()
    page.get_by_role("button", name="Inscrire les opérations cochées").click()
    expect(statut(page, f"Inscrite à l'ordre du jour : {CODE}.")).to_be_visible()
    page.get_by_role("button", name="Convoquer le comité").click()
    etat_affiche(page, "Convoqué")
    capturer(page, "05-animation-comite-convoque")
    comite = page.url
    se_deconnecter(page)

    # --- Comité : décision en séance ---
    connexion(page, live_server, "comite")
    page.goto(comite)
    page.get_by_label(f"Décision pour {CODE}").select_option(label="Programmée")
    page.get_by_label(f"Montant FSE voté pour {CODE}, en euros").fill("12 000,00")
    capturer(page, "06-comite-decision")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(statut(page, "1 décision enregistrée.")).to_be_visible()
    se_deconnecter(page)

    connexion(page, live_server, "animation")
    page.goto(comite)
    page.get_by_role("button", name="Déclarer le comité tenu").click()
    etat_affiche(page, "Tenu")
    se_deconnecter(page)

    connexion(page, live_server, "comite")
    page.goto(comite)
    page.get_by_text("Valider le procès-verbal…").click()
    page.get_by_role("button", name="Confirmer : valider le procès-verbal").click()
    etat_affiche(page, "Procès-verbal validé")
    expect(page.locator("#tableau-lettres")).to_contain_text(CODE)
    capturer(page, "07-comite-pv-valide")
    se_deconnecter(page)

    # --- Animation : convention générée et envoyée ---
    connexion(page, live_server, "animation")
    page.goto(f"{live_server.url}/operations/{CODE}/")
    etat_affiche(page, "Programmée")
    page.get_by_role("link", name="Générer la convention").click()
    page.get_by_label("Taux de l'avance (%)").fill("30")
    page.get_by_role("button", name="Générer la convention").click()
    etat_affiche(page, "Générée")
    page.get_by_role("button", name="Envoyer au porteur pour signature").click()
    etat_affiche(page, "Envoyée au porteur")
    numero = page.get_by_role("heading", level=1).inner_text()
    capturer(page, "08-animation-convention-envoyee")
    convention = page.url
    se_deconnecter(page)

    # --- Porteur : dépose l'exemplaire signé ---
    scan = tmp_path / "convention-signee.pdf"
    scan.write_bytes(PDF)
    connexion(page, live_server, "porteur")
    page.goto(convention)
    page.get_by_label(re.compile("Exemplaire signé par le porteur")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé").click()
    expect(page.get_by_role("status").first).to_contain_text("« Signée par le porteur »")
    capturer(page, "09-porteur-convention-signee")
    se_deconnecter(page)

    # --- Animation : contresigne, notifie, démarre la réalisation ---
    connexion(page, live_server, "animation")
    page.goto(convention)
    page.get_by_label(re.compile("Exemplaire signé des deux parties")).set_input_files(str(scan))
    page.get_by_role("button", name="Déposer l'exemplaire signé par le PLIE").click()
    page.get_by_text("Notifier au porteur…").click()
    page.get_by_role("button", name="Confirmer : notifier au porteur").click()
    etat_affiche(page, "Notifiée")
    capturer(page, "10-animation-convention-notifiee")
    page.goto(f"{live_server.url}/operations/{CODE}/")
    etat_affiche(page, "Conventionnée")
    page.get_by_role("button", name="Démarrer la réalisation").click()
    etat_affiche(page, "En réalisation")
    se_deconnecter(page)

    # --- Référent : oriente une personne ; l'animation la fait entrer ; le référent l'inscrit à l'action ---
    connexion(page, live_server, "referent")
    page.get_by_role("link", name="Participants", exact=True).click()
    page.get_by_role("link", name="Orienter une personne").click()
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Lambert")
    page.get_by_label("Prénom (obligatoire)").fill("Inès")
    page.get_by_label("Sexe (obligatoire)").select_option(label="Femme")
    page.get_by_label("Date de naissance (obligatoire)").fill("1984-06-12")
    page.get_by_label("Commune (obligatoire)").select_option(label="Chenôve")
    page.get_by_label("Prescripteur (obligatoire)").select_option(label="France Travail (ex-Pôle emploi)")
    page.get_by_label("Date d'entrée proposée (obligatoire)").fill("2017-09-04")  # elle entre au PLIE par cette action
    page.get_by_label("Situation à l'entrée").select_option(label="Demandeur d'emploi de longue durée")
    capturer(page, "11-referent-orientation")
    page.get_by_role("button", name="Orienter vers la commission d'entrée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inès Lambert")
    fiche = page.url
    se_deconnecter(page)

    connexion(page, live_server, "animation")
    page.goto(f"{live_server.url}/participants/commission-d-entree/")
    page.get_by_label("Décision pour Inès Lambert").select_option(label="Valider l'entrée")
    capturer(page, "12-animation-commission-d-entree")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(page.get_by_role("status").first).to_be_visible()
    se_deconnecter(page)

    connexion(page, live_server, "referent")
    page.goto(fiche)
    page.get_by_label("Type (obligatoire)").select_option(label="Action de la programmation du PLIE")
    page.get_by_label("Début (obligatoire)").fill("2017-09-04")
    page.get_by_label("Fin", exact=True).fill("2017-12-22")
    page.get_by_label("Opération").select_option(label=f"{CODE} · {INTITULE}")
    page.get_by_role("button", name="Ajouter l'étape").click()
    expect(page.locator("main")).to_contain_text("Action de la programmation du PLIE")
    capturer(page, "13-referent-inscription-a-l-action")
    se_deconnecter(page)

    # --- Porteur : une séance, ses présences, le bilan final avec sa facture ---
    connexion(page, live_server, "porteur")
    page.goto(f"{live_server.url}/operations/{CODE}/")
    page.get_by_role("link", name="Séances et émargement").click()
    planifier_une_seance(page, "2017-09-11", "IRFA, salle Bachelard", ["Inès Lambert"])
    page.get_by_role("button", name="Planifier la séance").click()
    expect(statut(page, "Séance du 11/09/2017 planifiée.")).to_be_visible()
    # La feuille d'émargement imprimée nomme l'opération et la participante ; son scan signé est déposé.
    page.get_by_label("Du (obligatoire)").fill("2017-09-11")
    page.get_by_label("Au (obligatoire)").fill("2017-09-11")
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Feuilles en Word").click()
    feuille = texte(Document(telechargement.value.path()))
    assert CODE in feuille and "LAMBERT" in feuille
    page.wait_for_load_state("networkidle")
    scan_feuille = tmp_path / "emargement-11-09-2017.pdf"
    scan_feuille.write_bytes(PDF)
    page.get_by_label("Feuille signée du 11/09/2017").set_input_files(str(scan_feuille))
    page.get_by_role("button", name="Déposer", exact=True).click()
    expect(page.get_by_role("link", name="scan déposé")).to_be_visible()
    page.get_by_role("link", name="11/09/2017, matin").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Présent : Inès Lambert").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(statut(page, "Présences enregistrées.")).to_be_visible()
    capturer(page, "14-porteur-presences")

    page.goto(f"{live_server.url}/operations/{CODE}/")
    page.get_by_role("link", name="Bilans d'exécution").click()
    page.get_by_role("button", name="Préparer le bilan suivant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan final")
    expect(page.locator("#titre-quantitatif + p")).to_have_text(re.compile(
        r"^1 participant accompagné\s+\(1 femme, 0 homme\),\s+1 entrée, 0 sortie\s+dont 0 positive, 1 étape,"
        r"\s+3,5 heures de présence émargées\.\s*$"))
    for champ in page.get_by_label(re.compile("^(Réalisé|Perçu) : ")).all():  # réalisé comme prévu
        champ.fill(champ.locator("xpath=ancestor::tr").locator("td:not(:has(input))").last.inner_text()
                   .replace("€", "").strip())
    page.get_by_label("Actions menées").fill("Diagnostic, remédiation et immersions en entreprise.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(statut(page, "Bilan enregistré.")).to_be_visible()
    facture = tmp_path / "facture-supports.pdf"
    facture.write_bytes(PDF)
    # Le dépôt exige une pièce par dépense réalisée : une facture pour chacune.
    depenses = page.locator("#piece-rattachement optgroup[label=Dépenses] option").all_inner_texts()
    for depense in depenses:
        page.get_by_label("Rattacher à (obligatoire)").select_option(label=depense)
        page.get_by_label("Nature (obligatoire)").select_option(label="Facture acquittée")
        page.get_by_label(re.compile("^Fichier")).set_input_files(str(facture))
        page.get_by_role("button", name="Déposer la pièce").click()
        expect(statut(page, "Pièce « facture-supports.pdf » déposée.")).to_be_visible()
    capturer(page, "15-porteur-bilan-rempli")
    page.get_by_text("Déposer le bilan…").click()
    page.get_by_role("button", name="Confirmer : déposer le bilan").click()
    expect(page.locator("#etat-bilan")).to_have_text("Déposé")
    bilan = page.url
    se_deconnecter(page)

    # --- Gestionnaire FSE : contrôle de service fait, paiement, export « Ma Démarche FSE » ---
    connexion(page, live_server, "gestionnaire")
    page.goto(bilan)
    page.get_by_role("link", name="Contrôle de service fait").click()
    # Toutes les dépenses cochées, retenues en un lot ; la motivation couvre celles qui n'ont pas de pièce.
    page.get_by_label("Tout cocher").first.check()
    page.get_by_label("Motivation (exigée pour une dépense sans pièce)").fill("Pièces vues sur place.")
    page.get_by_role("button", name="Retenir les dépenses cochées").click()
    expect(page.locator("#annonce")).to_have_text(re.compile(r"^\d+ dépense\(s\) retenue\(s\)\.$"))
    page.get_by_role("button", name="Tirer les séances à contrôler").click()
    page.locator("#controle-seances tr", has_text="11/09/2017").get_by_role("button", name=re.compile("^Conforme")).click()
    expect(page.locator("#annonce")).to_have_text("Contrôle enregistré.")
    # Le taux est celui de la convention : 12 000 € votés ÷ 27 720 € de coût total (l'écart de 1 860 € va à
    # l'autofinancement) ; 27 720 € retenus × 12 000 ÷ 27 720 = 12 000,00 € (au taux de la demande, 50 % :
    # 13 860 €, plafonnés à 12 000 €).
    expect(page.locator("#fse-du")).to_have_text("12\u202f000,00\u00a0€")
    expect(page.locator("#demande")).to_contain_text("FSE demandé 13\u202f860,00\u00a0€")
    capturer(page, "16-gestionnaire-controle")
    page.get_by_role("button", name="Valider le contrôle et produire le rapport").click()
    expect(page.locator("#etat-bilan")).to_have_text("Contrôlé")
    page.get_by_label("Payé le").fill("2018-06-15")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.locator("#etat-bilan")).to_have_text("Validé")
    capturer(page, "17-gestionnaire-solde-paye")
    page.get_by_role("link", name="Export « Ma Démarche FSE » de l'opération").click()
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger l'export (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(telechargement.value.path(), "rb").read()))
    participants_mdfse = archive.read(f"mdfse-{CODE}-participants.csv").decode("utf-8-sig")
    capturer(page, "18-gestionnaire-export-mdfse")
    se_deconnecter(page)

    # --- Administrateur : la fiche de l'opération et son historique complet ---
    connexion(page, live_server, "admin")
    page.goto(f"{live_server.url}/operations/{CODE}/")
    etat_affiche(page, "Soldée")
    historique = page.locator("#historique")
    for libelle in ("Déposée", "Recevable", "Instruite", "Programmée", "Conventionnée", "En réalisation",
                    "Bilan déposé", "Bilan contrôlé", "Soldée"):
        expect(historique).to_contain_text(libelle)
    capturer(page, "19-admin-historique")

    # En base : ce que les pages ont montré.
    operation = Operation.objects.get(code=CODE)
    assert operation.etat == Etat.SOLDEE and numero
    ines = Participant.objects.get(pk=fiche.rstrip("/").rsplit("/", 1)[-1])
    assert Presence.objects.get(participant=ines).statut == "present"
    assert Bilan.objects.get(operation=operation).etat == "valide"
    assert ines.identifiant in participants_mdfse

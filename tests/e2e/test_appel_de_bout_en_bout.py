"""Dans un vrai navigateur, le circuit complet d'un appel à projets, de sa rédaction à la notification de la décision.

L'animation rédige et publie l'appel ; le porteur y répond (plan de financement, objectifs, pièces), dépose et reçoit
l'accusé de réception ; l'animation déclare la demande recevable, l'analyse, clôt l'instruction, planifie le comité,
inscrit l'opération et convoque ; un membre enregistre la décision « Programmée » ; l'animation déclare le comité
tenu ; le membre valide le procès-verbal ; le porteur voit l'avis et sa lettre de notification.

Seuls les comptes et les structures viennent des fabriques : tout le reste passe par les pages.
`CAPTURES=/un/dossier` enregistre une capture de chaque étape (pour relire les pages).
"""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annuaire.roles import Role
from appels_projets.models import AppelAProjets, Comite, PointOrdreDuJour, Reponse
from appels_projets.options import Avis, Decision, EtatAppel, EtatComite
from operations.documents import documents_de
from operations.models import Notification
from operations.options import Etat
from tests.e2e.parcours import capturer, se_connecter, se_deconnecter
from tests.factories import StructureFactory, utilisateur

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

TITRE = "Remobilisation vers l'emploi durable"
INTITULE = "Parcours de remobilisation par les compétences"
PIECES = ["Budget prévisionnel signé", "Statuts de la structure"]
CRITERES = [
    ("Pertinence au regard du diagnostic territorial", "40", "4 — bon"),
    ("Qualité de l'accompagnement proposé", "35", "4 — bon"),
    ("Capacité financière et administrative", "25", "5 — excellent"),
]
# Un PDF minimal : le contrôle des dépôts lit le contenu (annuaire/fichiers.py), il commence par « %PDF- ».
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def euros(texte):
    """Un montant tel que l'affiche le filtre `euros` : espace fine insécable des milliers, insécable avant €."""
    return texte.replace(" ", "\u202f") + "\u00a0€"


def message(page, texte):
    """Le message de confirmation (role=status) qui contient `texte` : une page peut en afficher plusieurs."""
    return page.get_by_role("status").filter(has_text=texte)


def ouvrir_le_comite(page):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Comités").click()
    page.locator("#comites").get_by_role("link", name=re.compile(r"\d\d\/\d\d\/\d{4} à \d\d:\d\d")).click()


def telecharger(page, lien):
    with page.expect_download() as attente:
        lien.click()
    return attente.value.suggested_filename


def test_un_appel_de_sa_redaction_a_la_notification_de_la_decision(page, live_server, tmp_path, mailoutbox):
    aujourd_hui = timezone.localdate()
    annee = aujourd_hui.year
    irfa = StructureFactory(nom="IRFA Bourgogne", sigle="IRFA")
    utilisateur(Role.ANIMATION, username="animation", first_name="Claire", last_name="Petit")
    porteur = utilisateur(Role.PORTEUR, structure=irfa, username="porteur", first_name="Julie", last_name="Moreau")
    utilisateur(Role.COMITE, username="membre", first_name="Marc", last_name="Dubois")
    fichiers = {}
    for nom in ["reglement-appel.pdf", "budget-previsionnel-signe.pdf", "statuts-irfa.pdf"]:
        fichiers[nom] = tmp_path / nom
        fichiers[nom].write_bytes(PDF)

    # --- 1. L'animation rédige l'appel, puis le publie ---
    se_connecter(page, live_server, "animation")
    page.get_by_role("link", name="Appels à projets").click()
    page.get_by_role("link", name="Rédiger un appel à projets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel appel à projets")
    page.get_by_label("Titre (obligatoire)").fill(TITRE)
    page.get_by_label("Année de programmation").fill(str(annee))
    page.get_by_label("Remobilisation", exact=True).check()
    page.get_by_label("Portage de référents", exact=True).check()
    page.get_by_label("Cahier des charges").fill("Remobiliser les participants du PLIE : diagnostic, remédiation, "
                                                 "recherche d'emploi accompagnée.")
    page.get_by_label("Enveloppe FSE (€)").fill("150 000,00")
    page.get_by_label("Cofinancement attendu (€)").fill("75 000")
    page.get_by_label("Ouverture des dépôts").fill(aujourd_hui.isoformat())
    page.get_by_label("Date limite de dépôt").fill((aujourd_hui + timedelta(days=30)).isoformat())
    page.get_by_label("Heure limite de dépôt").fill("12:00")
    page.get_by_label("Début de réalisation au plus tôt").fill(date(annee, 1, 1).isoformat())
    page.get_by_label("Fin de réalisation au plus tard").fill(date(annee, 12, 31).isoformat())
    page.get_by_label("Taux FSE maximal (%)").fill("50")
    pieces = page.get_by_role("group", name="Pièces à joindre à chaque réponse")
    for ligne, libelle in enumerate(PIECES, start=1):
        pieces.get_by_label(f"Pièce demandée, ligne {ligne}").fill(libelle)
        expect(pieces.get_by_label(f"Obligatoire, ligne {ligne}")).to_be_checked()
    grille = page.get_by_role("group", name="Grille d'analyse")
    for ligne, (libelle, poids, _) in enumerate(CRITERES, start=1):
        grille.get_by_label(f"Critère, ligne {ligne}").fill(libelle)
        grille.get_by_label(f"Poids (%), ligne {ligne}").fill(poids)
    jointes = page.get_by_role("group", name="Pièces jointes au cahier des charges")
    jointes.get_by_label("Titre, ligne 1").fill("Règlement de l'appel")
    jointes.get_by_label("Fichier, ligne 1").set_input_files(fichiers["reglement-appel.pdf"])
    capturer(page, "appel-01-redaction-de-l-appel")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(message(page, f"L'appel « {TITRE} » est enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITRE)
    expect(page.locator("[data-etat]")).to_have_text("Brouillon")
    expect(page.locator("#grille tfoot")).to_contain_text("100\u00a0%")
    expect(page.locator("#pieces-requises li")).to_have_text(PIECES)
    expect(page.get_by_role("link", name="Règlement de l'appel")).to_be_visible()
    page.get_by_role("button", name="Publier l'appel").click()
    expect(message(page, f"L'appel « {TITRE} » est maintenant « Publié ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Publié")
    capturer(page, "appel-02-appel-publie")
    se_deconnecter(page)

    # --- 2. Le porteur répond à l'appel ouvert, complète sa demande, dépose ses pièces et la demande ---
    se_connecter(page, live_server, "porteur")
    page.get_by_role("link", name="Appels à projets").click()
    expect(page.locator("#appels")).to_contain_text(TITRE)
    capturer(page, "appel-03-appels-ouverts-vus-du-porteur")
    page.get_by_role("link", name=f"Répondre à l'appel « {TITRE} »").click()
    page.get_by_label("Intitulé de l'opération").fill(INTITULE)
    page.get_by_label("Type d'opération").select_option(label="Remobilisation")
    page.get_by_label("Début de réalisation").fill(date(annee, 3, 1).isoformat())
    page.get_by_label("Fin de réalisation").fill(date(annee, 12, 31).isoformat())
    page.get_by_label("Description").fill("Diagnostic des compétences, remédiation, recherche d'emploi : 150 entrées.")
    page.get_by_role("button", name="Créer ma réponse en brouillon").click()

    expect(message(page, "est créée en brouillon")).to_be_visible()
    titre_reponse = page.get_by_role("heading", level=1)
    expect(titre_reponse).to_have_text(re.compile(rf"^OP-{annee}-\d+ · {re.escape(INTITULE)}$"))
    code = titre_reponse.inner_text().split(" · ")[0]
    expect(page.locator("[data-etat]")).to_have_text("Brouillon")
    for libelle, nom in zip(PIECES, ["budget-previsionnel-signe.pdf", "statuts-irfa.pdf"], strict=True):
        page.get_by_label(f"Fichier pour « {libelle} »", exact=True).set_input_files(fichiers[nom])
        page.get_by_role("button", name=f"Déposer le fichier pour « {libelle} »").click()
        expect(message(page, f"{libelle} : le fichier « {nom} » est déposé.")).to_be_visible()
        expect(page.get_by_role("link", name=nom)).to_be_visible()
    expect(page.locator("#checklist")).to_contain_text("Pièce : Statuts de la structure — déposée")
    capturer(page, "appel-04-pieces-deposees")

    page.get_by_role("link", name="Compléter la demande (plan de financement, objectifs)").click()
    depenses = page.get_by_role("group", name="Dépenses prévisionnelles")
    depenses.get_by_label("Catégorie, ligne 1").select_option(label="Dépenses directes de personnel")
    depenses.get_by_label("Libellé, ligne 1").fill("Formatrices (1,5 ETP)")
    depenses.get_by_label("Montant (€), ligne 1").fill("18 000,00")
    depenses.get_by_label("Catégorie, ligne 2").select_option(label="Dépenses directes de fonctionnement")
    depenses.get_by_label("Libellé, ligne 2").fill("Locaux et supports pédagogiques")
    depenses.get_by_label("Montant (€), ligne 2").fill("2 000,00")
    ressources = page.get_by_role("group", name="Ressources prévisionnelles")
    ressources.get_by_label("Financeur, ligne 1").select_option(label="Fonds social européen")
    ressources.get_by_label("Montant (€), ligne 1").fill("10 000,00")
    ressources.get_by_label("Financeur, ligne 2").select_option(label="Grand Dijon / Dijon Métropole")
    ressources.get_by_label("Montant (€), ligne 2").fill("10 000,00")
    objectifs = page.get_by_role("group", name="Objectifs")
    objectifs.get_by_label("Indicateur, ligne 1").select_option(label="Entrées")
    objectifs.get_by_label("Valeur cible, ligne 1").fill("150")
    capturer(page, "appel-05-plan-de-financement")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(message(page, f"La demande {code} est enregistrée.")).to_be_visible()
    expect(page.locator("[data-test=total-depenses]")).to_have_text(euros("20 000,00"))
    expect(page.locator("[data-test=total-ressources]")).to_have_text(euros("20 000,00"))
    page.get_by_text("Déposer la demande…").click()
    page.get_by_role("button", name="Confirmer : déposer la demande").click()
    expect(message(page, f"L'opération {code} est maintenant « Déposée ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Déposée")

    # L'accusé de réception est produit au dépôt : le porteur le trouve sur sa réponse et le télécharge.
    page.get_by_role("link", name="Appels à projets").click()
    page.locator("#appels").get_by_role("link", name=code).click()
    expect(page.locator("[data-etat]")).to_have_text("Déposée")
    depot = re.compile(r"déposée le \d\d/\d\d/\d{4} à \d\d:\d\d")
    expect(page.locator("[data-etat]").locator("..")).to_contain_text(depot)
    accuse = page.locator("#documents").get_by_role("link", name=f"accuse-reception-{code}.docx")
    expect(accuse).to_be_visible()
    capturer(page, "appel-06-accuse-de-reception")
    assert telecharger(page, accuse) == f"accuse-reception-{code}.docx"
    se_deconnecter(page)

    # --- 3. L'animation vérifie la recevabilité et déclare la demande recevable ---
    se_connecter(page, live_server, "animation")
    page.get_by_role("link", name="Appels à projets").click()
    page.locator("#appels").get_by_role("link", name=TITRE).click()
    page.get_by_role("link", name=code).click()
    page.get_by_role("link", name="Vérifier la recevabilité").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Recevabilité : {code} · {INTITULE}")
    checklist = page.locator("#checklist li")
    expect(checklist).to_have_count(6)  # deux pièces, période, taux FSE, équilibre, date de dépôt
    expect(page.locator("#checklist li.checklist__ko")).to_have_count(0)
    expect(page.locator("#checklist")).to_contain_text("Taux FSE sous le plafond de l'appel — 50")
    page.get_by_label("Point vérifié").fill("Attestation sur l'honneur signée")
    page.get_by_label("Conforme", exact=True).check()
    page.get_by_role("button", name="Enregistrer la vérification").click()
    expect(message(page, "Vérification « Attestation sur l'honneur signée » enregistrée.")).to_be_visible()
    expect(page.locator("#verifications")).to_contain_text("Claire Petit")
    capturer(page, "appel-07-recevabilite")
    page.get_by_role("button", name="Déclarer recevable").click()
    expect(message(page, f"La demande {code} est maintenant « Recevable ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Recevable")

    # --- 4. L'animation engage l'instruction, saisit son analyse, puis clôt l'instruction ---
    page.get_by_role("button", name="Engager l'instruction").click()
    expect(message(page, f"La demande {code} est maintenant « En instruction ».")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Analyse : {code} · {INTITULE}")
    expect(page.locator("[data-test=fse-demande]")).to_contain_text(euros("10 000,00"))
    for libelle, _, note in CRITERES:
        critere = page.get_by_role("group", name=re.compile(rf"^{re.escape(libelle)}"))
        critere.get_by_label(note, exact=True).check()
        critere.get_by_label("Commentaire", exact=True).fill(f"Appréciation sur « {libelle} ».")
    page.get_by_label("Favorable", exact=True).check()
    page.get_by_label("Montant FSE proposé (€)").fill("9 500,00")
    page.get_by_label("Synthèse de l'analyse").fill("Projet cohérent avec le diagnostic territorial ; FSE ajusté.")
    capturer(page, "appel-08-analyse-saisie")
    page.get_by_role("button", name="Enregistrer mon analyse").click()
    # Note pondérée : (4 × 40 + 4 × 35 + 5 × 25) / 100.
    expect(message(page, "Votre analyse est enregistrée : note pondérée 4,25 / 5.")).to_be_visible()
    expect(page.locator("[data-test=note-moyenne]")).to_have_text("4,25 / 5")
    page.get_by_role("button", name="Générer le rapport d'instruction").click()
    expect(message(page, f"Le rapport d'instruction « rapport-instruction-{code}.docx » est prêt.")).to_be_visible()
    page.get_by_role("link", name="Analyse", exact=True).click()
    page.get_by_role("button", name="Clore l'instruction").click()
    expect(message(page, f"La demande {code} est maintenant « Instruite ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Instruite")
    expect(page.locator("[data-test=montant-propose]")).to_have_text(euros("9 500,00"))
    capturer(page, "appel-09-instruction-close")

    # --- 5. L'animation planifie le comité, inscrit l'opération à l'ordre du jour et convoque ---
    page.get_by_role("link", name="Comités").click()
    page.get_by_role("link", name="Planifier un comité").click()
    page.get_by_label("Type").select_option(label="Comité de programmation")
    page.get_by_label("Date").fill(aujourd_hui.isoformat())
    page.get_by_label("Heure").fill("14:00")
    page.get_by_label("Lieu").fill("Hôtel de la métropole, salle du conseil")
    page.get_by_label("Marc Dubois").check()
    capturer(page, "appel-10-planification-du-comite")
    page.get_by_role("button", name="Planifier le comité").click()
    jour = aujourd_hui.strftime("%d/%m/%Y")
    expect(message(page, f"Le Comité de programmation du {jour} est planifié.")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Planifié")
    page.get_by_label(re.compile(re.escape(code))).check()
    page.get_by_role("button", name="Inscrire les opérations cochées").click()
    expect(message(page, f"Inscrite à l'ordre du jour : {code}.")).to_be_visible()
    expect(page.locator("#tableau-ordre-du-jour")).to_contain_text(code)
    assert telecharger(page, page.get_by_role("link", name="Télécharger le dossier de séance (Word)")) == (
        f"dossier-comite-{aujourd_hui:%Y-%m-%d}.docx")
    page.get_by_role("button", name="Convoquer le comité").click()
    expect(message(page, "Le comité est maintenant « Convoqué ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Convoqué")
    capturer(page, "appel-11-comite-convoque")
    se_deconnecter(page)

    # --- 6. Le membre enregistre la décision ; l'animation déclare le comité tenu ; le membre valide le PV ---
    se_connecter(page, live_server, "membre")
    ouvrir_le_comite(page)
    page.get_by_label(f"Décision pour {code}").select_option(label="Programmée")
    page.get_by_label(f"Montant FSE voté pour {code}, en euros").fill("9 500,00")
    enveloppe = page.locator("#enveloppes tbody tr")
    expect(enveloppe.locator("[data-role=reste]")).to_have_text(euros("140 500,00"))
    capturer(page, "appel-12-decision-en-seance")
    page.get_by_role("button", name="Enregistrer les décisions").click()
    expect(message(page, "1 décision enregistrée.")).to_be_visible()
    expect(page.locator("#tableau-decisions")).to_contain_text("par Marc Dubois")
    se_deconnecter(page)

    se_connecter(page, live_server, "animation")
    ouvrir_le_comite(page)
    page.get_by_role("button", name="Déclarer le comité tenu").click()
    expect(message(page, "Le comité est maintenant « Tenu ».")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Tenu")
    se_deconnecter(page)

    se_connecter(page, live_server, "membre")
    ouvrir_le_comite(page)
    page.get_by_text("Valider le procès-verbal…").click()
    expect(page.get_by_text("Les décisions ne pourront plus être modifiées.")).to_be_visible()
    page.get_by_role("button", name="Confirmer : valider le procès-verbal").click()
    expect(message(page, "Le comité est maintenant « Procès-verbal validé ».")).to_be_visible()
    expect(message(page, "le procès-verbal et les lettres de notification sont produits")).to_be_visible()
    expect(page.locator("[data-etat]")).to_have_text("Procès-verbal validé")
    lettres = page.locator("#tableau-lettres")
    expect(lettres).to_contain_text(code)
    expect(lettres).to_contain_text("Programmée")
    expect(lettres.get_by_role("link", name=f"notification-{code}.docx")).to_be_visible()
    capturer(page, "appel-13-proces-verbal-valide")
    assert telecharger(page, page.get_by_role("link", name=re.compile("Télécharger le procès-verbal"))) == (
        f"pv-comite-{aujourd_hui:%Y-%m-%d}.docx")
    se_deconnecter(page)

    # --- 7. Le porteur voit l'avis de la décision, l'état de son opération et sa lettre de notification ---
    se_connecter(page, live_server, "porteur")
    avis = page.get_by_role("region", name="Derniers avis")
    expect(avis).to_contain_text(f"[{code}] Recevable : {INTITULE}")
    capturer(page, "appel-14-accueil-du-porteur")
    avis.get_by_role("link", name=f"[{code}] Programmée : {INTITULE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{code} · {INTITULE}")
    expect(page.locator("[data-etat]")).to_have_text("Programmée")
    expect(page.locator("#historique")).to_contain_text("Programmée")
    page.get_by_role("link", name="Appels à projets").click()
    page.locator("#appels").get_by_role("link", name=code).click()
    documents = page.locator("#documents")
    lettre = documents.get_by_role("link", name=f"notification-{code}.docx")
    expect(lettre).to_be_visible()
    expect(documents.get_by_role("link", name=f"accuse-reception-{code}.docx")).to_be_visible()
    expect(documents).not_to_contain_text("rapport-instruction")  # le rapport d'instruction reste à l'animation
    expect(page.locator("#analyses")).to_have_count(0)
    capturer(page, "appel-15-lettre-de-notification")
    assert telecharger(page, lettre) == f"notification-{code}.docx"

    # --- En base : l'appel, l'opération, le comité, les documents, les avis et le courriel ---
    appel = AppelAProjets.objects.get()
    assert (appel.titre, appel.etat, appel.enveloppe_fse) == (TITRE, EtatAppel.PUBLIE, Decimal("150000.00"))
    assert [c.poids for c in appel.criteres.all()] == [40, 35, 25]
    reponse = Reponse.objects.select_related("operation").get(appel=appel)
    operation = reponse.operation
    assert (operation.code, operation.etat, operation.porteur) == (code, Etat.PROGRAMMEE, irfa)
    assert operation.montant_fse == Decimal("10000.00") and reponse.deposee_le is not None
    assert reponse.pieces.count() == 2 and reponse.verifications.get().conforme
    analyse = reponse.analyses.get()
    assert (analyse.avis, analyse.montant_fse_propose, analyse.note_ponderee) == (
        Avis.FAVORABLE, Decimal("9500.00"), Decimal("4.25"))
    comite = Comite.objects.get()
    assert comite.etat == EtatComite.PV_VALIDE
    point = PointOrdreDuJour.objects.get(comite=comite)
    assert (point.reponse, point.decision, point.montant_vote, point.decidee_par.username) == (
        reponse, Decision.PROGRAMMEE, Decimal("9500.00"), "membre")
    assert documents_de(reponse, "accuse_reception").count() == 1
    assert documents_de(reponse, "rapport_instruction").count() == 1
    assert documents_de(comite, "dossier_comite").count() == 1
    assert documents_de(comite, "pv_comite").count() == 1
    assert documents_de(point, "lettre_notification").count() == 1
    assert Notification.objects.filter(destinataire=porteur, operation=operation, objet__contains="Programmée").exists()
    courriels = [m for m in mailoutbox if porteur.email in m.to]
    assert [m.subject for m in courriels if m.attachments] == [
        f"[{code}] Accusé de réception de votre demande", f"Décision du comité de programmation du {jour}",
    ]
    assert courriels[-1].attachments[0][0] == f"notification-{code}.docx"

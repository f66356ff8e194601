"""Les documents Word du circuit d'un appel, ouverts et lus : chiffres à la française, tableaux, mentions FSE ;
et les tâches qui les produisent : une seule fois, courriel compris, même rejouées.
"""
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.conf import settings as reglages
from django.core.mail import EmailMessage
from django.utils import timezone
from docx import Document

from annuaire.roles import Role
from appels_projets import documents as docs
from appels_projets import planifiees, tasks
from appels_projets.models import Comite
from appels_projets.options import Decision, EtatAppel, EtatComite
from appels_projets.services import comite_valider_pv
from config.celery import app as celery_app
from operations.documents import DOSSIER_MODELES, MODELES, documents_de, variables_inconnues
from operations.models import DocumentGenere
from operations.options import Etat
from operations.services import operation_transition
from tests.celery_reel import DELAI
from tests.factories import StructureFactory, utilisateur
from tests.stockage import fichiers
from tests.lecture_docx import eur, lignes, ouvrir, table_avec, texte, verifier_publicite

from .factories import AnalyseFactory, AppelFactory, ComiteFactory, PointFactory, ReponseFactory

TOTAL = "18\u202f044,30\u00a0€"  # le plan de financement de référence (tests/factories.py)
FSE = "9\u202f022,15\u00a0€"
DEPOT = datetime(2016, 12, 31, 13, 5, tzinfo=UTC)  # 14:05 à Paris
TYPE_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- Données ---

@pytest.fixture(autouse=True)
def _medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fichiers_stockes(_racine, dossier="documents") -> list[str]:
    return fichiers(dossier)


@pytest.fixture
def structure(db):
    return StructureFactory(nom="Association Prévention & Solidarité <APS>", sigle="APS", commune="Dijon",
                            adresse="12 rue de l'Égalité\nBP 42", representant="Mme Hélène Durand")


@pytest.fixture
def porteurs(structure):
    return [utilisateur(Role.PORTEUR, structure=structure, username=f"porteur-aps-{i}") for i in (1, 2)]


@pytest.fixture
def appel(db):
    return AppelFactory(etat=EtatAppel.PUBLIE, titre="Remobilisation & compétences <2016>", enveloppe_fse=Decimal("20000"))


@pytest.fixture
def reponse(appel, structure):
    return ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.DEPOSEE, deposee_le=DEPOT,
                          operation__intitule="Référents « parcours » & suivi <renforcé>")


# --- Les modèles et leur documentation ---

@pytest.mark.parametrize("nature", sorted(MODELES))  # tous les modèles déclarés, toutes apps confondues
def test_chaque_modele_n_attend_que_des_variables_declarees(nature):
    assert variables_inconnues(nature) == set()


def test_une_variable_inconnue_du_code_est_detectee(tmp_path):
    copie = tmp_path / "modele.docx"
    shutil.copy(MODELES["lettre_notification"].chemin, copie)
    modele = Document(copie)
    modele.add_paragraph("Montant : {{ montant_inconnu|euros }} {{ decision.libelle }}")
    modele.save(copie)
    assert variables_inconnues("lettre_notification", copie) == {"montant_inconnu"}


def test_le_readme_des_modeles_documente_chaque_variable():
    readme = (DOSSIER_MODELES / "README.md").read_text()
    for nature in MODELES:
        modele = MODELES[nature]
        assert f"`{modele.fichier}`" in readme
        manquantes = [v for v in modele.variables if f"`{v}`" not in readme]
        assert not manquantes, f"{nature} : variables absentes du README : {manquantes}"


# --- Accusé de réception ---

def test_accuse_de_reception_et_son_courriel_une_seule_fois(reponse, porteurs, mailoutbox):
    autre = utilisateur(Role.PORTEUR, structure=StructureFactory())  # une autre structure : rien ne lui est envoyé

    identifiant = tasks.generer_accuse_reception.delay(reponse.pk).get()

    document = DocumentGenere.objects.get(pk=identifiant)
    assert document.nature == "accuse_reception" and document.objet == reponse
    docx = ouvrir(document)
    contenu = texte(docx)
    operation = reponse.operation
    assert f"{operation.code} — Référents « parcours » & suivi <renforcé>" in contenu
    assert "Remobilisation & compétences <2016>" in contenu
    assert "Association Prévention & Solidarité <APS>" in contenu
    assert "12 rue de l'Égalité" in contenu
    assert "le 31/12/2016 à 14:05 (heure de Paris)" in contenu
    assert "Édité le 31/12/2016" in contenu  # la date du dépôt, même réédité des années plus tard
    assert lignes(table_avec(docx, "Opération"))[-2:] == [["Coût total", TOTAL], ["Montant FSE demandé", FSE]]
    assert lignes(table_avec(docx, "Pièce")) == [
        ["Pièce", "Fichier"],
        ["Budget prévisionnel signé", "Budget prévisionnel signé.pdf"],
        ["Statuts de la structure", "Statuts de la structure.pdf"],
    ]
    assert "Il ne préjuge ni de la recevabilité de la demande" in contenu
    verifier_publicite(docx, operation.programme)

    assert len(mailoutbox) == 1
    courriel = mailoutbox[0]
    assert sorted(courriel.to) == sorted(p.email for p in porteurs) and autre.email not in courriel.to
    assert operation.code in courriel.subject
    assert [(nom, type_mime) for nom, _, type_mime in courriel.attachments] == [(document.nom, TYPE_DOCX)]
    with document.fichier.open("rb") as fichier:
        assert courriel.attachments[0][1] == fichier.read()

    # Rejouée (message livré deux fois) : le même document, aucun second courriel.
    assert tasks.generer_accuse_reception.delay(reponse.pk).get() == identifiant
    assert documents_de(reponse, "accuse_reception").count() == 1
    assert len(mailoutbox) == 1


def test_le_depot_produit_l_accuse_apres_le_commit(appel, structure, porteurs, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    reponse = ReponseFactory(appel=appel, operation__porteur=structure, pieces=True)
    with django_capture_on_commit_callbacks(execute=True):
        operation_transition(operation=reponse.operation, nom="deposer", user=porteurs[0])
    reponse.refresh_from_db()
    assert reponse.deposee_le is not None
    document = documents_de(reponse, "accuse_reception").get()
    assert f"le {timezone.localtime(reponse.deposee_le):%d/%m/%Y à %H:%M}" in texte(ouvrir(document))
    assert [c.subject for c in mailoutbox if c.attachments] == [f"[{reponse.operation.code}] Accusé de réception de votre demande"]


def test_un_courriel_en_echec_est_reessaye_sans_doublon(reponse, porteurs, mailoutbox, _medias, monkeypatch):
    # En mode « eager », Celery ne rejoue la tâche que s'il ne propage pas l'exception de l'essai manqué.
    monkeypatch.setattr(celery_app.conf, "task_eager_propagates", False)
    envoyer = EmailMessage.send
    essais = []

    def panne_puis_envoi(message, *args, **kwargs):
        essais.append(message.subject)
        if len(essais) == 1:
            raise SMTPServerDisconnected("serveur de courriel indisponible")
        return envoyer(message, *args, **kwargs)

    with mock.patch.object(EmailMessage, "send", panne_puis_envoi):
        identifiant = tasks.generer_accuse_reception.delay(reponse.pk).get()

    assert len(essais) == 2 and len(mailoutbox) == 1
    assert list(documents_de(reponse).values_list("pk", flat=True)) == [identifiant]
    assert len(fichiers_stockes(_medias)) == 1  # le fichier du premier essai, annulé, a été retiré


# --- Rapport d'instruction ---

@pytest.fixture
def instruite(reponse, animation):
    reponse.verifications.create(libelle="Attestation sur l'honneur signée", conforme=True,
                                 commentaire="Signée par la présidente & le trésorier", par=animation)
    AnalyseFactory(reponse=reponse, analyste=animation, notes=[5, 4, 3], montant_fse_propose=Decimal("9022.15"),
                   commentaire="Projet solide <à suivre> & cohérent.")
    AnalyseFactory(reponse=reponse, notes=[3, 3, 3], montant_fse_propose=Decimal("8000.00"), avis="reserve")
    return reponse


def test_rapport_d_instruction(instruite, animation):
    document = docs.rapport_instruction_generer(instruite, animation)

    assert document.cree_par == animation and document.nom == f"rapport-instruction-{instruite.operation.code}.docx"
    docx = ouvrir(document)
    contenu = texte(docx)
    assert f"{instruite.operation.code} — Référents « parcours » & suivi <renforcé>" in contenu
    depenses = lignes(table_avec(docx, "Catégorie"))
    assert depenses[0] == ["Catégorie", "Détail", "Montant"]
    assert depenses[1] == ["Dépenses directes de personnel", f"Référent de parcours (0,5 ETP) : {eur('15 000,00')}",
                           eur("15 000,00")]
    assert depenses[-1] == ["Total des dépenses", "", TOTAL]
    fse, metropole = (str(r.financeur) for r in instruite.operation.ressources.all())
    assert lignes(table_avec(docx, "Financeur")) == [
        ["Financeur", "Montant", "Part du coût total"],
        [fse, FSE, "50,0\u00a0%"],
        [metropole, FSE, "50,0\u00a0%"],
        ["Total des ressources", TOTAL, ""],
    ]
    assert f"Montant FSE demandé : {FSE}, soit un taux FSE de 50,0\u00a0% du coût total." in contenu
    assert ["File active", "80 participants"] in lignes(table_avec(docx, "Indicateur"))
    recevabilite = lignes(table_avec(docx, "Vérification"))
    assert ["Pièce : Budget prévisionnel signé", "Conforme", "déposée"] in recevabilite
    assert ["Ressources équilibrant les dépenses", "Conforme", f"dépenses {TOTAL}, ressources {TOTAL}"] in recevabilite
    manuelles = [t for t in docx.tables if t.rows[0].cells[-1].text == "Par, le"][0]
    assert lignes(manuelles)[1][:3] == ["Attestation sur l'honneur signée", "Conforme",
                                        "Signée par la présidente & le trésorier"]
    grilles = [lignes(t) for t in docx.tables if t.rows[0].cells[0].text == "Critère"]
    assert len(grilles) == 2
    assert grilles[0][1] == ["Pertinence au regard du diagnostic territorial", "40 %", "5/5",
                             "Appréciation sur « Pertinence au regard du diagnostic territorial »."]
    assert grilles[0][-1] == ["Note pondérée", "100 %", "4,15/5", ""]  # (5×40 + 4×35 + 3×25) / 100
    assert grilles[1][-1] == ["Note pondérée", "100 %", "3/5", ""]
    assert f"Avis proposé : Favorable — montant FSE proposé : {FSE}" in contenu
    assert f"Avis proposé : Réservé — montant FSE proposé : {eur('8 000,00')}" in contenu
    assert "Synthèse : Projet solide <à suivre> & cohérent." in contenu
    conclusion = lignes(table_avec(docx, "Note moyenne des analyses"))
    assert conclusion == [["Note moyenne des analyses", "3,58/5"], ["Montant FSE demandé", FSE],
                          ["Montant FSE proposé", eur("8 511,08")]]
    verifier_publicite(docx, instruite.operation.programme)


def test_regenerer_sur_les_memes_donnees_rend_le_meme_document(instruite, animation, _medias):
    premier = docs.rapport_instruction_generer(instruite, animation)
    assert docs.rapport_instruction_generer(instruite, animation) == premier
    assert len(fichiers_stockes(_medias)) == 1

    analyse = instruite.analyses.get(analyste=animation)
    analyse.commentaire = "Synthèse revue après échange avec le porteur."
    analyse.save()
    second = docs.rapport_instruction_generer(instruite, animation)

    assert second != premier and second.version_donnees != premier.version_donnees
    assert documents_de(instruite, "rapport_instruction").count() == 2
    assert "Synthèse revue après échange avec le porteur." in texte(ouvrir(second))


# --- Comité : dossier de séance ---

@pytest.fixture
def membres(db):
    return [utilisateur(Role.COMITE, username="membre-1", first_name="Anne", last_name="Bernard"),
            utilisateur(Role.COMITE, username="membre-2", first_name="Paul", last_name="Lefèvre")]


@pytest.fixture
def seance(appel, structure, membres):
    """Un comité à deux opérations du même appel, après un comité qui a déjà voté 5 000 € sur cet appel."""
    anterieur = ComiteFactory(etat=EtatComite.PV_VALIDE, date=datetime(2016, 3, 10, 9, tzinfo=UTC),
                              membres=membres)
    PointFactory(comite=anterieur, reponse=ReponseFactory(appel=appel, operation__etat=Etat.PROGRAMMEE),
                 decision=Decision.PROGRAMMEE, montant_vote=Decimal("5000.00"))
    comite = ComiteFactory(etat=EtatComite.CONVOQUE, membres=membres, lieu="Salle « Europe » & annexe",
                           date=datetime(2016, 5, 12, 7, 30, tzinfo=UTC))
    for rang, (notes, montant) in enumerate([([4, 4, 4], "9022.15"), ([2, 3, 2], "6000.00")], start=1):
        reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.INSTRUITE)
        AnalyseFactory(reponse=reponse, notes=notes, montant_fse_propose=Decimal(montant),
                       avis="favorable" if rang == 1 else "defavorable")
        PointFactory(comite=comite, reponse=reponse, ordre=rang)
    return comite


def test_dossier_de_comite(seance, animation):
    document = docs.dossier_comite_generer(seance, animation)

    assert document.nom == "dossier-comite-2016-05-12.docx"
    docx = ouvrir(document)
    contenu = texte(docx)
    assert "Comité de programmation" in contenu
    assert ["Date", "12/05/2016 à 09:30"] in lignes(docx.tables[0])
    assert ["Lieu", "Salle « Europe » & annexe"] in lignes(docx.tables[0])
    assert "Anne Bernard" in contenu and "Paul Lefèvre" in contenu
    points = list(seance.points.select_related("reponse__operation"))
    synthese = lignes(table_avec(docx, "N°"))
    assert synthese[0] == ["N°", "Opération", "Porteur", "FSE demandé", "FSE proposé", "Note /5", "Avis"]
    assert synthese[1] == ["1", f"{points[0].reponse.operation.code}\n{points[0].reponse.operation.intitule}",
                           "Association Prévention & Solidarité <APS>", FSE, FSE, "4", "Favorable"]
    assert synthese[2][3:] == [FSE, eur("6 000,00"), "2,35", "Défavorable"]  # (2×40 + 3×35 + 2×25) / 100
    assert synthese[-1] == ["", "Total (2 opérations)", "", TOTAL, eur("15 022,15"), "", ""]
    assert lignes(table_avec(docx, "Appel à projets")) == [
        ["Appel à projets", "Enveloppe", "Déjà consommée", "Restante"],
        ["Remobilisation & compétences <2016>", eur("20 000,00"), eur("5 000,00"), eur("15 000,00")],
    ]
    # Une page par opération : chaque fiche commence par un titre avec saut de page.
    fiches = [p.text for p in docx.paragraphs if p.paragraph_format.page_break_before]
    assert fiches == [f"{p.ordre}. {p.reponse.operation.code} — {p.reponse.operation.intitule}" for p in points]
    assert contenu.count("Total des ressources") == 2
    verifier_publicite(docx, [p.reponse.operation.programme for p in points])


# --- Comité : décisions, procès-verbal, lettres ---

DECISION_LE = datetime(2016, 5, 12, 8, 15, tzinfo=UTC)  # 10:15 à Paris


@pytest.fixture
def tenu(appel, structure, membres):
    """Séance tenue : deux opérations de `structure` (programmée, ajournée), une d'une autre (rejetée).

    Un comité antérieur a déjà voté 12 000 € sur l'appel (enveloppe 20 000 €) : les 9 000 € votés ici la dépassent,
    dépassement confirmé explicitement.
    """
    anterieur = ComiteFactory(etat=EtatComite.PV_VALIDE, date=datetime(2016, 3, 10, 9, tzinfo=UTC), membres=membres)
    PointFactory(comite=anterieur, reponse=ReponseFactory(appel=appel, operation__etat=Etat.PROGRAMMEE),
                 decision=Decision.PROGRAMMEE, montant_vote=Decimal("12000.00"))
    comite = ComiteFactory(etat=EtatComite.TENU, membres=membres, date=datetime(2016, 5, 12, 7, 30, tzinfo=UTC))
    autre = StructureFactory(nom="IRFA Bourgogne", representant="M. Jean Petit", adresse="3 avenue Foch")
    decisions = [
        (structure, Decision.PROGRAMMEE, Decimal("9000.00"), ""),
        (structure, Decision.AJOURNEE, None, "Préciser le public & les quartiers <QPV> visés."),
        (autre, Decision.REJETEE, None, "Hors du champ de l'appel."),
    ]
    for rang, (porteur, decision, montant, motivation) in enumerate(decisions, start=1):
        PointFactory(comite=comite, ordre=rang, decision=decision, montant_vote=montant, motivation=motivation,
                     reponse=ReponseFactory(appel=appel, operation__porteur=porteur, operation__etat=Etat.INSTRUITE),
                     decidee_par=membres[0], decidee_le=DECISION_LE, depassement_confirme=rang == 1)
    return comite


def test_proces_verbal(tenu, membres):
    docx = ouvrir(docs.pv_comite_generer(tenu, membres[0]))

    contenu = texte(docx)
    assert "Comité de programmation du 12/05/2016 à 09:30" in contenu
    assert "Édité le 12/05/2016" in contenu
    assert "Anne Bernard" in contenu and "Paul Lefèvre" in contenu
    programmee, ajournee, rejetee = tenu.points.select_related("reponse__operation")
    decisions = lignes(table_avec(docx, "N°"))
    assert decisions[0] == ["N°", "Opération", "Décision", "FSE demandé", "FSE voté", "Motivation", "Enregistrée par"]
    operation = programmee.reponse.operation
    assert decisions[1] == ["1", f"{operation.code} — {operation.intitule}\nAssociation Prévention & Solidarité <APS>",
                            "Programmée", FSE, eur("9 000,00"), "", "Anne Bernard\nle 12/05/2016 à 10:15"]
    assert decisions[2][2:6] == ["Ajournée", FSE, "", "Préciser le public & les quartiers <QPV> visés."]
    assert decisions[3][1].endswith("IRFA Bourgogne") and decisions[3][2] == "Rejetée"
    assert decisions[-1] == ["", "Total", "1 programmée(s)\n1 ajournée(s)\n1 rejetée(s)", eur("27 066,45"),
                             eur("9 000,00"), "", ""]
    assert lignes(table_avec(docx, "Appel à projets"))[1] == [
        "Remobilisation & compétences <2016>", eur("20 000,00"), eur("12 000,00"), eur("9 000,00"), eur("21 000,00"),
        f"{eur('-1 000,00')}\nenveloppe dépassée",
    ]
    assert (f"{operation.code} : le dépassement de l'enveloppe de l'appel « Remobilisation & compétences <2016> » "
            "a été explicitement confirmé par Anne Bernard le 12/05/2016 à 10:15.") in contenu
    verifier_publicite(docx, operation.programme)


def test_lettres_de_notification(tenu, membres):
    programmee, ajournee, rejetee = tenu.points.select_related("reponse__operation")
    textes = {p.decision: texte(ouvrir(docs.lettre_notification_generer(p, membres[0]))) for p in tenu.points.all()}

    lettre = textes[Decision.PROGRAMMEE]
    for attendu in ("Association Prévention & Solidarité <APS>", "À l'attention de Mme Hélène Durand, représentant légal",
                    "12 rue de l'Égalité\nBP 42", "Objet : décision du comité de programmation du 12/05/2016",
                    f"Opération : {programmee.reponse.operation.code} — « {programmee.reponse.operation.intitule} »",
                    "Appel à projets : « Remobilisation & compétences <2016> »", f"vous sollicitiez {FSE}", "Le 12/05/2016",
                    f"programmer votre opération pour un montant FSE de {eur('9 000,00')}.",
                    "la convention attributive de l'aide FSE vous sera adressée", "Pour le PLIE de l'agglomération dijonnaise"):
        assert attendu in lettre
    assert "motif" not in lettre
    assert "d'ajourner sa décision" in textes[Decision.AJOURNEE]
    assert "Préciser le public & les quartiers <QPV> visés." in textes[Decision.AJOURNEE]
    assert "convention" not in textes[Decision.AJOURNEE]
    assert "M. Jean Petit" in textes[Decision.REJETEE] and "ne pas retenir votre opération" in textes[Decision.REJETEE]
    assert "Hors du champ de l'appel." in textes[Decision.REJETEE]
    verifier_publicite(ouvrir(documents_de(rejetee, "lettre_notification").get()), rejetee.reponse.operation.programme)


def test_valider_le_pv_produit_pv_lettres_et_un_courriel_par_porteur(tenu, membres, porteurs, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    irfa = utilisateur(Role.PORTEUR, structure=StructureFactory(nom="IRFA Bourgogne"), username="porteur-irfa")

    with django_capture_on_commit_callbacks(execute=True):
        comite_valider_pv(comite=tenu, user=membres[0])

    points = list(tenu.points.select_related("reponse__operation"))
    assert [p.reponse.operation.etat for p in points] == [Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE]
    pv = documents_de(tenu, "pv_comite").get()
    assert pv.cree_par == membres[0]
    lettres = [documents_de(p, "lettre_notification").get() for p in points]
    courriels = sorted((m for m in mailoutbox if m.attachments), key=lambda m: len(m.to))
    assert [sorted(m.to) for m in courriels] == [[irfa.email], sorted(p.email for p in porteurs)]
    assert [nom for nom, _, _ in courriels[1].attachments] == [lettres[0].nom, lettres[1].nom]
    assert [nom for nom, _, type_mime in courriels[0].attachments] == [lettres[2].nom]
    assert "Décision du comité de programmation du 12/05/2016" == courriels[0].subject
    assert points[2].reponse.operation.code in courriels[0].body

    # Rejouée : mêmes documents, aucun courriel de plus.
    avant = len(mailoutbox)
    resultat = tasks.generer_documents_du_comite.delay(tenu.pk, membres[0].pk).get()
    assert resultat == {"pv": pv.pk, "lettres": [lettre.pk for lettre in lettres], "courriels": 0}
    assert len(mailoutbox) == avant
    assert DocumentGenere.objects.filter(nature__in=["pv_comite", "lettre_notification"]).count() == 4


def test_pas_de_pv_tant_que_le_comite_n_a_pas_valide(tenu, membres, mailoutbox):
    assert tasks.generer_documents_du_comite.delay(tenu.pk, membres[0].pk).get()["pv"] is None
    assert not documents_de(tenu).exists() and not mailoutbox


# --- Tâche planifiée : clôture des appels échus ---

def test_la_tache_planifiee_clot_les_appels_echus_et_eux_seuls(db):
    hier = timezone.now() - timedelta(days=1)
    echu = AppelFactory(etat=EtatAppel.PUBLIE, date_limite=hier)
    ouvert = AppelFactory(etat=EtatAppel.PUBLIE)
    brouillon = AppelFactory(etat=EtatAppel.BROUILLON, date_limite=hier)

    assert planifiees.clore_appels_echus.delay().get() == [echu.pk]

    etats = {a.pk: a.etat for a in type(echu).objects.all()}
    assert etats == {echu.pk: EtatAppel.CLOS, ouvert.pk: EtatAppel.PUBLIE, brouillon.pk: EtatAppel.BROUILLON}
    assert planifiees.clore_appels_echus.delay().get() == []


def test_la_cloture_est_planifiee_toutes_les_cinq_minutes():
    calendrier = {e["task"]: e["schedule"] for e in reglages.CELERY_BEAT_SCHEDULE.values()}
    assert calendrier["appels_projets.planifiees.clore_appels_echus"] == 300
    assert planifiees.clore_appels_echus.name == "appels_projets.planifiees.clore_appels_echus"
    assert planifiees.clore_appels_echus.name in celery_app.tasks
    assert celery_app.conf.beat_schedule == reglages.CELERY_BEAT_SCHEDULE


# --- Sur un vrai worker Celery (Redis, PostgreSQL), comme en production ---

@pytest.mark.redis
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_le_worker_produit_les_documents_du_comite_une_seule_fois(worker, tenu, membres, porteurs, mailoutbox):
    utilisateur(Role.PORTEUR, structure=StructureFactory(nom="IRFA Bourgogne"), username="porteur-irfa")

    comite_valider_pv(comite=tenu, user=membres[0])  # met la tâche en file au commit
    deuxieme = tasks.generer_documents_du_comite.delay(tenu.pk, membres[0].pk)  # le même travail, mis en file deux fois

    resultat = deuxieme.get(timeout=DELAI)
    points = list(tenu.points.all())
    assert documents_de(tenu, "pv_comite").count() == 1
    assert [documents_de(p, "lettre_notification").count() for p in points] == [1, 1, 1]
    assert resultat["pv"] == documents_de(tenu, "pv_comite").get().pk
    avec_lettres = [m for m in mailoutbox if m.attachments]
    assert len(avec_lettres) == 2  # un courriel par porteur, pas un de plus
    assert sum(len(m.attachments) for m in avec_lettres) == 3
    assert Comite.objects.get(pk=tenu.pk).etat == EtatComite.PV_VALIDE

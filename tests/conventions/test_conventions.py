"""La convention d'une opération programmée : numéro, document Word ouvert et lu, cycle de signature, relances, commande."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog
from docx import Document

from annuaire.roles import Role
from appels_projets.options import Decision, EtatComite
from conventions import services, tasks
from conventions.models import CompteurConventions, Convention
from conventions.options import EtatSignature
from conventions.selectors import document_courant
from operations.documents import documents_de
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import operation_transition
from operations.workflow import ActionRefusee
from tests.appels_projets.factories import ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory, StructureFactory, financeur, utilisateur
from tests.lecture_docx import eur, lignes, ouvrir, table_avec, texte, verifier_publicite

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def porteur_aps(db):
    structure = StructureFactory(nom="Association Prévention & Solidarité <APS>", sigle="APS", commune="Dijon",
                                 adresse="12 rue de l'Égalité", siret="12345678900012", representant="Mme Hélène Durand")
    return utilisateur(Role.PORTEUR, structure=structure, username="porteur-aps")


@pytest.fixture
def programmee(porteur_aps):
    """Une réponse à un appel, programmée en comité pour 9 000 € (moins que les 9 022,15 € demandés)."""
    reponse = ReponseFactory(operation__porteur=porteur_aps.structure, operation__etat=Etat.PROGRAMMEE,
                             operation__intitule="Référents « parcours » & suivi <renforcé>")
    PointFactory(comite=ComiteFactory(etat=EtatComite.PV_VALIDE), reponse=reponse, decision=Decision.PROGRAMMEE,
                 montant_vote=Decimal("9000.00"))
    return reponse.operation


# --- Génération et numérotation ---

def entete(docx) -> str:
    return "\n".join(p.text for p in docx.sections[0].header.paragraphs)


def test_la_convention_reprend_la_decision_le_plan_et_les_objectifs(programmee, animation):
    convention = services.convention_generer(operation=programmee, user=animation, taux_avance=Decimal("0.30"),
                                             regime_couts="indirects_15")

    assert convention.numero == "PLIE-2016-001" and convention.etat == EtatSignature.GENEREE
    assert convention.montant_fse == Decimal("9000.00")  # le montant voté, pas le montant demandé
    assert convention.version.numero == 1
    docx = ouvrir(document_courant(convention))
    contenu = texte(docx)
    jour = f"{timezone.localtime(programmee.reponse_appel.points.get().comite.date):%d/%m/%Y}"
    for attendu in ("Convention n° PLIE-2016-001", f"{programmee.code} — Référents « parcours » & suivi <renforcé>",
                    "Association Prévention & Solidarité <APS>", "12345678900012", "Mme Hélène Durand",
                    "du 01/01/2016 au 31/12/2016", eur("9 000,00"), eur("18 044,30"), "49,9\u00a0%",
                    # L'option et son article, lus dans le programme 2014-2020 de l'opération.
                    "Coûts indirects forfaitaires : 15 % des frais de personnel directs — "
                    "Règlement (UE) n° 1303/2013, art. 68, paragraphe 1, point b).",
                    # Voté 22,15 € de moins que demandé (9 022,15 − 9 000) : l'écart va à l'autofinancement.
                    f"Aide demandée : {eur('9 022,15')} ; aide votée : {eur('9 000,00')} par le comité de "
                    f"programmation du {jour}. L'écart de {eur('22,15')} est porté par l'autofinancement",
                    "30,0\u00a0%", eur("2 700,00"), eur("6 300,00")):
        assert attendu in contenu, attendu
    assert lignes(table_avec(docx, "Catégorie")) == [
        ["Catégorie", "Libellé", "Montant"],
        ["Dépenses directes de personnel", "Référent de parcours (0,5 ETP)", eur("15 000,00")],
        ["Dépenses directes de fonctionnement", "Déplacements", eur("794,30")],
        ["Dépenses indirectes au forfait", "Forfait de 15 % des frais de personnel", eur("2 250,00")],
        ["Total des dépenses", "", eur("18 044,30")],
    ]
    ressources = lignes(table_avec(docx, "Financeur"))
    # Le plan conventionné : FSE au montant voté, la métropole inchangée, l'écart de 22,15 € en autofinancement.
    assert [r[:2] for r in ressources[1:]] == [
        [financeur("FSE").libelle, eur("9 000,00")], [financeur("METROPOLE").libelle, eur("9 022,15")],
        ["Autofinancement", eur("22,15")], ["Total des ressources", eur("18 044,30")]]
    assert lignes(table_avec(docx, "Indicateur"))[1][0] == "File active"
    # Les « Vu » et les mentions du programme 2014-2020 de l'opération (operations/referentiel/programmes.json).
    for vu in ("Vu le règlement (UE) n° 1303/2013 du Parlement européen et du Conseil du 17 décembre 2013",
               "Vu le règlement (UE) n° 1304/2013 du Parlement européen et du Conseil du 17 décembre 2013 relatif au "
               "Fonds social européen ;", "Vu le décret n° 2016-279 du 8 mars 2016",
               "Programme opérationnel national FSE « Emploi et Inclusion » en métropole 2014-2020"):
        assert vu in contenu, vu
    assert "2021/1060" not in contenu and "2021/1057" not in contenu and "2022-608" not in contenu
    assert "Fonds social européen plus" not in contenu and "Cofinancé par l'Union européenne" not in contenu
    assert "Convention attributive d'une aide du Fonds social européen (FSE)" in contenu
    mention = ("Union européenne — Fonds social européen — Cette opération est cofinancée par le Fonds social européen "
               "dans le cadre du programme opérationnel national « Emploi et Inclusion » 2014-2020.")
    assert mention in entete(docx) and f"Les mentions à reproduire sont : « {mention} »" in contenu
    verifier_publicite(docx, programmee.programme)


def test_les_numeros_se_suivent_par_annee_et_ne_sont_jamais_reattribues(animation, structure):
    operations = [OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE) for _ in range(2)]
    premiere = services.convention_generer(operation=operations[0], user=animation)
    # Une convention supprimée par l'administrateur : son numéro n'est pas rendu au compteur.
    Convention.objects.filter(pk=premiere.pk).delete()
    seconde = services.convention_generer(operation=operations[1], user=animation)
    assert (premiere.numero, seconde.numero) == ("PLIE-2016-001", "PLIE-2016-002")
    assert CompteurConventions.objects.get(annee=2016).dernier == 2


def test_regenerer_sans_changement_rend_le_meme_document_et_un_changement_ajoute_une_version(programmee, animation,
                                                                                             porteur_aps):
    convention = services.convention_generer(operation=programmee, user=animation)
    premier = document_courant(convention)
    assert services.convention_generer(operation=programmee, user=animation) == convention
    assert list(documents_de(convention)) == [premier]

    structure = porteur_aps.structure
    structure.adresse = "3 place du Marché"
    structure.save()
    services.convention_generer(operation=programmee, user=animation)
    second = document_courant(convention)
    assert second != premier and documents_de(convention).count() == 2  # l'ancien n'est pas écrasé
    assert "3 place du Marché" in texte(ouvrir(second)) and "12 rue de l'Égalité" in texte(ouvrir(premier))


@pytest.mark.parametrize("etat", [Etat.INSTRUITE, Etat.CONVENTIONNEE])
def test_seule_une_operation_programmee_recoit_une_convention(etat, animation, structure):
    operation = OperationFactory(porteur=structure, etat=etat)
    with pytest.raises(ActionRefusee, match="seule une opération programmée reçoit une convention"):
        services.convention_generer(operation=operation, user=animation)
    assert not Convention.objects.exists() and not CompteurConventions.objects.exists()


def test_seule_l_animation_genere(programmee, porteur_aps, gestionnaire):
    for user in (porteur_aps, gestionnaire):
        with pytest.raises(ActionRefusee, match="Seule l'équipe d'animation"):
            services.convention_generer(operation=programmee, user=user)
    assert not Convention.objects.exists()


def test_l_operation_ne_se_conventionne_qu_a_la_notification(programmee, animation):
    services.convention_generer(operation=programmee, user=animation)
    with pytest.raises(ActionRefusee, match="La convention n'est pas encore notifiée"):
        operation_transition(operation=programmee, nom="conventionner", user=animation)


# --- Signature ---

def test_le_cycle_de_signature_jusqu_a_la_notification(programmee, animation, porteur_aps, mailoutbox, pdf_signe,
                                                       django_capture_on_commit_callbacks):
    convention = services.convention_generer(operation=programmee, user=animation)
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_transition(document=convention, nom="envoyer", user=animation)
    # Le porteur est avisé, la convention jointe au courriel.
    envoi = mailoutbox[-1]
    assert envoi.to == [porteur_aps.email] and "PLIE-2016-001" in envoi.subject
    assert envoi.attachments[0][0] == "convention-PLIE-2016-001.docx"
    assert Notification.objects.filter(destinataire=porteur_aps, operation=programmee).exists()

    # Un porteur d'une autre structure ne dépose rien ; un fichier qui n'est ni PDF ni image est refusé.
    intrus = utilisateur(Role.PORTEUR, structure=StructureFactory())
    with pytest.raises(ActionRefusee, match="Réservé à la structure porteuse"):
        services.exemplaire_deposer(document=convention, fichier=pdf_signe(), user=intrus)
    with pytest.raises(ActionRefusee, match="n'est ni un PDF, ni une image"):
        services.exemplaire_deposer(document=convention, fichier=pdf_signe("signee.pdf", b"MZ\x90\x00 pas un pdf"),
                                    user=porteur_aps)
    convention.refresh_from_db()
    assert convention.etat == EtatSignature.ENVOYEE and not convention.exemplaire_porteur

    with django_capture_on_commit_callbacks(execute=True):
        services.exemplaire_deposer(document=convention, fichier=pdf_signe(), user=porteur_aps)
    assert convention.etat == EtatSignature.SIGNEE_PORTEUR
    assert animation.email in mailoutbox[-1].to

    # L'animation refuse un exemplaire illisible (motivé), le porteur redépose, puis le PLIE signe et notifie.
    services.signature_transition(document=convention, nom="refuser_exemplaire", user=animation,
                                  motivation="Signature absente en page 12.")
    services.exemplaire_deposer(document=convention, fichier=pdf_signe("scan.png", PNG), user=porteur_aps)
    with pytest.raises(ActionRefusee, match="Réservé à : équipe d'animation"):
        services.exemplaire_deposer(document=convention, fichier=pdf_signe(), user=porteur_aps)
    services.exemplaire_deposer(document=convention, fichier=pdf_signe(), user=animation)
    services.signature_transition(document=convention, nom="notifier", user=animation)

    convention.refresh_from_db()
    assert convention.etat == EtatSignature.NOTIFIEE and convention.exemplaire_signe
    assert Operation.objects.get(pk=programmee.pk).etat == Etat.CONVENTIONNEE
    etapes = list(StateLog.objects.for_(convention).order_by("pk").values_list("transition", "by__username", "description"))
    assert [e[0] for e in etapes] == ["envoyer", "signer_porteur", "refuser_exemplaire", "signer_porteur", "signer", "notifier"]
    assert etapes[2][2] == "Signature absente en page 12."


def test_une_convention_envoyee_ne_se_regenere_plus(programmee, animation):
    convention = services.convention_generer(operation=programmee, user=animation)
    services.signature_transition(document=convention, nom="envoyer", user=animation)
    with pytest.raises(ActionRefusee, match="ne se régénère plus ; un changement passe par un avenant"):
        services.convention_generer(operation=programmee, user=animation)
    assert documents_de(convention).count() == 1


def test_relance_des_signatures_en_attente_une_fois_par_delai(programmee, animation, porteur_aps, mailoutbox, settings):
    settings.CONVENTIONS_DELAI_RELANCE_JOURS = 15
    convention = services.convention_generer(operation=programmee, user=animation)
    services.signature_transition(document=convention, nom="envoyer", user=animation)
    mailoutbox.clear()
    assert tasks.relancer_signatures() == 0  # envoyée aujourd'hui : rien à relancer

    StateLog.objects.for_(convention).update(timestamp=timezone.now() - timedelta(days=16))
    assert tasks.relancer_signatures() == 1
    assert mailoutbox[-1].to == [porteur_aps.email]
    assert "en attente depuis 16 jours" in mailoutbox[-1].subject
    assert tasks.relancer_signatures() == 0  # déjà relancée dans le délai
    Convention.objects.filter(pk=convention.pk).update(relancee_le=timezone.now() - timedelta(days=16))
    assert tasks.relancer_signatures() == 1


# --- Commande ---

def test_la_commande_ecrit_la_convention_en_la_generant_si_besoin(programmee, tmp_path):
    sortie = tmp_path / "convention.docx"
    call_command("convention", programmee.code, "--sortie", str(sortie))
    convention = Convention.objects.get(operation=programmee)
    assert f"Convention n° {convention.numero}" in texte(Document(str(sortie)))
    call_command("convention", programmee.code, "--sortie", str(sortie))  # déjà générée : la même
    assert Convention.objects.count() == 1 and CompteurConventions.objects.get().dernier == 1

    with pytest.raises(CommandError, match="Aucune opération n'a le code « OP-INCONNUE »"):
        call_command("convention", "OP-INCONNUE", "--sortie", str(sortie))


@pytest.mark.libreoffice
def test_la_convention_a_aussi_son_pdf_la_ou_libreoffice_est_installe(programmee, animation, client,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        convention = services.convention_generer(operation=programmee, user=animation)
    pdf = documents_de(convention, "convention_pdf").get()
    assert pdf.nom == "convention-PLIE-2016-001.pdf" and pdf.version_donnees == document_courant(convention).version_donnees
    client.force_login(animation)
    page = client.get(convention.get_absolute_url()).content.decode()
    assert "convention-PLIE-2016-001.pdf" in page
    reponse = client.get(reverse("conventions:document", args=[programmee.code, pdf.pk]))
    assert reponse["Content-Disposition"].startswith("attachment") and b"".join(reponse.streaming_content).startswith(b"%PDF")

"""La démonstration : chargée par les vrais services, complète, équilibrée, rejouable, jamais en production."""
import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.fichiers import verifier_fichier
from annuaire.models import Structure, Utilisateur
from annuaire.roles import Role
from appels_projets.models import (
    Analyse, AppelAProjets, Comite, DemandeComplements, PieceDeposee, PointOrdreDuJour, Reponse, VerificationRecevabilite,
)
from appels_projets.options import Decision, EtatAppel, EtatComite
from appels_projets.selectors import checklist_recevabilite, enveloppe_consommee, montant_fse_demande
from appels_projets.services import decision_enregistrer
from operations.models import DocumentGenere, LigneDepense, LigneRessource, Notification, Objectif, Operation
from operations.options import CategorieDepense, Etat
from operations.selectors import historique
from operations.services import operation_transition
from operations.workflow import ActionRefusee
from pilotage.demo import URL, charger_demo, lignes_de_resume, operations_de_demo, repartir
from tests.stockage import stockage_sous, vider_le_prefixe

PARIS = ZoneInfo("Europe/Paris")
D = Decimal
VOTEE_SOUS_LA_DEMANDE = "Remobilisation autour des compétences 2016"
MODELES = [Structure, Utilisateur, Operation, LigneDepense, LigneRessource, Objectif, StateLog, Notification,
           AppelAProjets, Reponse, PieceDeposee, VerificationRecevabilite, DemandeComplements, Analyse, Comite,
           PointOrdreDuJour, DocumentGenere]
APPELS_2016 = {
    "Portage de référents de parcours 2016": "PORTAGE_REFERENTS",
    "Remobilisation autour des compétences 2016": "REMOBILISATION",
    "Accompagnement des clauses d'insertion 2016": "CLAUSES_INSERTION",
}
# À partir de « instruite », une réponse a forcément été analysée (on ne clôt pas l'instruction sans analyse).
APRES_L_INSTRUCTION = [
    Etat.INSTRUITE, Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE, Etat.CONVENTIONNEE, Etat.EN_REALISATION,
    Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER, Etat.BILAN_CONTROLE, Etat.SOLDEE,
]


@pytest.fixture(scope="module")
def _demo_du_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """La démonstration chargée une fois pour le module (une vingtaine de secondes), dans une transaction annulée à la
    fin ; chaque test tourne dans un point de sauvegarde par-dessus et ne voit que ses propres écritures."""
    media = tmp_path_factory.mktemp("demo") / "media"
    stockages = stockage_sous(f"tests/demo-{uuid.uuid4().hex}")  # avec S3 : un préfixe du bucket pour le module
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media, STORAGES=stockages), transaction.atomic():
        yield charger_demo(), media, stockages
        transaction.set_rollback(True)
    vider_le_prefixe(stockages)


@pytest.fixture
def demo(_demo_du_module, settings, db):
    resume, media, stockages = _demo_du_module
    settings.DEBUG, settings.MEDIA_ROOT, settings.STORAGES = True, media, stockages  # les pièces de la démonstration sont là
    return resume


def compter():
    return {m.__name__: m.objects.count() for m in MODELES}


def test_repartir_au_plus_fort_reste():
    assert repartir(889, [2, 1, 2, 2, 1, 2, 1, 1, 1, 1]) == [127, 64, 127, 127, 64, 127, 64, 63, 63, 63]
    assert sum(repartir(100, [1, 1, 1])) == 100


@pytest.mark.django_db
def test_chargement_sur_base_vide(demo):
    assert Operation.objects.count() == len(operations_de_demo()) == len(demo["operations"])
    assert not demo["deja_chargee"]
    assert Structure.objects.get(sigle="GIP MDEF").categorie == Structure.Categorie.ANIMATION
    assert Structure.objects.filter(categorie=Structure.Categorie.PORTEUR).count() == 10
    assert Structure.objects.filter(categorie=Structure.Categorie.PRESTATAIRE).count() == 7

    for login, role in [("animation", Role.ANIMATION), ("porteur", Role.PORTEUR), ("referent", Role.REFERENT),
                        ("comite", Role.COMITE), ("gestionnaire", Role.GESTIONNAIRE), ("admin", Role.ADMINISTRATEUR)]:
        u = authenticate(RequestFactory().post("/accounts/login/"), username=login, password="demo")
        assert u is not None, login
        assert list(u.groups.values_list("name", flat=True)) == [role]
        assert u.email == f"{login}@demo.plie.invalid"
    assert Utilisateur.objects.get(username="admin").is_superuser
    assert str(Utilisateur.objects.get(username="porteur").structure) == "IRFA"
    assert str(Utilisateur.objects.get(username="referent").structure) == "Mission locale"
    # 14 référents de parcours et le référent relations entreprises ; seul `referent` peut se connecter.
    referents = Utilisateur.objects.filter(groups__name=Role.REFERENT)
    assert referents.count() == 15
    assert [u.username for u in referents if u.has_usable_password()] == ["referent"]
    assert Utilisateur.objects.get(username="a.martin").structure.nom == "APSALC"

    lignes = "\n".join(lignes_de_resume())
    assert URL in lignes and "OP-2016-001" in lignes and "OP-2017-014" in lignes
    assert "Appels à projets (5)" in lignes and "Portage de référents de parcours 2016" in lignes
    assert "22/03/2016  Procès-verbal validé" in lignes and "11/07/2017  Convoqué" in lignes


@pytest.mark.django_db
def test_codes_deterministes_et_demandes_de_l_irfa(demo):
    codes = {o["code"]: o for o in demo["operations"]}
    assert codes["OP-2016-001"]["intitule"] == "Animation du PLIE 2016"
    irfa = Operation.objects.filter(porteur__nom="IRFA", date_debut__year=2017)
    brouillon = irfa.get(etat=Etat.BROUILLON)
    assert brouillon.total_depenses == brouillon.total_ressources > 0 and brouillon.objectifs.exists()
    assert irfa.filter(etat=Etat.DEPOSEE).exists()


@pytest.mark.django_db
def test_chaque_etat_apparait(demo):
    assert set(Operation.objects.values_list("etat", flat=True)) == set(Etat.values)


@pytest.mark.django_db
def test_objectifs_du_portage_egaux_au_rapport(demo):
    portages = Operation.objects.filter(type__code="PORTAGE_REFERENTS", date_debut__year=2016)
    assert portages.count() == 10
    sommes = dict(
        Objectif.objects.filter(operation__in=portages).values_list("indicateur__code").annotate(s=Sum("valeur_cible"))
    )
    assert sommes == {"FILE_ACTIVE": 889, "ENTREES": 700, "SORTIES_POSITIVES": 350}


@pytest.mark.django_db
def test_plans_de_financement_equilibres(demo):
    for operation in Operation.objects.all():
        assert operation.total_depenses == operation.total_ressources > 0, operation.code
        assert 0 < operation.taux_fse < 1, operation.code
        lignes = {c: sum(d.montant for d in operation.depenses.filter(categorie=c)) for c in CategorieDepense.values}
        if lignes[CategorieDepense.INDIRECTES]:
            attendu = (lignes[CategorieDepense.PERSONNEL] * Decimal("0.15")).quantize(Decimal("0.01"))
            assert lignes[CategorieDepense.INDIRECTES] == attendu, operation.code
    enveloppe = Operation.objects.get(intitule="Enveloppe souple 2016")
    assert enveloppe.total_depenses == Decimal("18044.30")


@pytest.mark.django_db
def test_historique_reel_et_antidate(demo):
    # Les réponses aux appels 2016 ont été déposées à l'automne 2015 ; le portage 2023 a son propre test.
    debut, fin = datetime(2015, 9, 1, tzinfo=PARIS), datetime(2017, 7, 1, tzinfo=PARIS)
    for operation in Operation.objects.exclude(etat=Etat.BROUILLON).exclude(date_debut__year=2023):
        journal = list(historique(operation))
        assert journal, operation.code
        assert all(ligne.by_id for ligne in journal), operation.code
        assert journal[0].source_state == Etat.BROUILLON and journal[-1].state == operation.etat
        dates = [ligne.timestamp for ligne in journal]
        assert dates == sorted(dates) and debut <= dates[0] and dates[-1] < fin, operation.code
    assert not historique(Operation.objects.get(etat=Etat.BROUILLON)).exists()
    refus = StateLog.objects.filter(transition__in=["ajourner", "rejeter", "declarer_irrecevable", "abandonner"])
    assert refus.count() == 4 and all(ligne.description for ligne in refus)


@pytest.mark.django_db
def test_second_appel_ne_cree_rien(demo, settings):
    avant = compter()
    sortie = io.StringIO()
    second = charger_demo(stdout=sortie)
    assert second["deja_chargee"]
    assert compter() == avant
    assert "déjà chargée" in sortie.getvalue() and URL in sortie.getvalue()
    assert second["operations"] == demo["operations"]


# --- Les appels à projets : l'histoire de l'issue 3 ---

@pytest.mark.django_db
def test_les_trois_appels_2016_du_rapport(demo):
    for titre, type_operation in APPELS_2016.items():
        appel = AppelAProjets.objects.get(titre=titre)
        assert appel.etat == EtatAppel.CLOTURE and appel.annee == 2016
        assert [t.code for t in appel.types.all()] == [type_operation]
        limite = timezone.localtime(appel.date_limite).date()
        # Publié et clos à l'automne 2015, clôturé après le comité de mars 2016 : l'historique se lit ainsi.
        assert date(2015, 9, 1) <= appel.date_ouverture < limite < date(2015, 12, 1)
        assert [(ligne.transition, timezone.localtime(ligne.timestamp).date()) for ligne in historique(appel)] == [
            ("publier", appel.date_ouverture), ("clore", limite), ("cloturer", date(2016, 4, 5)),
        ]
        # 50 % au plus : le taux maximal du programme 2014-2020 en Bourgogne (operations/referentiel/programmes.json).
        assert appel.periode_debut_min == date(2016, 1, 1) and appel.taux_fse_max == Decimal("50.00")
        assert appel.programme.code == "FSE_2014_2020"
        assert "Recrutement" in appel.cahier_des_charges and "Déroulement attendu" in appel.cahier_des_charges
        assert appel.pieces_requises.count() == 4 and appel.criteres.aggregate(t=Sum("poids"))["t"] == 100
        assert appel.cofinancement_attendu > 0
        for reponse in appel.reponses.select_related("operation__type"):
            assert reponse.operation.type.code == type_operation
            assert reponse.deposee_le <= appel.date_limite, reponse.operation.code
    portage = AppelAProjets.objects.get(titre="Portage de référents de parcours 2016")
    assert portage.reponses.count() == 10
    assert "889" in portage.cahier_des_charges and "Tesuji" in portage.cahier_des_charges
    autres = Reponse.objects.filter(appel__titre__in=list(APPELS_2016)[1:]).order_by("appel__titre")
    assert [str(r.operation.porteur) for r in autres] == ["ARIQ BTP", "IRFA"]
    # Hors appel : les prestations achetées, l'animation du PLIE, l'enveloppe souple (et le portage 2023, à part).
    hors_appel = Operation.objects.filter(reponse_appel__isnull=True, date_debut__year__lte=2017)
    assert set(hors_appel.values_list("type__code", flat=True)) == {"PRESTATION", "ANIMATION_PLIE", "ENVELOPPE_SOUPLE"}


@pytest.mark.django_db
def test_des_reponses_dans_chaque_etat_du_circuit(demo):
    assert set(Reponse.objects.values_list("operation__etat", flat=True)) == set(Etat.values)
    etats_2016 = set(Reponse.objects.filter(appel__annee=2016).values_list("operation__etat", flat=True))
    assert etats_2016 == {Etat.EN_REALISATION, Etat.BILAN_DEPOSE, Etat.BILAN_A_CORRIGER, Etat.BILAN_CONTROLE, Etat.SOLDEE}
    ouvert = AppelAProjets.objects.get(etat=EtatAppel.PUBLIE)
    assert ouvert.depot_ouvert and ouvert.annee == 2017


@pytest.mark.django_db
def test_pieces_verifications_et_complements_par_les_services(demo):
    for reponse in Reponse.objects.exclude(operation__etat=Etat.BROUILLON).select_related("appel", "operation"):
        manquantes = [v.libelle for v in checklist_recevabilite(reponse) if not v.conforme]
        attendu = ["Pièce : Budget prévisionnel signé"] if reponse.operation.etat == Etat.INCOMPLETE else []
        assert manquantes == attendu, reponse.operation.code
        if reponse.operation.etat != Etat.DEPOSEE:
            assert reponse.verifications.count() == 3, reponse.operation.code
    for piece in PieceDeposee.objects.all()[:5]:
        with piece.fichier.open("rb") as fichier:
            assert verifier_fichier(fichier) == "application/pdf"
    irrecevable = Reponse.objects.get(operation__etat=Etat.IRRECEVABLE)
    assert irrecevable.verifications.filter(conforme=False).count() == 1

    fournie = DemandeComplements.objects.get(reponse__appel__annee=2016)
    assert fournie.reponse.operation.porteur.nom == "CESAM" and fournie.reponse_porteur
    assert fournie.demandee_le < fournie.repondue_le and fournie.date_limite == date(2015, 11, 20)
    assert fournie.reponse.pieces.filter(deposee_le__gt=fournie.demandee_le).count() == 1  # la pièce demandée
    attendue = DemandeComplements.objects.get(reponse__operation__etat=Etat.INCOMPLETE)
    assert not attendue.reponse_porteur and attendue.repondue_le is None and attendue.date_limite.year == 2017
    motivation = historique(attendue.reponse.operation).get(transition="demander_complements").description
    assert motivation.endswith(f"(avant le {attendue.date_limite:%d/%m/%Y})")


@pytest.mark.django_db
def test_chaque_reponse_instruite_a_son_analyse(demo):
    reponses = Reponse.objects.filter(operation__etat__in=APRES_L_INSTRUCTION).select_related("operation", "appel")
    assert reponses.count() == 17  # 12 en 2016, 5 en 2017
    for reponse in reponses:
        analyses = list(reponse.analyses.all())
        assert analyses, reponse.operation.code
        journal = {ligne.transition: ligne.timestamp for ligne in historique(reponse.operation)}
        for analyse in analyses:
            assert analyse.notes.count() == reponse.appel.criteres.count()
            assert analyse.montant_fse_propose <= montant_fse_demande(reponse.operation)
            assert analyse.commentaire and analyse.note_ponderee is not None
            assert journal["instruire"] < analyse.modifiee_le < journal["clore_instruction"], reponse.operation.code
    assert not Reponse.objects.get(operation__etat=Etat.EN_INSTRUCTION).analyses.exists()


@pytest.mark.django_db
def test_un_comite_2016_tenu_et_son_pv_valide(demo):
    comite = Comite.objects.get(date__year=2016)
    assert comite.etat == EtatComite.PV_VALIDE
    assert timezone.localtime(comite.date).date() == date(2016, 3, 22)
    membres = set(comite.membres.values_list("username", flat=True))
    assert "comite" in membres and len(membres) == 4
    assert not any(u.has_usable_password() for u in comite.membres.exclude(username="comite"))
    points = comite.points.select_related("reponse__operation", "reponse__appel", "decidee_par")
    assert points.count() == 12 and {p.reponse.appel.annee for p in points} == {2016}
    for point in points:
        assert point.decision == Decision.PROGRAMMEE and point.decidee_par.username in membres
        assert timezone.localtime(point.decidee_le).date() == date(2016, 3, 22)
        if point.reponse.operation.intitule == VOTEE_SOUS_LA_DEMANDE:
            # Le comité a voté moins que demandé (issue 15) : 37 000 € au lieu de 50 % × 83 160 = 41 580 €.
            assert (point.montant_vote, montant_fse_demande(point.reponse.operation)) == (D("37000.00"), D("41580.00"))
            assert "37 000 € de FSE au lieu des 41 580 € demandés" in point.motivation
            continue
        assert point.montant_vote == montant_fse_demande(point.reponse.operation)
        programmer = historique(point.reponse.operation).get(transition="programmer")
        assert programmer.by == point.decidee_par and programmer.timestamp > point.decidee_le
    pv = historique(comite).get(transition="valider_pv")
    assert pv.by.username in membres and timezone.localtime(pv.timestamp).date() == date(2016, 3, 22)


@pytest.mark.django_db
def test_chaque_decision_vient_d_un_comite(demo):
    decidees = Reponse.objects.filter(operation__etat__in=APRES_L_INSTRUCTION).exclude(operation__etat=Etat.INSTRUITE)
    assert decidees.count() == 16  # par trois comités tenus
    for reponse in decidees:
        point = reponse.points.exclude(decision="").get()
        assert point.comite.etat == EtatComite.PV_VALIDE
        if point.decision != Decision.PROGRAMMEE:
            assert point.motivation and point.montant_vote is None
    ajournee = Reponse.objects.get(operation__etat=Etat.AJOURNEE).points.get()
    rejetee = Reponse.objects.get(operation__etat=Etat.REJETEE).points.get()
    assert ajournee.comite == rejetee.comite and ajournee.comite.date < Comite.objects.get(etat=EtatComite.CONVOQUE).date


@pytest.mark.django_db
def test_l_enveloppe_de_chaque_appel_est_respectee(demo):
    for appel in AppelAProjets.objects.all():
        assert enveloppe_consommee(appel) <= appel.enveloppe_fse, appel.titre
    assert not PointOrdreDuJour.objects.filter(depassement_confirme=True).exists()
    portage = AppelAProjets.objects.get(titre="Portage de référents de parcours 2016")
    # 14 référents : 2 × 45 600 + 44 900 + 2 × 46 300 + 2 × 46 800 + 44 200 + 2 × 45 300 + 43 700 + 43 900 + 44 400
    # + 44 100 = 633 200 € de personnel, + 15 % de forfait = 728 180 € ; 50 % de FSE voté = 364 090 €.
    assert enveloppe_consommee(portage) == Decimal("364090.00")


@pytest.mark.django_db
def test_le_comite_convoque_attend_une_decision_que_comite_peut_prendre(demo):
    comite = Comite.objects.get(etat=EtatComite.CONVOQUE)
    point = comite.points.select_related("reponse__operation").get()
    assert point.decision == "" and point.reponse.operation.etat == Etat.INSTRUITE
    membre = Utilisateur.objects.get(username="comite")
    assert comite.membres.filter(pk=membre.pk).exists()
    decision_enregistrer(point=point, decision=Decision.PROGRAMMEE, montant_vote=montant_fse_demande(point.reponse.operation),
                         motivation="", confirmer_depassement=False, user=membre)
    assert PointOrdreDuJour.objects.get(pk=point.pk).decidee_par == membre


@pytest.mark.django_db
def test_porteur_peut_deposer_son_brouillon(demo):
    """Le scénario du README : l'appel 2017 encore ouvert accepte le dépôt du brouillon de l'IRFA, une fois son RIB
    joint (le dépôt le réclame d'abord)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appels_projets.services import piece_deposer

    brouillon = Operation.objects.get(code="OP-2017-011")
    porteur = Utilisateur.objects.get(username="porteur")
    assert brouillon.reponse_appel.appel.depot_ouvert
    with pytest.raises(ActionRefusee, match="Pièces obligatoires de l'appel à joindre .* « Relevé d'identité bancaire"):
        operation_transition(operation=brouillon, nom="deposer", user=porteur)
    rib = brouillon.reponse_appel.appel.pieces_requises.get(libelle="Relevé d'identité bancaire (RIB)")
    piece_deposer(reponse=brouillon.reponse_appel, user=porteur, piece_requise=rib,
                  fichier=SimpleUploadedFile("rib.pdf", b"%PDF-1.4\nRIB\n%%EOF\n"))
    operation_transition(operation=Operation.objects.get(pk=brouillon.pk), nom="deposer", user=porteur)
    assert Operation.objects.get(pk=brouillon.pk).etat == Etat.DEPOSEE


@pytest.mark.django_db
def test_conventions_par_le_cycle_de_signature(demo):
    """Chaque opération conventionnée l'a été par une convention notifiée, datée de 2016-2017 (2023 pour le portage
    2023) ; deux avenants."""
    from conventions.models import Avenant, Convention
    from conventions.options import EtatSignature
    from conventions.selectors import document_courant
    from tests.lecture_docx import ouvrir

    apres_programmation = Operation.objects.exclude(etat__in=[
        Etat.BROUILLON, Etat.DEPOSEE, Etat.INCOMPLETE, Etat.RECEVABLE, Etat.IRRECEVABLE, Etat.EN_INSTRUCTION,
        Etat.INSTRUITE, Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE]).exclude(etat=Etat.ABANDONNEE)
    for operation in apres_programmation:
        convention = Convention.objects.get(operation=operation)
        assert convention.etat == EtatSignature.NOTIFIEE and convention.exemplaire_signe, operation.code
        assert 2015 <= convention.generee_le.year <= 2017 or convention.generee_le.year == operation.date_debut.year == 2023
    en_attente = Convention.objects.get(operation__etat=Etat.PROGRAMMEE)
    assert en_attente.etat == EtatSignature.ENVOYEE
    assert sorted(Avenant.objects.values_list("etat", flat=True)) == [EtatSignature.ENVOYEE, EtatSignature.NOTIFIEE]
    prolongee = Operation.objects.get(intitule="Formation-action des référents 2016-2017")
    assert prolongee.date_fin == date(2017, 9, 30) and prolongee.versions.count() == 2
    # Le document est daté de sa génération (2016), pas du jour du chargement.
    premiere = Convention.objects.get(numero="PLIE-2016-001")
    pied = "\n".join(p.text for p in ouvrir(document_courant(premiere)).sections[0].footer.paragraphs)
    assert f"édité le {premiere.generee_le:%d/%m/%Y}" in pied and premiere.generee_le.year == 2016


@pytest.mark.django_db
def test_les_participants_redonnent_les_chiffres_2016_du_rapport(demo):
    """Le portage de référents réalise 799 / 570 / 311 pour des objectifs de 889 / 700 / 350 ; le rapport d'activité
    2016 redonne les tableaux du rapport papier."""
    from collections import Counter

    from participants.rapport import rapport_activite
    from participants.realisation import realisation

    realise, cible = Counter(), Counter()
    for operation in Operation.objects.filter(type__code="PORTAGE_REFERENTS", date_debut__year=2016):
        for ligne in realisation(operation, au=date(2016, 12, 31)):
            realise[ligne.indicateur] += ligne.realise
            cible[ligne.indicateur] += ligne.cible
    assert dict(realise) == {"File active": 799, "Entrées": 570, "Sorties positives": 311}
    assert dict(cible) == {"File active": 889, "Entrées": 700, "Sorties positives": 350}

    rapport = rapport_activite(date(2016, 1, 1), date(2016, 12, 31))
    assert rapport["accompagnes"]["total"] == 1525 and rapport["accompagnes"]["par_sexe"] == {"H": 780, "F": 745}
    assert rapport["accompagnes"]["par_tranche_age"]["25-44"] == {"H": 498, "F": 517}
    assert rapport["accompagnes"]["par_commune"]["Dijon"] == 934
    assert rapport["entrees"]["par_prescripteur"]["POLE_EMPLOI"] == 288
    assert rapport["sorties"]["positives_par_categorie"] == {"emploi": 202, "emploi_aide": 22, "formation_qualifiante": 87}
    assert rapport["sorties"]["par_motif"]["SUIVI_IMPOSSIBLE"] == 154
    assert (rapport["etapes"]["total"], rapport["etapes"]["vers_emploi"]) == (1848, 1136)


@pytest.mark.django_db
def test_chaque_sortie_positive_2016_remplit_son_critere_sauf_les_derogations_motivees(demo):
    """Critères de sortie positive du rapport d'activité 2016 (partie 4) : chaque sortie positive de 2016 les remplit à
    sa date de sortie, sauf quelques dérogations proposées avec leur motivation et validées, motivées, en commission."""
    from participants.criteres import preuve_de_sortie
    from participants.models import EtatProposition, Participant, PropositionSortie

    positives = Participant.objects.entres().filter(date_sortie__year=2016).exclude(motif_sortie__categorie="")
    assert positives.count() == 311  # rapport d'activité 2016
    non_prouvees = {p.pk for p in positives.select_related("motif_sortie")
                    if not preuve_de_sortie(p, p.motif_sortie.code, p.date_sortie).remplie}
    derogations = PropositionSortie.objects.filter(etat=EtatProposition.VALIDEE, derogation=True,
                                                   date_sortie__year=2016).select_related("participant")
    assert {d.participant_id for d in derogations} == non_prouvees and 3 <= len(non_prouvees) <= 6
    for d in derogations:
        assert d.motivation_derogation and not d.preuve_lue.remplie
        assert (d.participant.date_sortie, d.participant.motif_sortie_id) == (d.date_sortie, d.motif_id)
        validation = historique(d).get()
        assert validation.transition == "valider" and validation.description  # la motivation de la commission
        assert timezone.localtime(validation.timestamp).date() == d.date_sortie

    # La commission de sortie a de quoi siéger : des sorties prouvées et une dérogation.
    en_attente = PropositionSortie.objects.filter(etat=EtatProposition.PROPOSEE)
    assert en_attente.count() == 7 and en_attente.filter(derogation=True).count() == 1
    assert all(p.preuve_lue.remplie for p in en_attente.filter(derogation=False))


def test_les_participants_ont_leur_questionnaire_fse_et_quelques_portages_manquent_de_contacts(demo):
    """Chaque participant a ses réponses au questionnaire FSE ; les fiches sans contact restent rares, quelques
    opérations atteignent le seuil d'alerte de leur programme (20 %), aucune ne dépasse le seuil de correction (35 %)."""
    from participants.completude import ALERTE, CORRECTION, SANS_CONTACT, sans_contact
    from participants.models import Participant
    from participants.realisation import ETATS_REALISES

    entres = Participant.objects.entres()
    assert not entres.filter(origine_etrangere="").exists() and not entres.filter(zone_rurale__isnull=True).exists()
    assert entres.filter(origine_etrangere="refus").exists() and entres.filter(ressortissant_pays_tiers=True).exists()
    assert not entres.filter(date_sortie__isnull=False, situation_sortie="").exists()
    assert 0 < entres.filter(SANS_CONTACT).count() < entres.count() * 0.15
    niveaux = {o: sans_contact(o)["niveau"] for o in Operation.objects.filter(etat__in=ETATS_REALISES)}
    assert CORRECTION not in niveaux.values() and 2 <= list(niveaux.values()).count(ALERTE) <= 6
    assert {o.porteur.nom for o, niveau in niveaux.items() if niveau == ALERTE and o.type.code == "PORTAGE_REFERENTS"} == {
        "Ville de Longvic", "CESAM"}


def test_une_operation_2016_votee_sous_la_demande_jusqu_au_controle(demo):
    """Remobilisation 2016 (IRFA) : 41 580 € demandés sur 83 160 €, 37 000 € votés ; la convention, le bilan et le
    contrôle de service fait lisent le taux de la convention, la demande reste pour mémoire."""
    from conventions.selectors import document_courant
    from justificatifs.controle import calcul_du_bilan
    from justificatifs.models import Bilan
    from tests.lecture_docx import ouvrir, texte

    operation = Operation.objects.get(intitule=VOTEE_SOUS_LA_DEMANDE)
    assert operation.etat == Etat.SOLDEE and operation.programme.code == "FSE_2014_2020"
    # Plan : 58 800 + 9 600 de personnel, 15 % de forfait = 10 260, 4 500 de fonctionnement : 83 160 € ;
    # FSE demandé 50 % = 41 580 €, métropole 20 % = 16 632 €, département 10 % = 8 316 €, autofinancement 16 632 €.
    assert (operation.cout_total_demande, operation.montant_fse_demande) == (D("83160.00"), D("41580.00"))
    convention = operation.convention
    assert convention.montant_fse == D("37000.00") and convention.regime_couts == "indirects_15"
    # Voté 4 580 € de moins : l'autofinancement passe de 16 632 à 21 212 € ; le coût total ne bouge pas.
    plan = {r["financeur_nom"]: D(r["montant"]) for r in convention.version.donnees["ressources"]}
    assert plan["Autofinancement"] == D("21212.00") and sum(plan.values()) == D("83160.00")
    assert (operation.montant_fse, operation.total_depenses) == (D("37000.00"), D("83160.00"))
    contenu = texte(ouvrir(document_courant(convention)))
    assert "aide votée : 37\u202f000,00\u00a0€ par le comité de programmation du 22/03/2016" in contenu
    assert "1303/2013" in contenu and "2021/1060" not in contenu

    final = Bilan.objects.get(operation=operation, nature="final")
    calcul = calcul_du_bilan(final)
    # Réalisé à 94 % du plan, déplacements retenus à 90 % : personnel 55 272 + 9 024 = 64 296 €, fonctionnement
    # 4 230 × 90 % = 3 807 € ; forfait 15 % × 64 296 = 9 644,40 € ; éligible 64 296 + 3 807 + 9 644,40 = 77 747,40 €.
    # FSE : 77 747,40 × 37 000 ÷ 83 160 = 34 591,7965… → 34 591,80 € (au taux de la demande, 77 747,40 × 50 % =
    # 38 873,70 €, plafonné à 37 000 € : 2 408,20 € de trop). Avance : 30 % × 37 000 = 11 100 € ; solde 23 491,80 €.
    assert (calcul.eligible, calcul.fse_du, calcul.avance, calcul.solde) == (
        D("77747.40"), D("34591.80"), D("11100.00"), D("23491.80"))
    assert final.csf.montant_paye == D("23491.80")
    rapport = texte(ouvrir(DocumentGenere.objects.get(object_id=final.pk, nature="rapport_csf")))
    assert f"de la convention n° {convention.numero}, version 1" in rapport
    assert "Pour mémoire, la demande d'origine : 41\u202f580,00\u00a0€ de FSE pour un coût total de 83\u202f160,00\u00a0€" \
        in rapport


@pytest.mark.django_db
def test_un_portage_2023_sous_le_programme_fse_plus_a_cote_de_2016(demo, client):
    """Issue 15 : le portage 2023 de la Mission locale relève du FSE+ 2021-2027 (pris de ses dates), programmé par le
    comité de pilotage du 17/01/2023, conventionné par le cycle réel avec les « Vu », les mentions, le taux maximal de
    60 % et l'option de coûts (15 % des frais de personnel, art. 54 b) de son programme."""
    from conventions.models import Convention
    from conventions.options import EtatSignature
    from conventions.selectors import document_courant
    from tests.lecture_docx import eur, ouvrir, texte, texte_de

    operation = Operation.objects.get(intitule="Portage de référents de parcours PLIE 2023 – Mission locale")
    assert operation.code == "OP-2023-001" and operation.etat == Etat.CONVENTIONNEE
    assert operation.programme.libelle == "FSE+ 2021-2027" and operation.programme.code != "FSE_2014_2020"
    # 2 référents à 48 600 € = 97 200 € ; forfait de 15 % : 14 580 € ; total 111 780 € ; FSE 60 % : 67 068 €.
    assert operation.total_depenses == operation.total_ressources == D("111780.00")
    assert operation.ressources.get(financeur__code="FSE").montant == D("67068.00")
    assert operation.depenses.get(categorie=CategorieDepense.INDIRECTES).montant == D("14580.00")
    journal = list(historique(operation))
    assert [ligne.transition for ligne in journal] == [
        "deposer", "declarer_recevable", "instruire", "clore_instruction", "programmer", "conventionner"]
    programmer = journal[4]
    assert programmer.timestamp.astimezone(PARIS).date() == date(2023, 1, 17)
    assert programmer.description == "Avis favorable du comité de pilotage du 17/01/2023."
    assert journal[-1].timestamp.astimezone(PARIS).date() == date(2023, 2, 21)

    convention = Convention.objects.get(operation=operation)
    assert convention.numero == "PLIE-2023-001" and convention.etat == EtatSignature.NOTIFIEE
    assert convention.exemplaire_signe and convention.regime_couts == "indirects_15"
    docx = ouvrir(document_courant(convention))
    contenu = texte(docx)
    for vu in ("Vu le règlement (UE) 2021/1060 du Parlement européen et du Conseil du 24 juin 2021",
               "Vu le règlement (UE) 2021/1057 du Parlement européen et du Conseil du 24 juin 2021 instituant le Fonds "
               "social européen plus (FSE+) ;", "Vu le décret n° 2022-608 du 21 avril 2022"):
        assert vu in contenu, vu
    assert "1303/2013" not in contenu and "2016-279" not in contenu
    assert f"plafonnée à {eur('67 068,00')}, soit 60,0\u00a0% du coût total éligible prévisionnel" in contenu
    assert ("Option de coûts simplifiés : Coûts indirects forfaitaires : 15 % des frais de personnel directs — "
            "Règlement (UE) 2021/1060, art. 54, point b).") in contenu
    pied = texte_de(docx.sections[0].footer)
    assert "Cofinancé par l'Union européenne" in pied and "édité le 22/01/2023" in pied

    # La liste des opérations montre les deux programmes côte à côte.
    client.force_login(Utilisateur.objects.get(username="animation"))
    page = client.get("/operations/").content.decode()
    assert "FSE+ 2021-2027" in page and "FSE 2014-2020" in page


@pytest.mark.django_db
def test_les_clauses_d_insertion_redonnent_le_bilan_2016_du_rapport(demo):
    """« BILAN PLIE - CLAUSES INSERTION » du rapport d'activité 2016 : chaque tableau, depuis les fichiers du service
    clauses passés par l'import réel ; les 126 salariés participants sont des participants de la démonstration."""
    from participants.models import HeuresClause, ImportClauses, Participant
    from participants.rapport import rapport_activite
    from participants.realisation import realisation

    clauses = rapport_activite(date(2016, 1, 1), date(2016, 12, 31))["clauses"]
    assert clauses["heures"] == {
        "total": 72333, "par_secteur": {"BTP": 49401, "SERVICES": 22932}, "salaries": 135,
        "par_contrat": {"CDD": {"heures": 5962, "salaries": 17}, "CDDI": {"heures": 5421, "salaries": 18},
                        "CDI": {"heures": 6845, "salaries": 9}, "C_PRO": {"heures": 13198, "salaries": 14},
                        "CTTI": {"heures": 40907, "salaries": 77}}}
    assert clauses["orientations"] == {
        "total": 164, "par_origine": {"PLIE": {"total": 77, "qpv": 39}, "AUTRE": {"total": 87, "qpv": 28}},
        "par_secteur": {"BTP": 94, "SERVICES": 70},
        "par_prescripteur": {"POLE_EMPLOI": 16, "ARIQ_BTP": 6, "EUREKA_INTERIM": 38, "IDEES_INTERIM": 22,
                             "ENTREPRISE": 1, "MDEF": 1, "ESPACE_EMPLOI_LONGVIC": 2, "SERVICE_EMPLOI_CHENOVE": 1},
        "qpv_par_quartier": {"CHENÔVE - Le Mail": 18, "DIJON - Fontaine d'Ouche": 11, "DIJON - Grésilles": 19,
                             "LONGVIC - Bief du Moulin": 5, "QUETIGNY - Centre (quartier de veille)": 4,
                             "TALANT - Belvédère": 10}}
    assert clauses["candidats_valides"] == {"total": 104, "par_secteur": {"BTP": 67, "SERVICES": 39}, "part_qpv": 0.3173}
    assert clauses["participants_plie"] == {
        "total": 126, "par_sexe": {"H": 110, "F": 16},
        "par_secteur": {"BTP": {"total": 82, "F": 0}, "SERVICES": {"total": 49, "F": 16}},
        "qpv": {"total": 52, "par_quartier": {
            "CHENÔVE - Le Mail": 12, "DIJON - Fontaine d'Ouche": 7, "DIJON - Grésilles": 16, "LONGVIC - Bief du Moulin": 5,
            "LONGVIC - Guynemer (quartier de veille)": 2, "QUETIGNY - Centre (quartier de veille)": 1,
            "TALANT - Belvédère": 9}}}
    assert clauses["sorties_positives"] == {
        "total": 39, "par_motif": {"CONTRAT_PRO": 12, "CDI": 6, "CDD_6M": 17, "FORMATION_QUALIFIANTE": 4},
        "qpv": {"total": 15, "par_quartier": {"CHENÔVE - Le Mail": 4, "DIJON - Fontaine d'Ouche": 2,
                                              "DIJON - Grésilles": 8, "LONGVIC - Bief du Moulin": 1}}}
    # Passées par l'import (une trace), liées à des participants de la démonstration ; et quelques heures de 2017.
    assert ImportClauses.objects.count() == 1
    assert Participant.objects.filter(heures_clauses__isnull=False).distinct().count() == 126
    assert HeuresClause.objects.filter(mois__year=2017).exists()
    # L'accompagnement des clauses d'ARIQ BTP (2016-2017) réalise en heures : 72 333 en 2016, sur 144 000 en deux ans.
    ariq = Operation.objects.get(type__code="CLAUSES_INSERTION", date_debut__year=2016)
    lignes = {r.indicateur: r for r in realisation(ariq, au=date(2016, 12, 31))}
    heures = lignes["Heures d'insertion réalisées"]
    assert (heures.realise, heures.cible, heures.alerte) == (72333, 144000, False)
    assert heures.projection == 144468  # 72 333 heures en 366 jours, prolongées sur 731
    assert lignes["Participants accompagnés"].realise == 126 and lignes["Sorties positives"].realise == 39


@pytest.mark.django_db
def test_les_lettres_mensuelles_de_2017(demo):
    from pilotage.models import Destinataire, LettreMensuelle
    from pilotage.options import CategorieDestinataire

    lettres = list(LettreMensuelle.objects.order_by("mois"))
    assert [(l.cle, l.etat) for l in lettres] == [
        ("2017-01", "envoyee"), ("2017-02", "envoyee"), ("2017-03", "envoyee"), ("2017-04", "envoyee"),
        ("2017-05", "envoyee"), ("2017-06", "brouillon")]
    # Envoyées le premier jour ouvré du mois suivant : le lundi 2 janvier... le 3 avril (le 1er est un samedi).
    assert timezone.localtime(lettres[2].envoyee_le).date() == date(2017, 4, 3)
    assert timezone.localtime(lettres[3].envoyee_le).date() == date(2017, 5, 2)  # le 1er mai est férié
    mars = {ligne["cle"]: ligne for ligne in lettres[2].chiffres["lignes"]}
    assert mars["accompagnes"]["valeur"] > 0 and mars["accompagnes"]["precedent"] > 0
    assert lettres[2].chiffres["operations"], "les objectifs des opérations 2017 à la fin de mars"
    assert "comité de pilotage du 14 mars" in lettres[2].editorial
    par_categorie = {c: Destinataire.objects.filter(categorie=c, actif=True).count() for c in CategorieDestinataire}
    assert par_categorie["financeur"] == 3 and par_categorie["prescripteur"] == 3
    assert par_categorie["porteur"] >= 10 and par_categorie["referent"] >= 14
    assert not Destinataire.objects.filter(actif=False).exclude(courriel="ancien@cd21.demo.plie.invalid").exists()


@pytest.mark.django_db
def test_enveloppe_souple_2016_redonne_le_rapport_papier_et_son_bilan_reprend_les_aides(demo):
    """Rapport d'activité 2016, « L'enveloppe souple » : 56 demandes traitées, 46 participants aidés (15 hommes,
    31 femmes), 18 044,30 € ; 27 % emploi, 71 % formation, 3 % stage, dont 39 % de garde d'enfants."""
    from justificatifs.aides import Aide, reste
    from justificatifs.models import Bilan
    from participants.rapport import rapport_activite

    assert rapport_activite(date(2016, 1, 1), date(2016, 12, 31))["enveloppe_souple"] == {
        "demandes_traitees": 56, "participants_aides": {"total": 46, "H": 15, "F": 31}, "montant_total": "18044.30",
        "repartition_par_motif": {"EMPLOI": 0.27, "FORMATION": 0.71, "STAGE": 0.03}, "part_garde_enfants": 0.39}
    enveloppe = Operation.objects.get(intitule="Enveloppe souple 2016")
    assert enveloppe.etat == Etat.SOLDEE and reste(enveloppe) == D("0.00")  # 18 044,30 € de budget, tout payé
    final = Bilan.objects.get(operation=enveloppe, nature="final")
    lignes = final.depenses.filter(aide__isnull=False)
    assert lignes.count() == 52 and sum(d.realise for d in lignes) == D("18044.30")
    assert all(d.pieces.filter(nature="facture").count() == 1 for d in lignes)
    assert final.csf.valide_le is not None
    # 2017 : des aides dans chaque état, sur l'enveloppe en réalisation.
    etats = set(Aide.objects.filter(operation__intitule="Enveloppe souple 2017").values_list("etat", flat=True))
    assert etats == {"payee", "accordee", "refusee", "annulee", "complement_demande", "demandee"}
    # L'historique des aides est daté de leur année.
    assert not StateLog.objects.filter(content_type__model="aide", timestamp__year__gt=2017).exists()

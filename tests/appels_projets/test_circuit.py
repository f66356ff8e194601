"""Le circuit d'un appel par ses services : date limite, recevabilité, analyse, comité, enveloppe, PV."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from appels_projets import services
from appels_projets.models import PointOrdreDuJour
from appels_projets.options import Decision, EtatAppel, EtatComite
from appels_projets.selectors import checklist_recevabilite, enveloppe_consommee
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import operation_transition
from operations.workflow import ActionRefusee
from tests.appels_projets.factories import AnalyseFactory, AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.factories import utilisateur

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel():
    return AppelFactory(etat=EtatAppel.PUBLIE, enveloppe_fse=Decimal("20000.00"))


def test_le_depot_est_refuse_apres_la_date_limite_avec_la_raison(appel, porteur):
    reponse = ReponseFactory(appel=appel, operation__porteur=porteur.structure)
    appel.date_limite = timezone.now() - timedelta(minutes=1)
    appel.save()
    with pytest.raises(ActionRefusee, match=r"La date limite de dépôt de l'appel .* était le .* : le dépôt n'est plus possible"):
        operation_transition(operation=reponse.operation, nom="deposer", user=porteur)
    assert Operation.objects.get(pk=reponse.operation.pk).etat == Etat.BROUILLON


def test_le_depot_exige_les_pieces_obligatoires_et_les_nomme(appel, porteur):
    reponse = ReponseFactory(appel=appel, operation__porteur=porteur.structure)
    appel.pieces_requises.create(libelle="Lettre de soutien", obligatoire=False, ordre=9)
    with pytest.raises(ActionRefusee, match="Pièces obligatoires de l'appel à joindre \\(page de la réponse\\) : "
                                            "« Budget prévisionnel signé », « Statuts de la structure »."):
        operation_transition(operation=reponse.operation, nom="deposer", user=porteur)
    assert Operation.objects.get(pk=reponse.operation.pk).etat == Etat.BROUILLON


def test_le_depot_dans_les_delais_date_la_reponse(appel, porteur, django_capture_on_commit_callbacks):
    reponse = ReponseFactory(appel=appel, operation__porteur=porteur.structure, pieces=True)
    with django_capture_on_commit_callbacks(execute=True):
        operation_transition(operation=reponse.operation, nom="deposer", user=porteur)
    reponse.refresh_from_db()
    assert reponse.deposee_le is not None and reponse.deposee_le <= appel.date_limite


def test_la_tache_planifiee_clot_les_appels_echus(appel):
    ouvert = AppelFactory(etat=EtatAppel.PUBLIE)
    appel.date_limite = timezone.now() - timedelta(hours=1)
    appel.save()
    assert services.appels_clore_echus() == [appel.pk]
    appel.refresh_from_db(), ouvert.refresh_from_db()
    assert (appel.etat, ouvert.etat) == (EtatAppel.CLOS, EtatAppel.PUBLIE)
    assert StateLog.objects.get(object_id=appel.pk, transition="clore").description == "Date limite de dépôt atteinte"


def test_publier_exige_une_grille_a_100(animation):
    appel = AppelFactory(criteres=[("Pertinence", 60), ("Qualité", 30)])
    with pytest.raises(ActionRefusee, match="font 90 au lieu de 100"):
        services.appel_transition(appel=appel, nom="publier", user=animation)


def test_la_checklist_de_recevabilite(appel, porteur):
    reponse = ReponseFactory(appel=appel, operation__porteur=porteur.structure, operation__etat=Etat.DEPOSEE, pieces=False)
    verdicts = {v.libelle: v.conforme for v in checklist_recevabilite(reponse)}
    assert verdicts["Pièce : Budget prévisionnel signé"] is False
    assert verdicts["Période de réalisation dans les bornes de l'appel"] is True
    assert verdicts["Taux FSE sous le plafond de l'appel"] is True  # 50 % pour 60 % au plus
    assert verdicts["Ressources équilibrant les dépenses"] is True
    assert verdicts["Déposée avant la date limite"] is True


def test_demande_de_complements_puis_reponse_du_porteur(appel, animation, porteur):
    reponse = ReponseFactory(appel=appel, operation__porteur=porteur.structure, operation__etat=Etat.DEPOSEE)
    echeance = timezone.localdate() + timedelta(days=10)
    services.complements_demander(reponse=reponse, objet="Joindre le budget signé", date_limite=echeance, user=animation)
    assert Operation.objects.get(pk=reponse.operation.pk).etat == Etat.INCOMPLETE
    reponse.operation = Operation.objects.get(pk=reponse.operation.pk)
    services.complements_fournir(reponse=reponse, texte="Budget signé joint", user=porteur)
    demande = reponse.demandes_complements.get()
    assert (demande.objet, demande.reponse_porteur, demande.repondue_par) == ("Joindre le budget signé", "Budget signé joint", porteur)
    assert Operation.objects.get(pk=reponse.operation.pk).etat == Etat.DEPOSEE


def test_l_instruction_ne_se_clot_pas_sans_analyse(appel, animation):
    reponse = ReponseFactory(appel=appel, operation__etat=Etat.EN_INSTRUCTION)
    with pytest.raises(ActionRefusee, match="Aucune analyse"):
        operation_transition(operation=reponse.operation, nom="clore_instruction", user=animation)
    critere = {c: (4, "") for c in appel.criteres.all()}
    with pytest.raises(ActionRefusee, match="dépasse le montant demandé"):
        services.analyse_enregistrer(reponse=reponse, user=animation, avis="favorable",
                                     montant_fse_propose=Decimal("9022.16"), commentaire="", notes=critere)
    analyse = services.analyse_enregistrer(reponse=reponse, user=animation, avis="favorable",
                                           montant_fse_propose=Decimal("9000"), commentaire="", notes=critere)
    assert analyse.note_ponderee == Decimal("4.00")
    operation_transition(operation=reponse.operation, nom="clore_instruction", user=animation)
    assert reponse.operation.etat == Etat.INSTRUITE


def test_note_ponderee_par_les_poids():
    analyse = AnalyseFactory(notes=[5, 2, 0])  # poids 40, 35, 25
    assert analyse.note_ponderee == Decimal("2.70")  # (5×40 + 2×35 + 0×25) / 100


@pytest.fixture
def seance(appel, comite):
    comite_tenu = ComiteFactory(membres=[comite], etat=EtatComite.TENU)
    points = [PointFactory(comite=comite_tenu, reponse=ReponseFactory(appel=appel, operation__etat=Etat.INSTRUITE)) for _ in range(3)]
    return comite_tenu, points


def test_decisions_du_comite_et_enveloppe(seance, comite, appel):
    _, (p1, p2, p3) = seance
    services.decision_enregistrer(point=p1, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9022.15"),
                                  motivation="", confirmer_depassement=False, user=comite)
    with pytest.raises(ActionRefusee, match="dépasse le montant demandé"):
        services.decision_enregistrer(point=p2, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9500"),
                                      motivation="", confirmer_depassement=False, user=comite)
    with pytest.raises(ActionRefusee, match="la motivation est obligatoire pour « Ajournée »"):
        services.decision_enregistrer(point=p2, decision=Decision.AJOURNEE, montant_vote=None,
                                      motivation=" ", confirmer_depassement=False, user=comite)
    services.decision_enregistrer(point=p2, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000"),
                                  motivation="", confirmer_depassement=False, user=comite)
    # 18 022,15 € votés sur 20 000 € : 9 000 € de plus dépasseraient l'enveloppe de 7 022,15 €.
    with pytest.raises(ActionRefusee, match="serait dépassée de 7\u202f022,15\u00a0€"):
        services.decision_enregistrer(point=p3, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000"),
                                      motivation="", confirmer_depassement=False, user=comite)
    assert PointOrdreDuJour.objects.get(pk=p3.pk).decision == ""
    services.decision_enregistrer(point=p3, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000"),
                                  motivation="", confirmer_depassement=True, user=comite)
    p3.refresh_from_db()
    assert p3.depassement_confirme and p3.decidee_par == comite and p3.decidee_le
    assert enveloppe_consommee(appel) == Decimal("27022.15")


def test_seuls_les_membres_du_comite_decident(seance):
    _, (p1, *_) = seance
    autre_membre = utilisateur(Role.COMITE)
    with pytest.raises(ActionRefusee, match="Seuls les membres de ce comité"):
        services.decision_enregistrer(point=p1, decision=Decision.PROGRAMMEE, montant_vote=Decimal("1000"),
                                      motivation="", confirmer_depassement=False, user=autre_membre)


def test_valider_le_pv_fait_avancer_les_operations(seance, comite, porteur, django_capture_on_commit_callbacks):
    comite_tenu, (p1, p2, p3) = seance
    p1.reponse.operation.porteur = porteur.structure
    p1.reponse.operation.save()
    with pytest.raises(ActionRefusee, match="3 opération\\(s\\) de l'ordre du jour sans décision"):
        services.comite_valider_pv(comite=comite_tenu, user=comite)
    for point, decision in [(p1, Decision.PROGRAMMEE), (p2, Decision.AJOURNEE), (p3, Decision.REJETEE)]:
        services.decision_enregistrer(point=point, decision=decision, montant_vote=Decimal("5000"),
                                      motivation="Public cible à préciser", confirmer_depassement=False, user=comite)
    with django_capture_on_commit_callbacks(execute=True):
        services.comite_valider_pv(comite=comite_tenu, user=comite)
    etats = [Operation.objects.get(pk=p.reponse.operation_id).etat for p in (p1, p2, p3)]
    assert etats == [Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE]
    journal = StateLog.objects.get(object_id=p2.reponse.operation_id, transition="ajourner")
    assert (journal.by, journal.description) == (comite, "Public cible à préciser")
    assert Notification.objects.filter(destinataire=porteur, operation_id=p1.reponse.operation_id).exists()
    comite_tenu.refresh_from_db()
    assert comite_tenu.etat == EtatComite.PV_VALIDE


def test_une_reponse_a_un_appel_n_est_decidee_que_par_le_pv_de_son_comite(seance, comite):
    """Un membre du comité ne peut pas programmer depuis la fiche une opération qui répond à un appel."""
    comite_tenu, (p1, *_) = seance
    operation = p1.reponse.operation
    services.decision_enregistrer(point=p1, decision=Decision.PROGRAMMEE, montant_vote=Decimal("5000"),
                                  motivation="", confirmer_depassement=False, user=comite)
    for nom, motivation in [("programmer", ""), ("ajourner", "Hors séance"), ("rejeter", "Hors séance")]:
        with pytest.raises(ActionRefusee, match="que par la validation du procès-verbal du comité"):
            operation_transition(operation=operation, nom=nom, user=comite, motivation=motivation)
    assert Operation.objects.get(pk=operation.pk).etat == Etat.INSTRUITE
    # Hors appel à projets (programmation directe), le comité décide depuis la fiche.
    hors_appel = ReponseFactory(appel=p1.reponse.appel, operation__etat=Etat.INSTRUITE).operation
    hors_appel.reponse_appel.delete()
    hors_appel = Operation.objects.get(pk=hors_appel.pk)
    operation_transition(operation=hors_appel, nom="programmer", user=comite)
    assert Operation.objects.get(pk=hors_appel.pk).etat == Etat.PROGRAMMEE

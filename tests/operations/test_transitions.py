"""Le cycle de vie d'une opération, tiré par `operation_transition` : qui peut faire quoi, depuis quel état.

La table ci-dessous est écrite d'après la conception (graphe des états, rôles, docs/architecture.md), pas recopiée du modèle :
si le modèle s'en écarte, le premier test le dit.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from operations.models import LigneDepense, LigneRessource, Notification, Operation
from operations.options import Etat
from operations.selectors import transitions_offertes
from operations.services import ActionRefusee, operation_creer, operation_transition
from operations.tasks import notifier_transition
from conventions.options import EtatSignature
from tests.conventions.factories import ConventionFactory
from tests.justificatifs.factories import rendre_possible
from tests.factories import OperationFactory, StructureFactory, financeur, type_operation, utilisateur

A, P, C, G = Role.ANIMATION, Role.PORTEUR, Role.COMITE, Role.GESTIONNAIRE
ROLES = [Role.ANIMATION, Role.PORTEUR, Role.REFERENT, Role.COMITE, Role.GESTIONNAIRE, Role.ADMINISTRATEUR]
E = Etat

# Avant « soldée », tout état non terminal peut être abandonné (un refus ou une clôture ne s'abandonne pas).
ABANDONNABLES = [
    E.BROUILLON, E.DEPOSEE, E.INCOMPLETE, E.RECEVABLE, E.EN_INSTRUCTION, E.INSTRUITE, E.PROGRAMMEE,
    E.AJOURNEE, E.CONVENTIONNEE, E.EN_REALISATION, E.BILAN_DEPOSE, E.BILAN_A_CORRIGER, E.BILAN_CONTROLE,
]


@dataclass(frozen=True)
class T:
    nom: str
    sources: tuple
    cible: str
    roles: frozenset
    motivation: bool = False

    def __str__(self):
        return self.nom


TRANSITIONS = [
    T("deposer", (E.BROUILLON,), E.DEPOSEE, frozenset({P})),
    T("demander_complements", (E.DEPOSEE,), E.INCOMPLETE, frozenset({A}), motivation=True),
    T("completer", (E.INCOMPLETE,), E.DEPOSEE, frozenset({P})),
    T("declarer_recevable", (E.DEPOSEE,), E.RECEVABLE, frozenset({A})),
    T("declarer_irrecevable", (E.DEPOSEE,), E.IRRECEVABLE, frozenset({A}), motivation=True),
    T("instruire", (E.RECEVABLE, E.AJOURNEE), E.EN_INSTRUCTION, frozenset({A})),
    T("clore_instruction", (E.EN_INSTRUCTION,), E.INSTRUITE, frozenset({A})),
    T("programmer", (E.INSTRUITE,), E.PROGRAMMEE, frozenset({C})),
    T("ajourner", (E.INSTRUITE,), E.AJOURNEE, frozenset({C}), motivation=True),
    T("rejeter", (E.INSTRUITE,), E.REJETEE, frozenset({C}), motivation=True),
    T("conventionner", (E.PROGRAMMEE,), E.CONVENTIONNEE, frozenset({A})),
    T("demarrer", (E.CONVENTIONNEE,), E.EN_REALISATION, frozenset({A, P})),
    T("deposer_bilan", (E.EN_REALISATION,), E.BILAN_DEPOSE, frozenset({P})),
    T("renvoyer_bilan", (E.BILAN_DEPOSE,), E.BILAN_A_CORRIGER, frozenset({G}), motivation=True),
    T("redeposer_bilan", (E.BILAN_A_CORRIGER,), E.BILAN_DEPOSE, frozenset({P})),
    T("valider_controle", (E.BILAN_DEPOSE,), E.BILAN_CONTROLE, frozenset({G})),
    T("solder", (E.BILAN_CONTROLE,), E.SOLDEE, frozenset({G})),
    T("abandonner", tuple(ABANDONNABLES), E.ABANDONNEE, frozenset({A, P}), motivation=True),
]
PAR_NOM = {t.nom: t for t in TRANSITIONS}
CAS = [(t, source) for t in TRANSITIONS for source in t.sources]
MOTIVATION = "Décision du comité de programmation du 14/03/2016 : dossier complet."


def journal(operation):
    return StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Operation), object_id=operation.pk
    )


def etat_en_base(operation):
    return Operation.objects.values_list("etat", flat=True).get(pk=operation.pk)


def assert_rien_ecrit(operation, etat):
    assert etat_en_base(operation) == etat
    assert not journal(operation).exists()


def test_la_machine_a_etats_du_modele_est_celle_de_la_table():
    attendu = {(t.nom, source, t.cible) for t, source in CAS}
    reel = {(t.name, t.source, t.target) for t in Operation._meta.get_field("etat").get_all_transitions(Operation)}
    assert reel == attendu


def test_les_metadonnees_des_transitions_disent_si_la_motivation_est_requise():
    for t in Operation._meta.get_field("etat").get_all_transitions(Operation):
        assert t.custom["libelle"], t.name
        assert t.custom["motivation_requise"] is PAR_NOM[t.name].motivation, t.name


# --- Droits : chaque transition, depuis chaque état source, par chaque rôle ---

@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("t", "source"), CAS, ids=[f"{t.nom}-depuis-{s}" for t, s in CAS])
def test_chaque_role_peut_ou_ne_peut_pas_tirer_chaque_transition(t, source, role, structure):
    operation = OperationFactory(porteur=structure, etat=source)
    user = utilisateur(role, structure=structure if role in (Role.PORTEUR, Role.REFERENT) else None)

    if role in t.roles:
        if t.nom == "conventionner":  # l'opération devient conventionnée à la notification de sa convention
            ConventionFactory(operation=operation, etat=EtatSignature.NOTIFIEE)
        rendre_possible(operation, t.nom)  # les transitions de bilan suivent le bilan final
        resultat = operation_transition(operation=operation, nom=t.nom, user=user, motivation=MOTIVATION)
        assert resultat.etat == t.cible
        assert etat_en_base(operation) == t.cible
        ligne = journal(operation).get()
        assert (ligne.by, ligne.source_state, ligne.state, ligne.transition) == (user, source, t.cible, t.nom)
        assert ligne.description == MOTIVATION
    else:
        with pytest.raises(ActionRefusee, match="Réservé à"):
            operation_transition(operation=operation, nom=t.nom, user=user, motivation=MOTIVATION)
        assert_rien_ecrit(operation, source)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("t", "source"),
    [(t, s) for t, s in CAS if P in t.roles],
    ids=[f"{t.nom}-depuis-{s}" for t, s in CAS if P in t.roles],
)
def test_le_porteur_d_une_autre_structure_est_refuse(t, source, structure, porteur_autre):
    operation = OperationFactory(porteur=structure, etat=source)
    with pytest.raises(ActionRefusee, match="Réservé à la structure porteuse"):
        operation_transition(operation=operation, nom=t.nom, user=porteur_autre, motivation=MOTIVATION)
    assert_rien_ecrit(operation, source)


@pytest.mark.django_db
def test_un_utilisateur_sans_role_ne_peut_rien(structure, sans_role):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    for nom in ("declarer_recevable", "declarer_irrecevable", "demander_complements", "abandonner"):
        with pytest.raises(ActionRefusee):
            operation_transition(operation=operation, nom=nom, user=sans_role, motivation=MOTIVATION)
    assert_rien_ecrit(operation, Etat.DEPOSEE)


# --- États : une transition qui ne part pas de l'état courant est refusée, quel que soit le rôle ---

@pytest.mark.django_db
@pytest.mark.parametrize("etat", Etat.values)
def test_les_transitions_qui_ne_partent_pas_de_l_etat_sont_refusees(etat, structure):
    operation = OperationFactory(porteur=structure, etat=etat)
    tous_les_roles = utilisateur(ROLES, structure=structure)
    hors_etat = [t for t in TRANSITIONS if etat not in t.sources]
    assert hors_etat
    for t in hors_etat:
        with pytest.raises(ActionRefusee, match=f"n'est pas possible .*à l'état « {Etat(etat).label} »"):
            operation_transition(operation=operation, nom=t.nom, user=tous_les_roles, motivation=MOTIVATION)
    assert_rien_ecrit(operation, etat)


@pytest.mark.django_db
def test_une_transition_inconnue_est_refusee(operation, porteur):
    with pytest.raises(ActionRefusee):
        operation_transition(operation=operation, nom="supprimer", user=porteur)
    assert_rien_ecrit(operation, Etat.BROUILLON)


@pytest.mark.django_db
def test_les_etats_finaux_n_offrent_aucune_transition(structure):
    tous_les_roles = utilisateur(ROLES, structure=structure)
    for etat in (E.IRRECEVABLE, E.REJETEE, E.SOLDEE, E.ABANDONNEE):
        operation = OperationFactory(porteur=structure, etat=etat)
        assert transitions_offertes(operation=operation, user=tous_les_roles) == []


# --- Motivation obligatoire pour les décisions qui refusent, renvoient ou abandonnent ---

A_MOTIVER = [(t, t.sources[0]) for t in TRANSITIONS if t.motivation]


@pytest.mark.django_db
@pytest.mark.parametrize("motivation", ["", "   \n\t "])
@pytest.mark.parametrize(("t", "source"), A_MOTIVER, ids=[t.nom for t, _ in A_MOTIVER])
def test_une_decision_sans_motivation_est_refusee(t, source, motivation, structure):
    operation = OperationFactory(porteur=structure, etat=source)
    rendre_possible(operation, t.nom)
    role = sorted(t.roles)[0]
    user = utilisateur(role, structure=structure if role == Role.PORTEUR else None)
    with pytest.raises(ActionRefusee, match="La motivation est obligatoire"):
        operation_transition(operation=operation, nom=t.nom, user=user, motivation=motivation)
    assert_rien_ecrit(operation, source)


@pytest.mark.django_db
def test_la_motivation_est_enregistree_sans_les_blancs_autour(structure, animation):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    operation_transition(
        operation=operation, nom="declarer_irrecevable", user=animation, motivation="  Hors territoire du PLIE.\n"
    )
    assert journal(operation).get().description == "Hors territoire du PLIE."


@pytest.mark.django_db
def test_un_cycle_complet_laisse_un_historique_dans_l_ordre(structure, utilisateurs):
    operation = OperationFactory(porteur=structure)
    etapes = [
        ("deposer", P), ("demander_complements", A), ("completer", P), ("declarer_recevable", A),
        ("instruire", A), ("clore_instruction", A), ("ajourner", C), ("instruire", A), ("clore_instruction", A),
        ("programmer", C), ("conventionner", A), ("demarrer", P), ("deposer_bilan", P), ("renvoyer_bilan", G),
        ("redeposer_bilan", P), ("valider_controle", G), ("solder", G),
    ]
    for nom, role in etapes:
        if nom == "conventionner":
            ConventionFactory(operation=operation, etat=EtatSignature.NOTIFIEE)
        rendre_possible(operation, nom)
        operation_transition(operation=operation, nom=nom, user=utilisateurs[role], motivation=f"étape {nom}")
    operation.refresh_from_db()
    assert operation.etat == Etat.SOLDEE
    lignes = list(journal(operation).order_by("timestamp", "pk"))
    assert [ligne.transition for ligne in lignes] == [nom for nom, _ in etapes]
    assert [ligne.by for ligne in lignes] == [utilisateurs[role] for _, role in etapes]
    # Chaque ligne part de l'état où la précédente est arrivée.
    assert all(avant.state == apres.source_state for avant, apres in zip(lignes, lignes[1:]))


# --- Conditions du dépôt : plan de financement équilibré, FSE, objectifs ---

@pytest.mark.django_db
@pytest.mark.parametrize("nom, etat", [("deposer", E.BROUILLON), ("completer", E.INCOMPLETE)])
def test_le_depot_est_bloque_si_les_ressources_n_equilibrent_pas_les_depenses(nom, etat, structure, porteur):
    operation = OperationFactory(porteur=structure, etat=etat)
    LigneRessource.objects.filter(operation=operation, financeur__code="METROPOLE").update(montant=Decimal("7977.85"))

    with pytest.raises(ActionRefusee) as refus:
        operation_transition(operation=operation, nom=nom, user=porteur)

    message = str(refus.value)
    assert "Les ressources (17\u202f000,00\u00a0€) n'équilibrent pas les dépenses (18\u202f044,30\u00a0€)" in message
    assert "écart de -1\u202f044,30\u00a0€" in message
    assert_rien_ecrit(operation, etat)


@pytest.mark.django_db
def test_le_depot_est_bloque_sans_objectif(operation, porteur):
    operation.objectifs.all().delete()
    with pytest.raises(ActionRefusee, match="Aucun objectif n'est renseigné"):
        operation_transition(operation=operation, nom="deposer", user=porteur)
    assert_rien_ecrit(operation, Etat.BROUILLON)


@pytest.mark.django_db
def test_le_depot_est_bloque_sans_fse(operation, porteur):
    # Équilibré, mais tout à la charge de la métropole : rien n'est demandé au FSE.
    operation.ressources.filter(financeur__code="FSE").delete()
    operation.ressources.filter(financeur__code="METROPOLE").update(montant=Decimal("18044.30"))
    assert operation.total_ressources == operation.total_depenses
    with pytest.raises(ActionRefusee, match="Aucune ressource FSE n'est demandée"):
        operation_transition(operation=operation, nom="deposer", user=porteur)
    assert_rien_ecrit(operation, Etat.BROUILLON)


@pytest.mark.django_db
def test_le_depot_est_bloque_sans_plan_de_financement(structure, porteur):
    operation = OperationFactory(porteur=structure, plan=False)
    with pytest.raises(ActionRefusee) as refus:
        operation_transition(operation=operation, nom="deposer", user=porteur)
    message = str(refus.value)
    for raison in ("aucune dépense", "Aucune ressource FSE", "Aucun objectif"):
        assert raison in message
    assert_rien_ecrit(operation, Etat.BROUILLON)


@pytest.mark.django_db
def test_le_depot_passe_une_fois_le_plan_equilibre(operation, porteur):
    LigneDepense.objects.create(operation=operation, categorie="fonctionnement", libelle="Loyer", montant=Decimal("1000"))
    with pytest.raises(ActionRefusee):
        operation_transition(operation=operation, nom="deposer", user=porteur)
    LigneRessource.objects.create(operation=operation, financeur=financeur("DEPARTEMENT"), montant=Decimal("1000"))
    operation_transition(operation=operation, nom="deposer", user=porteur)
    assert etat_en_base(operation) == Etat.DEPOSEE


# --- Ce que la page propose : transitions_offertes ---

@pytest.mark.django_db
def test_le_porteur_se_voit_offrir_le_depot_avec_les_raisons_du_blocage(operation, porteur):
    operation.ressources.filter(financeur__code="METROPOLE").update(montant=Decimal("0"))
    operation.objectifs.all().delete()

    offres = {o.nom: o for o in transitions_offertes(operation=operation, user=porteur)}

    assert set(offres) == {"deposer", "abandonner"}
    depot = offres["deposer"]
    assert not depot.possible
    assert depot.libelle == "Déposer la demande"
    assert any("9\u202f022,15\u00a0€" in r and "18\u202f044,30\u00a0€" in r for r in depot.raisons)
    assert "Aucun objectif n'est renseigné." in depot.raisons
    assert offres["abandonner"].possible and offres["abandonner"].motivation_requise


@pytest.mark.django_db
def test_le_depot_offert_est_possible_quand_tout_est_rempli(operation, porteur):
    depot = next(o for o in transitions_offertes(operation=operation, user=porteur) if o.nom == "deposer")
    assert depot.possible and depot.raisons == []


@pytest.mark.django_db
@pytest.mark.parametrize("etat", Etat.values)
@pytest.mark.parametrize("role", ROLES)
def test_seules_les_transitions_permises_sont_offertes(etat, role, structure):
    operation = OperationFactory(porteur=structure, etat=etat)
    user = utilisateur(role, structure=structure if role in (Role.PORTEUR, Role.REFERENT) else None)
    attendues = {t.nom for t in TRANSITIONS if etat in t.sources and role in t.roles}
    assert {o.nom for o in transitions_offertes(operation=operation, user=user)} == attendues


@pytest.mark.django_db
def test_rien_n_est_offert_au_porteur_d_une_autre_structure(operation, porteur_autre):
    assert transitions_offertes(operation=operation, user=porteur_autre) == []


# --- Notifications après la transition (tâche Celery lancée au commit) ---

@pytest.fixture
def notifiables(structure, autre_structure):
    """Les comptes susceptibles d'être avisés, y compris ceux qui ne doivent pas l'être."""
    return {
        "animation": [utilisateur(A), utilisateur(A)],
        "porteur": [utilisateur(P, structure=structure), utilisateur(P, structure=structure)],
        "referent": [utilisateur(Role.REFERENT, structure=structure)],
        "porteur_autre": [utilisateur(P, structure=autre_structure)],
        "comite": [utilisateur(C)],
        "gestionnaire": [utilisateur(G)],
    }


NOTIFICATIONS = [
    ("deposer", E.BROUILLON, "porteur", ["animation"]),
    ("declarer_irrecevable", E.DEPOSEE, "animation", ["porteur"]),
    ("clore_instruction", E.EN_INSTRUCTION, "animation", ["comite"]),
    ("programmer", E.INSTRUITE, "comite", ["porteur", "animation"]),
    ("deposer_bilan", E.EN_REALISATION, "porteur", ["gestionnaire"]),
    ("instruire", E.RECEVABLE, "animation", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("nom", "source", "auteur", "avises"), NOTIFICATIONS, ids=[n[0] for n in NOTIFICATIONS])
def test_la_transition_avise_les_bonnes_personnes(
    nom, source, auteur, avises, structure, notifiables, django_capture_on_commit_callbacks, mailoutbox
):
    operation = OperationFactory(porteur=structure, etat=source)
    rendre_possible(operation, nom)
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        operation_transition(operation=operation, nom=nom, user=notifiables[auteur][0], motivation=MOTIVATION)
    assert len(rappels) == 1

    attendus = {u for groupe in avises for u in notifiables[groupe]}
    notifications = Notification.objects.filter(operation=operation)
    assert {n.destinataire for n in notifications} == attendus
    assert notifications.count() == len(attendus)
    assert {tuple(m.to) for m in mailoutbox} == {(u.email,) for u in attendus}
    cible = Etat(PAR_NOM[nom].cible).label
    for n in notifications:
        assert n.journal == journal(operation).get()
        assert n.objet == f"[{operation.code}] {cible} : {operation.intitule}"
        assert f"à « {cible} »" in n.message


@pytest.mark.django_db
def test_rien_n_est_envoye_avant_le_commit(operation, porteur, notifiables, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        operation_transition(operation=operation, nom="deposer", user=porteur)
    assert len(rappels) == 1
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_une_transition_refusee_ne_notifie_personne(operation, porteur_autre, notifiables, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as rappels, pytest.raises(ActionRefusee):
        operation_transition(operation=operation, nom="deposer", user=porteur_autre)
    assert rappels == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_la_tache_rejouee_ne_notifie_personne_deux_fois(structure, notifiables, django_capture_on_commit_callbacks, mailoutbox):
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    with django_capture_on_commit_callbacks(execute=True):
        operation_transition(
            operation=operation, nom="declarer_irrecevable", user=notifiables["animation"][0], motivation=MOTIVATION
        )
    ligne = journal(operation).get()
    assert Notification.objects.filter(journal=ligne).count() == 2
    assert len(mailoutbox) == 2

    assert notifier_transition.delay(ligne.pk).get() == 0
    notifier_transition(ligne.pk)

    assert Notification.objects.filter(journal=ligne).count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_un_destinataire_inactif_n_est_pas_avise(structure, notifiables, django_capture_on_commit_callbacks):
    parti = notifiables["porteur"][1]
    parti.is_active = False
    parti.save()
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)
    with django_capture_on_commit_callbacks(execute=True):
        operation_transition(operation=operation, nom="declarer_recevable", user=notifiables["animation"][0])
    assert set(Notification.objects.values_list("destinataire", flat=True)) == {notifiables["porteur"][0].pk}


# --- Création : codes OP-AAAA-NNN ---

@pytest.mark.django_db
def test_operation_creer_numerote_par_annee(porteur, structure):
    def creer(annee):
        return operation_creer(
            user=porteur, porteur=structure, date_debut=date(annee, 1, 1), date_fin=date(annee, 12, 31),
            intitule="Remobilisation", type=type_operation(),
        )

    codes = [creer(2016).code, creer(2016).code, creer(2017).code, creer(2016).code]
    assert codes == ["OP-2016-001", "OP-2016-002", "OP-2017-001", "OP-2016-003"]
    nouvelle = Operation.objects.get(code="OP-2017-001")
    assert (nouvelle.etat, nouvelle.cree_par, nouvelle.porteur) == (Etat.BROUILLON, porteur, structure)


@pytest.mark.django_db
def test_operation_creer_continue_apres_le_plus_grand_numero(porteur, structure):
    OperationFactory(code="OP-2018-009", porteur=structure)
    OperationFactory(code="OP-2018-010", porteur=structure)
    OperationFactory(code="OP-2018-ANCIEN", porteur=structure)
    operation = operation_creer(
        user=porteur, porteur=structure, date_debut=date(2018, 3, 1), date_fin=date(2018, 12, 31),
        intitule="Clauses d'insertion", type=type_operation(),
    )
    assert operation.code == "OP-2018-011"


@pytest.mark.django_db
def test_le_code_est_unique_dans_l_annee_tous_porteurs_confondus(porteur, structure):
    autre = StructureFactory()
    premiere = operation_creer(user=porteur, porteur=structure, date_debut=date(2019, 1, 1), date_fin=date(2019, 6, 30),
                               intitule="A", type=type_operation())
    seconde = operation_creer(user=porteur, porteur=autre, date_debut=date(2019, 1, 1), date_fin=date(2019, 6, 30),
                              intitule="B", type=type_operation())
    assert (premiere.code, seconde.code) == ("OP-2019-001", "OP-2019-002")

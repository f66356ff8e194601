"""Deux agents décident (ou créent) en même temps sur la même demande : l'un gagne, l'autre reçoit un message clair.

Deux fils, chacun avec sa connexion PostgreSQL, lisent l'opération puis tirent leur transition au même
instant (Barrier). Rien ne doit être à moitié écrit : une seule ligne d'historique, l'état du gagnant.
"""
import threading
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import ActionRefusee, operation_creer, operation_transition
from tests.factories import OperationFactory, StructureFactory, type_operation, utilisateur

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

REPETITIONS = 5


def tirer_ensemble(operation_pk, demandes):
    """Chaque demande (nom, user, motivation) dans son fil ; tous lisent l'opération avant que l'un n'écrive."""
    barriere = threading.Barrier(len(demandes), timeout=30)
    resultats = [None] * len(demandes)

    def agent(i, nom, user, motivation):
        try:
            operation = Operation.objects.get(pk=operation_pk)
            barriere.wait()
            operation_transition(operation=operation, nom=nom, user=user, motivation=motivation)
            resultats[i] = ("gagne", nom)
        except ActionRefusee as refus:
            resultats[i] = ("refuse", str(refus))
        except Exception as exc:  # toute autre erreur est un défaut : le test l'affiche
            resultats[i] = ("erreur", repr(exc))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=agent, args=(i, *demande)) for i, demande in enumerate(demandes)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    assert not any(f.is_alive() for f in fils), "un fil est resté bloqué"
    return resultats


def journal(operation_pk):
    return StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Operation), object_id=operation_pk)


@pytest.fixture
def acteurs():
    structure = StructureFactory()
    return {
        "structure": structure,
        "animatrice": utilisateur(Role.ANIMATION),
        "chargee": utilisateur(Role.ANIMATION),
        "porteur": utilisateur(Role.PORTEUR, structure=structure),
    }


@pytest.mark.parametrize("essai", range(REPETITIONS))
def test_recevable_contre_irrecevable_un_seul_gagne(essai, acteurs):
    operation = OperationFactory(porteur=acteurs["structure"], etat=Etat.DEPOSEE)
    cibles = {"declarer_recevable": Etat.RECEVABLE, "declarer_irrecevable": Etat.IRRECEVABLE}

    resultats = tirer_ensemble(
        operation.pk,
        [
            ("declarer_recevable", acteurs["animatrice"], ""),
            ("declarer_irrecevable", acteurs["chargee"], "Porteur hors du territoire."),
        ],
    )

    assert sorted(r[0] for r in resultats) == ["gagne", "refuse"], resultats
    gagnant = next(nom for issue, nom in resultats if issue == "gagne")
    refus = next(message for issue, message in resultats if issue == "refuse")
    assert "vient de changer d'état" in refus
    assert f"maintenant « {Etat(cibles[gagnant]).label} »" in refus
    assert Operation.objects.get(pk=operation.pk).etat == cibles[gagnant]
    ligne = journal(operation.pk).get()
    assert (ligne.transition, ligne.source_state, ligne.state) == (gagnant, Etat.DEPOSEE, cibles[gagnant])
    # Les avis partent pour le seul gagnant (exécutés après son commit).
    assert set(Notification.objects.filter(operation_id=operation.pk).values_list("journal", flat=True)) == {ligne.pk}


@pytest.mark.parametrize("essai", range(REPETITIONS))
def test_deux_fois_la_meme_decision_n_est_enregistree_qu_une_fois(essai, acteurs):
    operation = OperationFactory(porteur=acteurs["structure"], etat=Etat.DEPOSEE)

    resultats = tirer_ensemble(
        operation.pk,
        [("declarer_recevable", acteurs["animatrice"], ""), ("declarer_recevable", acteurs["chargee"], "")],
    )

    assert sorted(r[0] for r in resultats) == ["gagne", "refuse"], resultats
    assert "vient de changer d'état" in next(m for issue, m in resultats if issue == "refuse")
    assert Operation.objects.get(pk=operation.pk).etat == Etat.RECEVABLE
    assert journal(operation.pk).count() == 1


@pytest.mark.parametrize("essai", range(REPETITIONS))
def test_abandon_du_porteur_contre_decision_de_l_animation(essai, acteurs):
    operation = OperationFactory(porteur=acteurs["structure"], etat=Etat.DEPOSEE)

    resultats = tirer_ensemble(
        operation.pk,
        [
            ("abandonner", acteurs["porteur"], "La structure renonce."),
            ("demander_complements", acteurs["animatrice"], "Budget prévisionnel manquant."),
            ("declarer_recevable", acteurs["chargee"], ""),
        ],
    )

    assert sorted(r[0] for r in resultats) == ["gagne", "refuse", "refuse"], resultats
    ligne = journal(operation.pk).get()
    assert ligne.transition == next(nom for issue, nom in resultats if issue == "gagne")
    assert Operation.objects.get(pk=operation.pk).etat == ligne.state


@pytest.mark.parametrize("essai", range(REPETITIONS))
def test_deux_creations_simultanees_recoivent_deux_codes(essai, acteurs):
    barriere = threading.Barrier(2, timeout=30)
    codes, erreurs = [], []  # une année par essai, dans le programme FSE+ 2021-2027 (2021 à 2025)
    type_ = type_operation()

    def creer(intitule):
        try:
            barriere.wait()
            operation = operation_creer(
                user=acteurs["porteur"], porteur=acteurs["structure"], date_debut=date(2021 + essai, 1, 1),
                date_fin=date(2021 + essai, 12, 31), intitule=intitule, type=type_,
            )
            codes.append(operation.code)
        except Exception as exc:
            erreurs.append(repr(exc))
        finally:
            connections.close_all()

    fils = [threading.Thread(target=creer, args=(f"Demande {i}",)) for i in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)

    assert erreurs == []
    assert sorted(codes) == [f"OP-{2021 + essai}-001", f"OP-{2021 + essai}-002"]

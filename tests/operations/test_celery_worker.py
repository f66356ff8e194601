"""Les avis partent par un vrai worker Celery qui consomme la file Redis, comme en production.

`operation_transition` met `notifier_transition` en file au commit ; le worker (dans un fil de ce
processus, file et base réelles) crée les notifications. Rejouée, la même tâche ne crée aucun doublon.
"""
import os
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from config.celery import app as celery_app
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import operation_transition
from operations.tasks import notifier_transition
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.redis, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

DELAI = 30  # secondes


EXECUTIONS = []


def apres_chaque_tache(task=None, args=None, **_):
    EXECUTIONS.append((task.name, tuple(args or ()), bool(task.request.is_eager), threading.current_thread().name))
    # Le worker tourne dans un fil : il ferme ses connexions après chaque tâche (sinon la base de test ne se supprime pas).
    connections.close_all()


@pytest.fixture
def worker():
    conf = celery_app.conf
    avant = conf.task_always_eager
    conf.task_always_eager = False
    assert conf.broker_url == os.environ["CELERY_BROKER_URL"]
    celery_app.control.purge()  # une file laissée par une session interrompue ne doit pas s'exécuter ici
    EXECUTIONS.clear()
    task_postrun.connect(apres_chaque_tache, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
            yield w
    finally:
        task_postrun.disconnect(apres_chaque_tache)
        conf.task_always_eager = avant


def attendre(condition, delai=DELAI):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_le_worker_notifie_apres_le_commit_et_une_seule_fois(worker, mailoutbox):
    structure = StructureFactory()
    porteurs = [utilisateur(Role.PORTEUR, structure=structure) for _ in range(2)]
    utilisateur(Role.PORTEUR, structure=StructureFactory())  # une autre structure : pas avisée
    animation = utilisateur(Role.ANIMATION)
    operation = OperationFactory(porteur=structure, etat=Etat.DEPOSEE)

    operation_transition(operation=operation, nom="declarer_irrecevable", user=animation, motivation="Hors territoire.")

    journal = StateLog.objects.get(content_type=ContentType.objects.get_for_model(Operation), object_id=operation.pk)
    notifications = Notification.objects.filter(journal=journal)
    assert attendre(lambda: notifications.count() == len(porteurs)), "le worker n'a pas traité la tâche à temps"
    assert {n.destinataire for n in notifications} == set(porteurs)
    assert attendre(lambda: len(mailoutbox) == len(porteurs))
    # Exécutée par le worker (reçue du courtier, dans son fil), pas en ligne dans le fil du test.
    principal = threading.current_thread().name
    assert [e[:3] for e in EXECUTIONS] == [(notifier_transition.name, (journal.pk,), False)]
    assert EXECUTIONS[0][3] != principal

    # La même tâche remise en file (nouvel essai, message rejoué) : aucun doublon, aucun second courriel.
    assert notifier_transition.delay(journal.pk).get(timeout=DELAI) == 0
    assert notifications.count() == len(porteurs)
    assert len(mailoutbox) == len(porteurs)
    assert [e[1:3] for e in EXECUTIONS] == [((journal.pk,), False)] * 2
    assert EXECUTIONS[1][3] != principal

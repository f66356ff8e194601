"""Les avis partent par un vrai worker Celery qui consomme la file Redis, comme en production.

`operation_transition` met `notifier_transition` en file au commit ; le worker (dans un fil de ce
processus, file et base réelles) crée les notifications. Rejouée, la même tâche ne crée aucun doublon.
"""
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from operations.models import Notification, Operation
from operations.options import Etat
from operations.services import operation_transition
from operations.tasks import notifier_transition
from tests.celery_reel import DELAI, EXECUTIONS, attendre, executions
from tests.factories import OperationFactory, StructureFactory, utilisateur

pytestmark = [pytest.mark.redis, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

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
    assert [e[:3] for e in executions(1)] == [(notifier_transition.name, (journal.pk,), False)]
    assert EXECUTIONS[0][3] != principal

    # La même tâche remise en file (nouvel essai, message rejoué) : aucun doublon, aucun second courriel.
    assert notifier_transition.delay(journal.pk).get(timeout=DELAI) == 0
    assert notifications.count() == len(porteurs)
    assert len(mailoutbox) == len(porteurs)
    assert [e[1:3] for e in executions(2)] == [((journal.pk,), False)] * 2
    assert EXECUTIONS[1][3] != principal

"""Un vrai worker Celery sur la file Redis de `.ci/run`, dans un fil de ce processus (fixture `worker`).

Les tâches y sont reçues du courtier, comme en production ; `EXECUTIONS` garde (nom, arguments, en ligne ?, fil)
de chacune, pour vérifier qu'elle n'a pas été exécutée dans le fil du test.
"""
import os
import threading
import time

import pytest
from django.db import connections

from config.celery import app as celery_app

DELAI = 60  # secondes
EXECUTIONS = []


def _apres_chaque_tache(task=None, args=None, **_):
    EXECUTIONS.append((task.name, tuple(args or ()), bool(task.request.is_eager), threading.current_thread().name))
    # Le worker tourne dans un fil : il ferme ses connexions après chaque tâche (sinon la base de test ne se supprime pas).
    connections.close_all()


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    conf = celery_app.conf
    avant = conf.task_always_eager
    conf.task_always_eager = False
    assert conf.broker_url == os.environ["CELERY_BROKER_URL"]
    celery_app.control.purge()  # une file laissée par une session interrompue ne doit pas s'exécuter ici
    EXECUTIONS.clear()
    task_postrun.connect(_apres_chaque_tache, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as w:
            yield w
    finally:
        task_postrun.disconnect(_apres_chaque_tache)
        conf.task_always_eager = avant


def attendre(condition, delai=DELAI):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def executions(nombre: int) -> list:
    """`EXECUTIONS` quand il en compte au moins `nombre` : le signal `task_postrun` du worker n'arrive qu'après que la
    tâche a écrit en base et rendu son résultat, ce que le test attend d'abord (sur une machine chargée, il le lirait
    encore vide)."""
    attendre(lambda: len(EXECUTIONS) >= nombre)
    return EXECUTIONS

"""Une panne au milieu d'un travail : le processus du worker Celery qui prépare une archive de feuilles d'émargement
est tué (SIGKILL). La tâche, acquittée seulement à la fin (`acks_late`, `task_reject_on_worker_lost`), est remise
en file, rejouée par le worker, et son archive existe exactement une fois, complète."""
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as reglages
from django.db import connection

from annuaire.models import Plie
from annuaire.roles import Role
from operations.models import Traitement
from participants.lots import emargements_lancer
from tests.bench.test_bench_emargement import ACTIONS, _actions
from tests.factories import utilisateur
from tests.stockage import environnement_du_stockage, fichiers

pytestmark = [pytest.mark.redis, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
RACINE = Path(__file__).resolve().parent.parent


def _enfants(pid: int) -> list[int]:
    resultat = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in resultat.stdout.split()]


def _attendre(condition, delai=120):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_le_worker_tue_en_plein_travail_rejoue_la_tache_sans_doublon(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    operations = _actions(Plie.objects.get(), ACTIONS)
    base = connection.settings_dict
    env = {**os.environ, **environnement_du_stockage(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"postgres://{base['USER']}:{base['PASSWORD'] or ''}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
           "CELERY_BROKER_URL": reglages.CELERY_BROKER_URL}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    from config.celery import app
    app.control.purge()
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
                               "--concurrency", "1", "--loglevel", "INFO", "--without-heartbeat", "--without-mingle",
                               "--without-gossip"], cwd=RACINE, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _attendre(lambda: _enfants(worker.pid), 60), "le worker n'a pas démarré son processus de travail"
        traitement = emargements_lancer(user=utilisateur(Role.PORTEUR, structure=operations[0].porteur),
                                        operations=operations, du=date(2016, 3, 1), au=date(2016, 12, 31), par="seance")
        en_cours = lambda: Traitement.objects.filter(pk=traitement.pk, faits__gte=5).exists()  # noqa: E731
        assert _attendre(en_cours), "la tâche n'a pas commencé"
        premier = _enfants(worker.pid)
        os.kill(premier[0], signal.SIGKILL)  # le processus qui travaille meurt au milieu de l'archive

        fini = lambda: Traitement.objects.get(pk=traitement.pk).etat == Traitement.Etat.TERMINE  # noqa: E731
        assert _attendre(fini, 180), "la tâche n'a pas été rejouée jusqu'au bout"
        assert _enfants(worker.pid) != premier  # un nouveau processus de travail l'a reprise
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        sortie = worker.communicate(timeout=60)[0].decode(errors="replace")
    assert "WorkerLostError" in sortie or "signal 9" in sortie, sortie[-2000:]
    traitement.refresh_from_db()
    assert fichiers("traitements") == [traitement.fichier.name]  # une seule archive (sur disque ou dans le bucket)
    with traitement.fichier.open("rb"), zipfile.ZipFile(traitement.fichier) as archive:
        assert len(archive.namelist()) == ACTIONS and traitement.faits == ACTIONS

"""La topologie de production (docs/deploiement.md) en petit : deux workers Celery (deux processus, comme sur deux
machines) sur la même file Redis, une base PostgreSQL, un bucket S3. Chaque tâche d'un lot d'accusés de réception est
envoyée deux fois (une livraison en double, comme après une panne) : chaque accusé est produit une fois, son fichier est
une fois dans le bucket, son courriel part une fois, et les deux workers ont travaillé."""
import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as reglages
from django.db import connection

from appels_projets.tasks import generer_accuse_reception
from config.celery import app
from operations.documents import documents_de
from operations.models import DocumentGenere
from operations.options import Etat
from tests.appels_projets.factories import ReponseFactory
from tests.factories import StructureFactory
from tests.stockage import environnement_du_stockage, fichiers

pytestmark = [pytest.mark.postgresql, pytest.mark.redis, pytest.mark.s3, pytest.mark.django_db(transaction=True)]

RACINE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOT = 8


def _attendre(condition, delai=120):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.3)
    return False


def _lancer_worker(nom: str, journal, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-n", f"{nom}@%h",
         "--loglevel", "INFO", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT, start_new_session=True,
    )


def test_deux_workers_produisent_chaque_document_une_fois_dans_le_bucket(tmp_path):
    structure = StructureFactory(nom="APSALC", courriel="porteur@apsalc.example.org")
    reponses = [ReponseFactory(operation__porteur=structure, operation__etat=Etat.DEPOSEE) for _ in range(LOT)]
    base = connection.settings_dict
    env = {**os.environ, **environnement_du_stockage(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"postgres://{base['USER']}:{base['PASSWORD'] or ''}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
           "CELERY_BROKER_URL": reglages.CELERY_BROKER_URL,
           "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}  # les courriels dans le journal du worker
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    app.control.purge()
    journaux = {nom: (tmp_path / f"{nom}.log").open("w+") for nom in ("plie1", "plie2")}
    workers = {nom: _lancer_worker(nom, journal, env) for nom, journal in journaux.items()}
    try:
        prets = lambda: len(app.control.ping(timeout=0.5)) == 2  # noqa: E731
        assert _attendre(prets), "les deux workers n'ont pas démarré"
        resultats = [generer_accuse_reception.delay(r.pk) for r in reponses for _ in range(2)]  # chacune livrée deux fois
        identifiants = [resultat.get(timeout=180) for resultat in resultats]
    finally:
        for worker in workers.values():
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers.values():
            worker.wait(timeout=60)
    sorties = {nom: open(journal.name, encoding="utf-8", errors="replace").read() for nom, journal in journaux.items()}

    # Chaque accusé une fois : les deux livraisons d'une même tâche rendent le même document.
    assert DocumentGenere.objects.count() == LOT
    for reponse, (premier, second) in zip(reponses, zip(identifiants[::2], identifiants[1::2]), strict=True):
        (document,) = documents_de(reponse, "accuse_reception")
        assert premier == second == document.pk
    # Un fichier par document dans le bucket, celui de son empreinte ; pas de fichier orphelin d'un essai doublé.
    documents = DocumentGenere.objects.all()
    assert sorted(fichiers("documents")) == sorted(d.fichier.name for d in documents)
    for document in documents:
        with document.fichier.open("rb") as fichier:
            assert hashlib.sha256(fichier.read()).hexdigest() == document.empreinte
    # Un courriel par accusé, tous workers confondus ; et les deux workers ont pris des tâches du lot.
    assert sum(sortie.count("Message-ID:") for sortie in sorties.values()) == LOT, sorties
    for nom, sortie in sorties.items():
        assert "succeeded" in sortie, f"le worker {nom} n'a exécuté aucune tâche :\n{sortie[-2000:]}"

"""Banc de charge (issues 8 et 19) : 50 utilisateurs simultanés (locust, sans interface, 60 s) contre l'application
servie par gunicorn sur la boucle locale et PostgreSQL, dans une installation de trois PLIE : chaque utilisateur est
de l'animation d'un PLIE et travaille sur les demandes du sien. Aucune erreur, p95 sous 500 ms, et aucune transition
perdue ni appliquée deux fois : les déclarations de recevabilité réussies vues par les clients sont exactement celles
de l'historique en base. Sous la charge, chacun tente aussi d'ouvrir une demande d'un autre PLIE : elle doit lui
répondre « introuvable » (404), sinon c'est un échec. La connexion (hachage PBKDF2 volontairement coûteux) se mesure
à part, avant la charge. `make bench` (durée : BENCH_CHARGE_SECONDES)."""
import csv
import json
import os
import re
import signal
import socket
import subprocess
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from operations.models import Operation
from operations.options import Etat
from tests.factories import OperationFactory, StructureFactory, utilisateur

from .conftest import PETIT, cible, tableau, taille, verifier
from .population import plies

pytestmark = pytest.mark.django_db(transaction=True)
RACINE = Path(__file__).resolve().parent.parent.parent
UTILISATEURS, DEMANDES = (10, 60) if PETIT else (50, 300)
PLIE_DU_BANC = 3  # les utilisateurs et les demandes répartis entre eux
DUREE = taille("BENCH_CHARGE_SECONDES", 60, 8)


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rechauffer(port: int, session: str, codes: list[str]):
    """Quelques pages avant la mesure : chaque worker gunicorn charge ses modules et compile ses gabarits une fois."""
    import urllib.request

    for _ in range(3):
        for chemin in ["/operations/", "/participants/", *[f"/operations/{c}/" for c in codes]]:
            requete = urllib.request.Request(f"http://127.0.0.1:{port}{chemin}", headers={"Cookie": f"sessionid={session}"})
            urllib.request.urlopen(requete, timeout=30).read()


CONNEXIONS, CONNEXIONS_SIMULTANEES = (5 if PETIT else 50), 5


def _mesurer_les_connexions(port: int, reseau: list) -> dict:
    """L'arrivée du matin, mesurée à part : 50 comptes se connectent par le formulaire (page, jeton CSRF, mot de
    passe haché en PBKDF2 comme en production), cinq à la fois."""
    import requests

    hachage = PBKDF2PasswordHasher()
    comptes = []
    for i in range(CONNEXIONS):
        compte = utilisateur(Role.ANIMATION, username=f"connexion-{i}", plie=reseau[i % len(reseau)])
        compte.password = hachage.encode("mot de passe du banc", hachage.salt())
        compte.save(update_fields=["password"])
        comptes.append(compte.username)

    def connecter(identifiant: str) -> tuple[bool, float]:
        with requests.Session() as navigateur:
            debut = time.perf_counter()
            page = navigateur.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=60).text
            jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            reponse = navigateur.post(f"http://127.0.0.1:{port}/accounts/login/", timeout=60, data={
                "csrfmiddlewaretoken": jeton, "username": identifiant, "password": "mot de passe du banc"})
            return "Bonjour" in reponse.text, (time.perf_counter() - debut) * 1000

    with ThreadPoolExecutor(CONNEXIONS_SIMULTANEES) as groupe:
        resultats = list(groupe.map(connecter, comptes))
    durees = sorted(d for _, d in resultats)
    return {"reussies": sum(ok for ok, _ in resultats), "mediane": statistics.median(durees),
            "p95": durees[int(len(durees) * 0.95) - 1]}


def test_cinquante_utilisateurs_pendant_une_minute(tmp_path):
    reseau = plies(PLIE_DU_BANC)
    codes = {}  # par PLIE (son rang), ses demandes déposées
    for rang, plie in enumerate(reseau):
        structures = [StructureFactory(plie=plie) for _ in range(10)]
        codes[rang] = [OperationFactory(plie=plie, porteur=structures[i % 10], etat=Etat.DEPOSEE,
                                        code=f"{plie.prefixe_operations}-2016-{i + 1:03d}").code
                       for i in range(DEMANDES // len(reseau))]
    # Chaque utilisateur arrive connecté (session ouverte d'avance) : on mesure la navigation et les transitions, pas
    # 50 hachages PBKDF2 simultanés (volontairement coûteux) sur les 2 cœurs d'une machine de test.
    sessions = []
    for i in range(UTILISATEURS):
        compte = utilisateur(Role.ANIMATION, username=f"charge-{i}", plie=reseau[i % len(reseau)])
        session = SessionStore()
        session.update({SESSION_KEY: str(compte.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: compte.get_session_auth_hash()})
        session.create()
        sessions.append(f"{i % len(reseau)}:{session.session_key}")
    base = connection.settings_dict
    port = _port_libre()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DATABASE_URL": f"postgres://{base['USER']}:{base['PASSWORD'] or ''}@{base['HOST']}:{base['PORT']}/{base['NAME']}",
                "DEBUG": "0", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
                "CELERY_BROKER_URL": "", "AXES_FAILURE_LIMIT": "1000",
                "CHARGE_CODES": json.dumps(codes), "CHARGE_SESSIONS": ",".join(sessions),
                "CHARGE_JOURNAL": str(tmp_path / "appliquees.txt")})
    serveur = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                                "--workers", "4", "--threads", "4", "--access-logfile", "/dev/null"],
                               cwd=RACINE, env=env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _rechauffer(port, sessions[0].split(":")[1], codes[0][:10])
        connexions = _mesurer_les_connexions(port, reseau)
        subprocess.run([sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py"),
                        "--headless", "-u", str(UTILISATEURS), "-r", "5", "-t", f"{DUREE}s",
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(tmp_path / "charge"), "--only-summary",
                        "--stop-timeout", "30",  # chacun finit sa tâche en cours : aucune réponse perdue à l'arrêt
                        "--loglevel", "WARNING"], cwd=RACINE, env=env, check=False, timeout=DUREE + 120)
    finally:
        os.killpg(serveur.pid, signal.SIGTERM)
        serveur.wait(30)

    with open(tmp_path / "charge_stats.csv", encoding="utf-8") as fichier:
        stats = {ligne["Name"]: ligne for ligne in csv.DictReader(fichier)}
    total = stats["Aggregated"]
    journal = ContentType.objects.get_for_model(Operation)
    appliquees = Counter(StateLog.objects.filter(content_type=journal, transition="declarer_recevable")
                         .values_list("object_id", flat=True))
    vues = (tmp_path / "appliquees.txt").read_text().split() if (tmp_path / "appliquees.txt").exists() else []
    recevables = Operation.objects.filter(etat=Etat.RECEVABLE).count()
    sondes = int(stats.get("autre PLIE (404 attendu)", {}).get("Request Count", 0))
    print(tableau(f"Banc de charge : {UTILISATEURS} utilisateurs de {len(reseau)} PLIE, {DUREE} s, "
                  "gunicorn 4×4 + PostgreSQL", [
        ("mesure", "valeur", "cible"),
        ("requêtes", total["Request Count"], ""),
        ("échecs", total["Failure Count"], "0"),
        ("médiane", f"{total['50%']} ms", ""),
        ("p95", f"{total['95%']} ms", "< 500 ms"),
        ("débit", f"{float(total['Requests/s']):.0f} requêtes/s", ""),
        ("transitions réussies vues par les clients", len(vues), ""),
        ("transitions dans l'historique", sum(appliquees.values()), "= vues"),
        ("demandes recevables en base", recevables, "= vues"),
        ("demandes d'un autre PLIE demandées sous la charge (toutes introuvables)", sondes, f"≥ {UTILISATEURS}, aucune ouverte"),
        (f"connexions réelles (PBKDF2), {CONNEXIONS} par {CONNEXIONS_SIMULTANEES} simultanées : réussies",
         f"{connexions['reussies']}/{CONNEXIONS}", f"= {CONNEXIONS}"),
        ("connexion : médiane / p95", f"{connexions['mediane']:.0f} ms / {connexions['p95']:.0f} ms", ""),
    ]))
    cible("charge", f"p95 sous {UTILISATEURS} utilisateurs", f"{total['95%']} ms", "< 500 ms", float(total["95%"]) < 500,
          f"médiane {total['50%']} ms")
    cible("charge", "échecs", total["Failure Count"], "0", int(total["Failure Count"]) == 0,
          f"{total['Request Count']} requêtes")
    assert connexions["reussies"] == CONNEXIONS
    assert max(appliquees.values(), default=1) == 1  # aucune appliquée deux fois
    assert sorted(vues) == sorted(Operation.objects.filter(pk__in=appliquees).values_list("code", flat=True))
    assert recevables == len(vues) == sum(appliquees.values())
    assert sondes >= UTILISATEURS  # chacun au moins une fois ; les échecs comptent toute demande ouverte
    verifier("charge")

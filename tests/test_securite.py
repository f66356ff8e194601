"""Ce qu'un auditeur vérifie d'emblée : en-têtes de sécurité, connexion limitée en essais, configuration de production
propre (`check --deploy`)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import MOT_DE_PASSE, utilisateur

RACINE = Path(__file__).resolve().parent.parent


def test_les_en_tetes_de_securite(client, db):
    reponse = client.get(reverse("login"))
    politique = reponse["Content-Security-Policy"]
    assert "default-src 'self'" in politique and "script-src 'self'" in politique and "frame-ancestors 'none'" in politique
    assert "unsafe-inline" not in politique
    assert reponse["X-Content-Type-Options"] == "nosniff" and reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"


def test_la_connexion_se_verrouille_apres_cinq_echecs(client, db):
    compte = utilisateur(username="nadia")
    for _ in range(4):
        reponse = client.post(reverse("login"), {"username": "nadia", "password": "mauvais"})
        assert "Identifiant ou mot de passe incorrect" in reponse.content.decode()
    verrou = client.post(reverse("login"), {"username": "nadia", "password": "mauvais"})
    assert verrou.status_code == 429 and "Connexion suspendue" in verrou.content.decode()
    # Même le bon mot de passe est refusé pendant le verrou ; un autre compte n'est pas touché.
    assert client.post(reverse("login"), {"username": "nadia", "password": MOT_DE_PASSE}).status_code == 429
    utilisateur(username="paul")
    assert client.post(reverse("login"), {"username": "paul", "password": MOT_DE_PASSE}).status_code == 302
    assert compte.pk


def test_check_deploy_est_propre_avec_les_reglages_de_production(tmp_path):
    # Les tests navigateur posent DJANGO_ALLOW_ASYNC_UNSAFE dans ce processus : une production ne l'a pas.
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, "DEBUG": "0", "SECRET_KEY": "x" * 30 + "-production-7f3a9c1e2b8d4f6a0c5e9b2d7a1f4c8e",
           "ALLOWED_HOSTS": "plie.example.org", "CSRF_TRUSTED_ORIGINS": "https://plie.example.org", "HTTPS": "1",
           "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path}/check.sqlite3")}
    resultat = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                              cwd=RACINE, env=env, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout

"""PostgreSQL redémarre pendant que l'application sert : pendant l'arrêt, une page 503 claire (rien de cassé, pas de
trace d'erreur) ; dès qu'il revient, les requêtes passent à nouveau, sans redémarrer l'application."""
import glob
import http.cookiejar
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connections

# exclusif : pendant l'arrêt, aucun autre test ne doit tourner (make test en lance deux à la fois).
pytestmark = [pytest.mark.postgresql, pytest.mark.exclusif, pytest.mark.django_db(transaction=True)]


def _cluster(action: str):
    version = sorted(p.split("/")[-1] for p in glob.glob("/etc/postgresql/*"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, timeout=120)


def _pret() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


class Navigateur:
    """Un client HTTP minimal qui garde ses cookies (le jeton CSRF de la page de connexion)."""

    def __init__(self, racine):
        self.racine = racine
        self.ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def requete(self, chemin, donnees=None):
        corps = urllib.parse.urlencode(donnees).encode() if donnees else None
        try:
            with self.ouvreur.open(urllib.request.Request(self.racine + chemin, data=corps), timeout=30) as reponse:
                return reponse.status, reponse.read().decode()
        except urllib.error.HTTPError as erreur:
            return erreur.code, erreur.read().decode()

    def connexion(self, identifiant, mot_de_passe):
        _, page = self.requete("/accounts/login/")
        jeton = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        return self.requete("/accounts/login/", {"csrfmiddlewaretoken": jeton, "username": identifiant,
                                                 "password": mot_de_passe})


def test_la_base_redemarre_pendant_que_l_application_sert(live_server):
    from tests.factories import MOT_DE_PASSE, utilisateur

    utilisateur(username="claire")
    navigateur = Navigateur(live_server.url)
    statut, page = navigateur.connexion("claire", MOT_DE_PASSE)
    assert statut == 200 and "Bonjour" in page
    _cluster("stop")
    try:
        # La session se lit en base avant même la vue : la page d'erreur le dit clairement, sans trace technique.
        statut, page = navigateur.requete("/operations/")
        assert statut == 503 and "Service momentanément indisponible" in page and "Traceback" not in page
    finally:
        _cluster("start")
        for _ in range(60):
            if _pret():
                break
            time.sleep(1)
    connections.close_all()  # la connexion du test lui-même est morte avec le serveur
    statut, page = navigateur.requete("/operations/")
    assert statut == 200 and "Opérations" in page

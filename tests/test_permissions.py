"""La matrice des droits : chaque adresse du projet, pour chaque rôle (et l'anonyme), contre une table déclarée.

Deux structures porteuses : `structure` (A, celle des objets) et `autre_structure` (B). Une adresse
absente de la table fait échouer le test : toute nouvelle vue doit y être déclarée.
Codes attendus : 200 (affiché), 302 (redirigé vers la connexion), 403 (refusé), 404 (hors périmètre :
on ne révèle pas que l'objet existe), 405 (méthode non permise).
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from operations.options import Etat
from tests.factories import OperationFactory

ROLES = ["anonyme", "sans_role", "animation", "porteur", "porteur_autre", "referent", "comite", "gestionnaire", "administrateur"]


def tous(code, **exceptions):
    return {role: exceptions.get(role, code) for role in ROLES}


CONNEXION = 302  # l'anonyme est renvoyé vers la page de connexion

# nom de l'adresse -> (méthode, objet, {rôle: code attendu})
MATRICE = {
    "accueil": ("get", None, tous(200, anonyme=CONNEXION)),
    "operations:liste": ("get", None, tous(200, anonyme=CONNEXION)),
    "operations:creer": ("get", None, tous(403, anonyme=CONNEXION, porteur=200, porteur_autre=200)),
    # Opération déposée de A : le comité ne la voit pas encore, le porteur B jamais.
    "operations:fiche": ("get", "deposee", tous(200, anonyme=CONNEXION, sans_role=404, porteur_autre=404, comite=404)),
    # Brouillon de A : visible de sa seule structure, modifiable par son seul porteur.
    "operations:modifier": ("get", "brouillon", tous(404, anonyme=CONNEXION, porteur=200, referent=302)),
    # Déclarer recevable la demande déposée de A (POST) : seule l'animation l'applique ; les autres rôles
    # qui la voient sont renvoyés sur la fiche avec le refus, ceux qui ne la voient pas reçoivent 404.
    "operations:transition": (
        "post", "deposee", tous(302, anonyme=CONNEXION, sans_role=404, porteur_autre=404, comite=404)
    ),
    "login": ("get", None, tous(200)),
    "logout": ("post", None, tous(302)),
    "password_change": ("get", None, tous(200, anonyme=CONNEXION)),
    "password_change_done": ("get", None, tous(200, anonyme=CONNEXION)),
    "password_reset": ("get", None, tous(200)),
    "password_reset_done": ("get", None, tous(200)),
    "password_reset_confirm": ("get", None, tous(200)),
    "password_reset_complete": ("get", None, tous(200)),
    "admin:index": ("get", None, tous(CONNEXION, administrateur=200)),
}
# La transition appliquée pour `operations:transition`, et les rôles qui l'appliquent vraiment.
TRANSITION = "declarer_recevable"
APPLIQUENT_LA_TRANSITION = {"animation"}
ARGUMENTS = {
    "operations:transition": lambda op: {"code": op.code, "nom": TRANSITION},
    "password_reset_confirm": lambda op: {"uidb64": "MQ", "token": "jeton-invalide"},
}


def noms_des_adresses(motifs=None, espace=""):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                yield "admin:index"  # l'administration de Django est gardée d'un bloc par is_staff
                continue
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from noms_des_adresses(motif.url_patterns, sous_espace)
        elif isinstance(motif, URLPattern) and motif.name:
            yield f"{espace}{motif.name}"


def test_toute_adresse_du_projet_est_dans_la_matrice():
    absentes = sorted(set(noms_des_adresses()) - set(MATRICE))
    assert not absentes, f"Adresses sans ligne dans la matrice des droits : {absentes}"


@pytest.fixture
def comptes(utilisateurs, porteur_autre, sans_role):
    return {**{str(r): u for r, u in utilisateurs.items()}, "porteur_autre": porteur_autre, "sans_role": sans_role}


@pytest.mark.django_db
@pytest.mark.parametrize("nom", sorted(MATRICE))
def test_matrice_des_droits(client, comptes, structure, nom):
    methode, etat, attendus = MATRICE[nom]
    resultats = {}
    for role in ROLES:
        operation = OperationFactory(porteur=structure, etat=etat) if etat else None
        kwargs = ARGUMENTS[nom](operation) if nom in ARGUMENTS else ({"code": operation.code} if operation else {})
        client.logout()
        if role != "anonyme":
            client.force_login(comptes[role])
        donnees = {"motivation": "Test de la matrice"} if methode == "post" else None
        reponse = getattr(client, methode)(reverse(nom, kwargs=kwargs), donnees)
        resultats[role] = reponse.status_code
        if nom == "operations:transition":
            operation.refresh_from_db()
            applique = operation.etat == Etat.RECEVABLE
            assert applique == (role in APPLIQUENT_LA_TRANSITION), f"{role} : transition appliquée = {applique}"
        if reponse.status_code == 404 and operation is not None:
            assert operation.intitule not in reponse.content.decode(), f"{role} : la page 404 révèle l'opération"
    assert resultats == attendus

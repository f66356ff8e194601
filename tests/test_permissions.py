"""La matrice des droits : chaque adresse du projet, pour chaque rôle (et l'anonyme), contre une table déclarée.

Deux structures porteuses : `structure` (A, celle des objets) et `autre_structure` (B). Une adresse
absente de la table fait échouer le test : toute nouvelle vue doit y être déclarée, ici ou dans le
fichier `tests/<app>/matrice*.py` de son app (dictionnaire MATRICE fusionné ci-dessous).
Codes attendus : 200 (affiché), 302 (redirigé : vers la connexion pour l'anonyme, vers la fiche avec
un message pour un refus métier), 403 (refusé), 404 (hors périmètre : on ne révèle pas que l'objet
existe), 405 (méthode non permise).
"""
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from operations.options import Etat
from tests.factories import OperationFactory

ROLES = ["anonyme", "sans_role", "animation", "porteur", "porteur_autre", "referent", "comite", "gestionnaire", "administrateur"]
CONNEXION = 302  # l'anonyme est renvoyé vers la page de connexion


def tous(code, **exceptions):
    return {role: exceptions.get(role, code) for role in ROLES}


@dataclass
class Cas:
    """Une adresse : comment fabriquer ses arguments (un objet neuf de la structure A par rôle), ce qu'on attend.

    `objet(ctx)` renvoie les arguments de l'adresse ; `verifier(ctx, role, reponse)` contrôle l'effet
    (une action appliquée ou non). `ctx` donne `structure`, `autre_structure` et `comptes` (rôle -> utilisateur).
    """

    attendus: dict
    methode: str = "get"
    objet: Callable | None = None
    donnees: dict | None = None
    verifier: Callable | None = None
    ne_revele_pas: Callable | None = field(default=None)


def _operation(etat):
    def fabriquer(ctx):
        ctx["operation"] = OperationFactory(porteur=ctx["structure"], etat=etat)
        return {"code": ctx["operation"].code}
    return fabriquer


def _transition_appliquee(ctx, role, reponse):
    ctx["operation"].refresh_from_db()
    applique = ctx["operation"].etat == Etat.RECEVABLE
    assert applique == (role == "animation"), f"{role} : transition appliquée = {applique}"


def _programme_change(ctx, role, reponse):
    ctx["operation"].refresh_from_db()
    change = ctx["operation"].programme.code == "FSEPLUS_2021_2027"
    assert change == (role == "animation"), f"{role} : programme changé = {change}"


def _rien_de_l_operation(ctx):
    return ctx["operation"].intitule


def _operation_cherchee(ctx):
    ctx["operation"] = OperationFactory(porteur=ctx["structure"], etat=Etat.DEPOSEE, intitule="Opération cherchée")
    return {}


def _trouvee_selon_le_perimetre(ctx, role, reponse):
    trouvee = ctx["operation"].code in reponse.content.decode()
    assert trouvee == (role in {"animation", "porteur", "referent", "gestionnaire", "administrateur"}), role


MATRICE = {
    "accueil": Cas(tous(200, anonyme=CONNEXION)),
    # La recherche de l'en-tête (POST : le texte peut être un nom) ne trouve que ce que chacun peut voir.
    "pilotage:recherche": Cas(tous(200, anonyme=CONNEXION), methode="post", objet=_operation_cherchee,
                              donnees={"q": "operation cherchee"}, verifier=_trouvee_selon_le_perimetre),
    "operations:liste": Cas(tous(200, anonyme=CONNEXION)),
    "operations:creer": Cas(tous(403, anonyme=CONNEXION, porteur=200, porteur_autre=200)),
    # Opération déposée de A : le comité ne la voit pas encore, le porteur B jamais.
    "operations:fiche": Cas(
        tous(200, anonyme=CONNEXION, sans_role=404, porteur_autre=404, comite=404),
        objet=_operation(Etat.DEPOSEE), ne_revele_pas=_rien_de_l_operation,
    ),
    # Brouillon de A : visible de sa seule structure, modifiable par son seul porteur.
    "operations:modifier": Cas(
        tous(404, anonyme=CONNEXION, porteur=200, referent=302), objet=_operation(Etat.BROUILLON),
        ne_revele_pas=_rien_de_l_operation,
    ),
    # Déclarer recevable la demande déposée de A : seule l'animation l'applique ; les autres rôles qui la
    # voient sont renvoyés sur la fiche avec le refus, ceux qui ne la voient pas reçoivent 404.
    "operations:transition": Cas(
        tous(302, anonyme=CONNEXION, sans_role=404, porteur_autre=404, comite=404), methode="post",
        objet=lambda ctx: {**_operation(Etat.DEPOSEE)(ctx), "nom": "declarer_recevable"},
        donnees={"motivation": "Test de la matrice"}, verifier=_transition_appliquee, ne_revele_pas=_rien_de_l_operation,
    ),
    # Changer le programme de l'opération programmée de A (une opération de 2016, du FSE 2014-2020) : seule
    # l'animation le fait ; les autres rôles qui la voient sont renvoyés sur la fiche avec le refus.
    "operations:changer_programme": Cas(
        tous(302, anonyme=CONNEXION, sans_role=404, porteur_autre=404), methode="post",
        objet=_operation(Etat.PROGRAMMEE), donnees={"programme": "FSEPLUS_2021_2027", "motivation": "Test de la matrice"},
        verifier=_programme_change, ne_revele_pas=_rien_de_l_operation,
    ),
    "login": Cas(tous(200)),
    "logout": Cas(tous(302), methode="post"),
    "password_change": Cas(tous(200, anonyme=CONNEXION)),
    "password_change_done": Cas(tous(200, anonyme=CONNEXION)),
    "password_reset": Cas(tous(200)),
    "password_reset_done": Cas(tous(200)),
    "password_reset_confirm": Cas(tous(200), objet=lambda ctx: {"uidb64": "MQ", "token": "jeton-invalide"}),
    "password_reset_complete": Cas(tous(200)),
    "admin:index": Cas(tous(CONNEXION, administrateur=200)),
}

# Les matrices des apps (tests/<app>/matrice*.py) complètent la table.
for paquet in pkgutil.iter_modules(tests.__path__):
    if not paquet.ispkg:
        continue
    sous_paquet = importlib.import_module(f"tests.{paquet.name}")
    modules = [m.name for m in pkgutil.iter_modules(sous_paquet.__path__) if m.name.startswith("matrice")]
    for nom_module in modules:
        fragment = importlib.import_module(f"tests.{paquet.name}.{nom_module}")
        doublons = set(fragment.MATRICE) & set(MATRICE)
        assert not doublons, f"Adresses déclarées deux fois dans la matrice : {doublons}"
        MATRICE.update(fragment.MATRICE)


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
def test_matrice_des_droits(client, comptes, structure, autre_structure, nom):
    cas = MATRICE[nom]
    resultats = {}
    for role in ROLES:
        ctx = {"structure": structure, "autre_structure": autre_structure, "comptes": comptes}
        kwargs = cas.objet(ctx) if cas.objet else {}
        client.logout()
        if role != "anonyme":
            client.force_login(comptes[role])
        reponse = getattr(client, cas.methode)(reverse(nom, kwargs=kwargs), cas.donnees)
        resultats[role] = reponse.status_code
        if cas.verifier:
            cas.verifier(ctx, role, reponse)
        if reponse.status_code == 404 and cas.ne_revele_pas:
            assert cas.ne_revele_pas(ctx) not in reponse.content.decode(), f"{role} : la page 404 révèle l'objet"
    assert resultats == cas.attendus

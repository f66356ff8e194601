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
    # Le sélecteur de PLIE : chacun peut revenir à « tous ses PLIE » ; il n'ouvre rien hors de portée (tests/test_plies).
    "annuaire:choisir_plie": Cas(tous(302), methode="post", donnees={"plie": ""}),
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


# --- Deux PLIE : tout ce qui précède appartient au PLIE de l'installation ; un second PLIE n'en voit rien ---

ROLES_D_UN_AUTRE_PLIE = {f"{role}_autre_plie": role for role in
                         ["animation", "porteur", "referent", "comite", "gestionnaire", "administrateur"]}
# Adresses dont les arguments ne désignent aucune donnée d'un PLIE : elles répondent comme au rôle correspondant.
SANS_DONNEE_D_UN_PLIE = {
    "password_reset_confirm",  # un jeton de réinitialisation
    "operations:modele", "operations:version_modele",  # les modèles Word communs à l'installation (par nature)
    "pilotage:lettre_archive",  # le lien signé d'une lettre envoyée : il vaut clé, pour des destinataires sans compte
}


def _comptes_d_un_autre_plie():
    """Le PLIE du Beaunois, créé après les objets (ils sont tous du PLIE de l'installation), et un compte par rôle."""
    from annuaire.models import Plie, Structure
    from annuaire.roles import ROLES_DE_STRUCTURE
    from tests.factories import utilisateur

    beaune = Plie.objects.create(nom="PLIE du Beaunois", sigle="PLIE-BEAUNE", prefixe_operations="OPB")
    mission_locale = Structure.objects.create(plie=beaune, nom="Mission locale de Beaune", categorie="porteur")
    return {nom: utilisateur(role, plie=beaune, username=nom.replace("_", "-"), is_staff=role == "administrateur",
                             structure=mission_locale if role in ROLES_DE_STRUCTURE else None)
            for nom, role in ROLES_D_UN_AUTRE_PLIE.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("nom", sorted(n for n, c in MATRICE.items() if c.objet and n not in SANS_DONNEE_D_UN_PLIE))
def test_les_objets_d_un_plie_restent_fermes_aux_comptes_d_un_autre(client, comptes, structure, autre_structure, nom):
    """Chaque adresse de la matrice, sur un objet du PLIE A, par chaque rôle du PLIE B : 404 (ou 403 quand le rôle
    n'a jamais accès à cette page), jamais d'effet, jamais l'objet révélé."""
    cas = MATRICE[nom]
    ctx = {"structure": structure, "autre_structure": autre_structure, "comptes": comptes}
    kwargs = cas.objet(ctx)
    ctx["comptes"] = {**comptes, **_comptes_d_un_autre_plie()}
    resultats, attendus = {}, {}
    for role, role_a in ROLES_D_UN_AUTRE_PLIE.items():
        client.force_login(ctx["comptes"][role])
        reponse = getattr(client, cas.methode)(reverse(nom, kwargs=kwargs), cas.donnees)
        resultats[role] = reponse.status_code
        # Sans argument (recherche...), la page s'ouvre comme au rôle du PLIE A, ou se ferme (un refus ne fuit rien) ;
        # `verifier` juge ce qu'elle montre.
        permis = {cas.attendus[role_a], 403, 404} if not kwargs else {403, 404}
        attendus[role] = reponse.status_code if reponse.status_code in permis else " ou ".join(map(str, sorted(permis)))
        if cas.verifier:
            cas.verifier(ctx, role, reponse)
        if cas.ne_revele_pas and reponse.status_code in {403, 404}:
            assert cas.ne_revele_pas(ctx) not in reponse.content.decode(), f"{role} : la page révèle l'objet"
    assert resultats == attendus


def _texte_de(reponse) -> str:
    """Le texte d'une réponse, y compris celui d'un classeur ou d'un document Word (XML de l'archive)."""
    import io
    import zipfile

    brut = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    if brut[:2] != b"PK":
        return brut.decode(errors="replace")
    with zipfile.ZipFile(io.BytesIO(brut)) as archive:
        return "".join(archive.read(n).decode(errors="replace") for n in archive.namelist() if n.endswith(".xml"))


def _ce_que_le_plie_a_contient():
    """Les textes propres au PLIE de l'installation (noms, codes, intitulés) : aucun ne doit paraître chez un autre."""
    from annuaire.models import Plie, Structure
    from appels_projets.models import AppelAProjets
    from operations.models import Operation
    from participants.models import Participant

    textes = {Plie.objects.get().nom, *Structure.objects.values_list("nom", flat=True),
              *Operation.objects.values_list("code", flat=True), *Operation.objects.values_list("intitule", flat=True),
              *AppelAProjets.objects.values_list("titre", flat=True),
              *(f"{n} {p}" for n, p in Participant.objects.values_list("nom", "prenom"))}
    return {t for t in textes if t and len(t) >= 6}


@pytest.mark.django_db
def test_aucune_page_d_un_plie_ne_montre_les_donnees_d_un_autre(client, comptes, structure, autre_structure):
    """Toutes les objets de la matrice sont créés dans le PLIE A ; chaque rôle du PLIE B ouvre chaque page sans
    argument (listes, bureaux, recherche, rapports, exports) : aucun nom, code ou intitulé du PLIE A n'y paraît."""
    ctx = {"structure": structure, "autre_structure": autre_structure, "comptes": comptes}
    sans_argument = []
    for nom, cas in sorted(MATRICE.items()):
        kwargs = cas.objet(ctx) if cas.objet else {}
        if not kwargs and nom not in {"logout", "login"}:
            sans_argument.append(nom)
    textes_du_plie_a = _ce_que_le_plie_a_contient()
    assert len(textes_du_plie_a) > 20, textes_du_plie_a
    fuites = []
    for role, compte in _comptes_d_un_autre_plie().items():
        client.force_login(compte)
        for nom in sans_argument:
            cas = MATRICE[nom]
            # « apsal » trouverait APSALC (recherche sans casse) sans être lui-même un texte du PLIE A.
            donnees = cas.donnees if cas.methode == "get" else {**(cas.donnees or {}), "q": "apsal"}
            contenu = _texte_de(getattr(client, cas.methode)(reverse(nom), donnees))
            fuites += [f"{role} · {nom} : « {t} »" for t in textes_du_plie_a if t in contenu]
    assert not fuites, "\n".join(fuites)

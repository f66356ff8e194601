"""Les droits des pages du comité (fusionnés dans tests/test_permissions.py).

Chaque comité fabriqué a pour membre le compte `comite` des tests : son code attendu est celui d'un membre.
Le membre d'un autre comité (404 partout) est vérifié dans test_pages_comites.py, la matrice n'ayant qu'un
compte par rôle. Règle : qui ne voit pas les comités (porteur, référent, sans rôle) reçoit 404 ; qui voit le
comité sans pouvoir agir reçoit 403 (ordre du jour : l'animation ; décisions : les membres).
"""
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from appels_projets.models import PointOrdreDuJour
from appels_projets.options import Decision, EtatComite
from operations.models import DocumentGenere
from operations.options import Etat
from tests.test_permissions import CONNEXION, Cas, tous

from .factories import ComiteFactory, PointFactory, ReponseFactory

LIEU = "Salle de la matrice des droits"
SANS_COMITE = {"sans_role": 404, "porteur": 404, "porteur_autre": 404, "referent": 404}


def _comite(etat=EtatComite.PLANIFIE, points=1):
    def fabriquer(ctx):
        ctx["comite"] = ComiteFactory(etat=etat, lieu=LIEU, membres=[ctx["comptes"]["comite"]])
        ctx["points"] = [
            PointFactory(comite=ctx["comite"],
                         reponse=ReponseFactory(operation__porteur=ctx["structure"], operation__etat=Etat.INSTRUITE))
            for _ in range(points)
        ]
        return {"pk": ctx["comite"].pk}
    return fabriquer


def _ne_revele_pas(ctx):
    return LIEU


# --- Ordre du jour : inscrire une réponse instruite ---

def _avec_reponse_instruite(ctx):
    kwargs = _comite(points=0)(ctx)
    ctx["reponse"] = ReponseFactory(operation__porteur=ctx["structure"], operation__etat=Etat.INSTRUITE)
    _AJOUT.clear()
    _AJOUT.update({"action": "ajouter", "reponses": [ctx["reponse"].pk]})
    return kwargs


def _inscrite(ctx, role, reponse):
    inscrite = ctx["comite"].points.filter(reponse=ctx["reponse"]).exists()
    assert inscrite == (role == "animation"), f"{role} : inscrite = {inscrite}"


# Les données postées dépendent des objets fabriqués : le même dictionnaire est rempli par `objet(ctx)`.
_AJOUT: dict = {}
_DECISION: dict = {}


# --- Décisions : programmer l'opération du comité convoqué ---

def _en_seance(ctx):
    kwargs = _comite(etat=EtatComite.CONVOQUE)(ctx)
    prefixe = f"point-{ctx['points'][0].pk}"
    _DECISION.clear()
    _DECISION.update({f"{prefixe}-decision": Decision.PROGRAMMEE, f"{prefixe}-montant": "9 022,15",
                      f"{prefixe}-motivation": ""})
    return kwargs


def _decidee(ctx, role, reponse):
    point = PointOrdreDuJour.objects.get(pk=ctx["points"][0].pk)
    decidee = point.decision == Decision.PROGRAMMEE and point.montant_vote == Decimal("9022.15")
    assert decidee == (role == "comite"), f"{role} : décision enregistrée = {decidee}"


# --- Transition : déclarer tenu un comité convoqué ---

def _tenir(ctx):
    return {**_comite(etat=EtatComite.CONVOQUE)(ctx), "nom": "tenir"}


def _tenu(ctx, role, reponse):
    ctx["comite"].refresh_from_db()
    tenu = ctx["comite"].etat == EtatComite.TENU
    assert tenu == (role == "animation"), f"{role} : comité tenu = {tenu}"


# --- Document : le PV d'un comité ---

def _avec_document(ctx):
    kwargs = _comite(etat=EtatComite.PV_VALIDE)(ctx)
    document = DocumentGenere(content_type=ContentType.objects.get_for_model(ctx["comite"]), object_id=ctx["comite"].pk,
                              nature="pv_comite", nom="pv-matrice.docx", empreinte="0" * 64, version_donnees="0" * 64)
    document.fichier.save("pv-matrice.docx", ContentFile(b"PK matrice"), save=True)
    return {**kwargs, "document": document.pk}


def _telecharge(ctx, role, reponse):
    if reponse.status_code == 200:
        assert reponse["Content-Disposition"].startswith("attachment"), f"{role} : pas servi en pièce jointe"


MATRICE = {
    "appels_projets:comites": Cas(tous(200, anonyme=CONNEXION, **SANS_COMITE)),
    "appels_projets:creer_comite": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    "appels_projets:comite": Cas(
        tous(200, anonyme=CONNEXION, **SANS_COMITE), objet=_comite(), ne_revele_pas=_ne_revele_pas,
    ),
    "appels_projets:ordre_du_jour": Cas(
        tous(403, anonyme=CONNEXION, animation=302, **SANS_COMITE), methode="post", objet=_avec_reponse_instruite,
        donnees=_AJOUT, verifier=_inscrite, ne_revele_pas=_ne_revele_pas,
    ),
    "appels_projets:decisions": Cas(
        tous(403, anonyme=CONNEXION, comite=302, **SANS_COMITE), methode="post", objet=_en_seance,
        donnees=_DECISION, verifier=_decidee, ne_revele_pas=_ne_revele_pas,
    ),
    # Les rôles qui voient le comité sans pouvoir le déclarer tenu sont renvoyés sur sa page avec le refus.
    "appels_projets:transition_comite": Cas(
        tous(302, anonyme=CONNEXION, **SANS_COMITE), methode="post", objet=_tenir, donnees={"motivation": ""},
        verifier=_tenu, ne_revele_pas=_ne_revele_pas,
    ),
    "appels_projets:dossier_comite": Cas(
        tous(200, anonyme=CONNEXION, **SANS_COMITE), objet=_comite(), verifier=_telecharge, ne_revele_pas=_ne_revele_pas,
    ),
    "appels_projets:document_comite": Cas(
        tous(200, anonyme=CONNEXION, **SANS_COMITE), objet=_avec_document, verifier=_telecharge,
        ne_revele_pas=_ne_revele_pas,
    ),
}

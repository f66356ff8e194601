"""Les droits des pages des appels et des réponses (fusionnés dans tests/test_permissions.py).

Règles : l'appel publié se lit par tout rôle (404 sans rôle ; un brouillon n'existe que pour l'animation, le
comité, le gestionnaire et l'administrateur). Une réponse se voit comme son opération : 404 pour le porteur B,
pour le comité avant l'instruction, pour tous hors de sa structure tant qu'elle est en brouillon. Rédiger un
appel, vérifier la recevabilité et analyser sont réservés à l'animation (403 pour qui voit l'objet) ; une
action postée et refusée par la règle métier renvoie sur la page avec le message (302).
"""
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from appels_projets.models import AppelAProjets, DemandeComplements, PieceDeposee, PieceJointeAppel
from appels_projets.options import EtatAppel
from operations.models import DocumentGenere
from operations.options import Etat
from tests.test_permissions import CONNEXION, Cas, tous

from .factories import PDF, AppelFactory, ReponseFactory

TITRE = "Appel de la matrice des droits"
INTITULE = "Réponse de la structure A (matrice)"
# Ceux qui voient une réponse déposée de A (le comité ne voit qu'à partir de l'instruction).
VOIENT_LA_REPONSE_DEPOSEE = {"animation", "porteur", "referent", "gestionnaire", "administrateur"}


def _appel(etat=EtatAppel.PUBLIE):
    def fabriquer(ctx):
        ctx["appel"] = AppelFactory(etat=etat, titre=TITRE)
        return {"pk": ctx["appel"].pk}
    return fabriquer


def _appel_avec_reponse(ctx):
    kwargs = _appel()(ctx)
    ctx["reponse"] = ReponseFactory(appel=ctx["appel"], operation__porteur=ctx["structure"],
                                    operation__etat=Etat.DEPOSEE, operation__intitule=INTITULE)
    return kwargs


def _reponse(etat):
    def fabriquer(ctx):
        ctx["reponse"] = ReponseFactory(operation__porteur=ctx["structure"], operation__etat=etat,
                                        operation__intitule=INTITULE, pieces=True)
        return {"pk": ctx["reponse"].pk}
    return fabriquer


def _piece_de(etat):
    def fabriquer(ctx):
        kwargs = _reponse(etat)(ctx)
        ctx["piece"] = ctx["reponse"].pieces.first()
        return {**kwargs, "piece": ctx["piece"].pk}
    return fabriquer


def _ne_revele_pas_l_appel(ctx):
    return TITRE


def _ne_revele_pas_la_reponse(ctx):
    return INTITULE


# --- Vérifications des effets ---

def _voit_la_reponse_de_a_si_autorise(ctx, role, reponse):
    if reponse.status_code != 200:
        return
    contenu = reponse.content.decode("utf-8-sig")
    voit = ctx["reponse"].operation.code in contenu
    assert voit == (role in VOIENT_LA_REPONSE_DEPOSEE), f"{role} : voit la réponse de A = {voit}"


def _publie(ctx, role, reponse):
    publie = AppelAProjets.objects.get(pk=ctx["appel"].pk).etat == EtatAppel.PUBLIE
    assert publie == (role == "animation"), f"{role} : appel publié = {publie}"


def _piece_jointe(ctx):
    kwargs = _appel()(ctx)
    piece = PieceJointeAppel(appel=ctx["appel"], titre="Règlement de l'appel")
    piece.fichier.save("reglement.pdf", ContentFile(PDF), save=True)
    return {**kwargs, "piece": piece.pk}


class _Pdf:
    """Un fichier que le client de test relit à chaque requête (il lit sans revenir au début)."""

    name = "budget-signe.pdf"

    def read(self):
        return PDF


_DEPOT: dict = {}


def _brouillon_a_completer(ctx):
    kwargs = _reponse(Etat.BROUILLON)(ctx)
    ctx["avant"] = ctx["reponse"].pieces.count()
    _DEPOT.clear()
    _DEPOT.update({"fichier": _Pdf(), "piece_requise": ctx["reponse"].appel.pieces_requises.first().pk})
    return kwargs


def _deposee(ctx, role, reponse):
    depose = ctx["reponse"].pieces.count() == ctx["avant"] + 1
    assert depose == (role == "porteur"), f"{role} : pièce déposée = {depose}"


def _retiree(ctx, role, reponse):
    retiree = not PieceDeposee.objects.filter(pk=ctx["piece"].pk).exists()
    assert retiree == (role == "porteur"), f"{role} : pièce retirée = {retiree}"


_COMPLEMENTS: dict = {}


def _deposee_a_completer(ctx):
    kwargs = _reponse(Etat.DEPOSEE)(ctx)
    _COMPLEMENTS.clear()
    _COMPLEMENTS.update({"action": "demander", "objet": "Joindre les statuts signés.",
                         "date_limite": (timezone.localdate() + timedelta(days=10)).isoformat()})
    return kwargs


def _complements_demandes(ctx, role, reponse):
    ctx["reponse"].operation.refresh_from_db()
    demandes = DemandeComplements.objects.filter(reponse=ctx["reponse"]).exists()
    incomplete = ctx["reponse"].operation.etat == Etat.INCOMPLETE
    assert demandes == incomplete == (role == "animation"), f"{role} : compléments demandés = {demandes}, {incomplete}"


def _accuse_reception(ctx):
    kwargs = _reponse(Etat.DEPOSEE)(ctx)
    document = DocumentGenere(
        content_type=ContentType.objects.get_for_model(ctx["reponse"]), object_id=ctx["reponse"].pk,
        nature="accuse_reception", nom="accuse-reception.docx", empreinte="0" * 64, version_donnees="matrice",
    )
    document.fichier.save("accuse-reception.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    return {**kwargs, "document": document.pk}


SANS_ROLE_ET_B = {"sans_role": 404, "porteur_autre": 404}

MATRICE = {
    "appels_projets:liste": Cas(tous(200, anonyme=CONNEXION)),
    "appels_projets:creer": Cas(tous(403, anonyme=CONNEXION, animation=200)),
    # L'appel publié se lit par tous ; chacun n'y voit que les réponses de son périmètre.
    "appels_projets:appel": Cas(
        tous(200, anonyme=CONNEXION, sans_role=404), objet=_appel_avec_reponse,
        verifier=_voit_la_reponse_de_a_si_autorise, ne_revele_pas=_ne_revele_pas_l_appel,
    ),
    # Un brouillon : invisible des porteurs et référents (404), refusé aux autres rôles qui le voient (403).
    "appels_projets:modifier": Cas(
        tous(404, anonyme=CONNEXION, animation=200, comite=403, gestionnaire=403, administrateur=403),
        objet=_appel(EtatAppel.BROUILLON), ne_revele_pas=_ne_revele_pas_l_appel,
    ),
    "appels_projets:transition": Cas(
        tous(404, anonyme=CONNEXION, animation=302, comite=302, gestionnaire=302, administrateur=302), methode="post",
        objet=lambda ctx: {**_appel(EtatAppel.BROUILLON)(ctx), "nom": "publier"}, verifier=_publie,
        ne_revele_pas=_ne_revele_pas_l_appel,
    ),
    # L'export est un CSV ; le porteur B n'y trouve pas la réponse de A.
    "appels_projets:export": Cas(
        tous(200, anonyme=CONNEXION, sans_role=404), objet=_appel_avec_reponse,
        donnees={"_export": "csv", "colonnes": ["code", "porteur", "intitule"]},
        verifier=_voit_la_reponse_de_a_si_autorise, ne_revele_pas=_ne_revele_pas_l_appel,
    ),
    "appels_projets:piece_jointe": Cas(tous(200, anonyme=CONNEXION, sans_role=404), objet=_piece_jointe),
    # Répondre : tout porteur à un appel ouvert ; les autres rôles sont refusés.
    "appels_projets:repondre": Cas(
        tous(403, anonyme=CONNEXION, sans_role=404, porteur=200, porteur_autre=200), objet=_appel(),
    ),
    "appels_projets:reponse": Cas(
        tous(200, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404), objet=_reponse(Etat.DEPOSEE),
        ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    # Le brouillon de A n'existe que pour sa structure ; seul son porteur y dépose (le référent est renvoyé).
    "appels_projets:deposer_piece": Cas(
        tous(404, anonyme=CONNEXION, porteur=302, referent=302), methode="post", objet=_brouillon_a_completer,
        donnees=_DEPOT, verifier=_deposee, ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    "appels_projets:piece": Cas(
        tous(200, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404), objet=_piece_de(Etat.DEPOSEE),
        ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    "appels_projets:retirer_piece": Cas(
        tous(404, anonyme=CONNEXION, porteur=302, referent=302), methode="post", objet=_piece_de(Etat.BROUILLON),
        verifier=_retiree, ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    "appels_projets:recevabilite": Cas(
        tous(403, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404, animation=200), objet=_reponse(Etat.DEPOSEE),
        ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    # Demander des compléments : l'animation seule ; les autres rôles qui voient la réponse sont renvoyés.
    "appels_projets:complements": Cas(
        tous(302, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404), methode="post", objet=_deposee_a_completer,
        donnees=_COMPLEMENTS, verifier=_complements_demandes, ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    "appels_projets:analyse": Cas(
        tous(403, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404, animation=200), objet=_reponse(Etat.EN_INSTRUCTION),
        ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
    "appels_projets:document_reponse": Cas(
        tous(200, anonyme=CONNEXION, **SANS_ROLE_ET_B, comite=404), objet=_accuse_reception,
        ne_revele_pas=_ne_revele_pas_la_reponse,
    ),
}

"""Les droits des pages des conventions et avenants (fusionnés dans tests/test_permissions.py).

Les objets sont ceux de la structure A. Règle : qui voit l'opération voit sa convention (le porteur d'une autre
structure et le compte sans rôle reçoivent 404) ; seule l'équipe d'animation génère, envoie, signe pour le PLIE et
rédige les avenants ; le porteur de la structure dépose l'exemplaire qu'il a signé. Une action refusée par le métier
renvoie sur la fiche avec le refus (302), la page n'est pas interdite.
"""
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from appels_projets.options import Decision, EtatComite
from conventions.models import Avenant, Convention
from conventions.options import EtatSignature
from conventions.versions import donnees_de
from operations.models import DocumentGenere, Traitement
from operations.options import Etat
from tests.appels_projets.factories import PDF, ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory
from tests.test_permissions import CONNEXION, Cas, tous

from .factories import ConventionFactory

INTITULE = "Opération de la matrice des conventions"
HORS_PERIMETRE = {"porteur_autre": 404, "sans_role": 404}
_DEPOT: dict = {}  # rempli à chaque rôle : un fichier ne se lit qu'une fois


def _convention(etat=EtatSignature.GENEREE, etat_operation=Etat.PROGRAMMEE, exemplaire=False):
    def fabriquer(ctx):
        operation = OperationFactory(porteur=ctx["structure"], etat=etat_operation, intitule=INTITULE)
        ctx["convention"] = ConventionFactory(operation=operation, etat=etat)
        if exemplaire:
            ctx["convention"].exemplaire_porteur.save("matrice.pdf", ContentFile(PDF))
        _DEPOT.clear()
        _DEPOT["fichier"] = SimpleUploadedFile("exemplaire.pdf", PDF)
        return {"code": operation.code}
    return fabriquer


def _avenant(etat=EtatSignature.GENEREE, exemplaire=False):
    def fabriquer(ctx):
        kwargs = _convention(EtatSignature.NOTIFIEE, Etat.EN_REALISATION)(ctx)
        convention = ctx["convention"]
        apres = {**donnees_de(convention.operation), "date_fin": "2017-03-31"}
        ctx["avenant"] = Avenant.objects.create(convention=convention, rang=1, numero=f"{convention.numero}-A1",
                                                etat=etat, motif="Prolongation", avant=convention.version.donnees,
                                                apres=apres)
        if exemplaire:
            ctx["avenant"].exemplaire_porteur.save("matrice.pdf", ContentFile(PDF))
        return {**kwargs, "rang": 1}
    return fabriquer


def _programmee_sans_convention(ctx):
    ctx["operation"] = OperationFactory(porteur=ctx["structure"], etat=Etat.PROGRAMMEE, intitule=INTITULE)
    return {"code": ctx["operation"].code}


_COMITE: dict = {}


def _comite_au_pv_valide(ctx):
    comite = ComiteFactory(etat=EtatComite.PV_VALIDE)
    PointFactory(comite=comite, reponse=ReponseFactory(operation__porteur=ctx["structure"], operation__etat=Etat.PROGRAMMEE),
                 decision=Decision.PROGRAMMEE, montant_vote=Decimal("9000"))
    _COMITE.clear()
    _COMITE["comite"] = comite.pk
    ctx["comite"] = comite
    return {}


def _traitement_lance(ctx, role, reponse):
    lance = Traitement.objects.filter(demande_par=ctx["comptes"][role] if role != "anonyme" else None).exists()
    assert lance == (role == "animation"), f"{role} : traitement lancé = {lance}"


def _ne_revele_pas(ctx):
    return INTITULE


def _etat_apres(cle, attendu, role_autorise):
    def verifier(ctx, role, reponse):
        objet = ctx[cle]
        objet.refresh_from_db()
        assert (objet.etat == attendu) == (role == role_autorise), f"{role} : état {objet.etat}"
    return verifier


def _generee(ctx, role, reponse):
    generee = Convention.objects.filter(operation=ctx["operation"]).exists()
    assert generee == (role == "animation"), f"{role} : convention générée = {generee}"


def _avec_document(ctx):
    kwargs = _convention()(ctx)
    document = DocumentGenere(content_type=ContentType.objects.get_for_model(Convention), object_id=ctx["convention"].pk,
                              nature="convention", nom="convention-matrice.docx", empreinte="0" * 64,
                              version_donnees="0" * 64)
    document.fichier.save("convention-matrice.docx", ContentFile(b"PK matrice"), save=True)
    return {**kwargs, "pk": document.pk}


def _envoyer(fabriquer):
    def objet(ctx):
        return {**fabriquer(ctx), "nom": "envoyer"}
    return objet


def _en_piece_jointe(ctx, role, reponse):
    if reponse.status_code == 200:
        assert reponse["Content-Disposition"].startswith("attachment"), f"{role} : pas servi en pièce jointe"


VOIT = tous(200, anonyme=CONNEXION, **HORS_PERIMETRE)
AGIT_OU_EST_RENVOYE = tous(302, **HORS_PERIMETRE)
ANIMATION_SEULE = tous(403, anonyme=CONNEXION, animation=200, **HORS_PERIMETRE)

MATRICE = {
    "conventions:liste": Cas(tous(200, anonyme=CONNEXION, sans_role=403)),
    "conventions:generer_du_comite": Cas(
        tous(403, anonyme=CONNEXION, animation=302), methode="post", objet=_comite_au_pv_valide, donnees=_COMITE,
        verifier=_traitement_lance,
    ),
    "conventions:fiche": Cas(VOIT, objet=_convention(), ne_revele_pas=_ne_revele_pas),
    "conventions:generer": Cas(
        tous(403, anonyme=CONNEXION, animation=302, **HORS_PERIMETRE), methode="post", objet=_programmee_sans_convention,
        donnees={"taux_avance": "30", "regime_couts": "reels"}, verifier=_generee, ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:regenerer": Cas(AGIT_OU_EST_RENVOYE, methode="post", objet=_convention(), ne_revele_pas=_ne_revele_pas),
    "conventions:transition": Cas(
        AGIT_OU_EST_RENVOYE, methode="post", objet=_envoyer(_convention()),
        verifier=_etat_apres("convention", EtatSignature.ENVOYEE, "animation"), ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:deposer_exemplaire": Cas(
        AGIT_OU_EST_RENVOYE, methode="post", objet=_convention(EtatSignature.ENVOYEE), donnees=_DEPOT,
        verifier=_etat_apres("convention", EtatSignature.SIGNEE_PORTEUR, "porteur"), ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:exemplaire": Cas(
        VOIT, objet=lambda ctx: {**_convention(EtatSignature.SIGNEE_PORTEUR, exemplaire=True)(ctx), "qui": "porteur"},
        verifier=_en_piece_jointe, ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:document": Cas(VOIT, objet=_avec_document, verifier=_en_piece_jointe, ne_revele_pas=_ne_revele_pas),
    "conventions:rediger_avenant": Cas(
        ANIMATION_SEULE, objet=_convention(EtatSignature.NOTIFIEE, Etat.EN_REALISATION), ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:avenant": Cas(VOIT, objet=_avenant(), ne_revele_pas=_ne_revele_pas),
    "conventions:transition_avenant": Cas(
        AGIT_OU_EST_RENVOYE, methode="post", objet=_envoyer(_avenant()),
        verifier=_etat_apres("avenant", EtatSignature.ENVOYEE, "animation"), ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:deposer_exemplaire_avenant": Cas(
        AGIT_OU_EST_RENVOYE, methode="post", objet=_avenant(EtatSignature.ENVOYEE), donnees=_DEPOT,
        verifier=_etat_apres("avenant", EtatSignature.SIGNEE_PORTEUR, "porteur"), ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:exemplaire_avenant": Cas(
        VOIT, objet=lambda ctx: {**_avenant(EtatSignature.SIGNEE_PORTEUR, exemplaire=True)(ctx), "qui": "porteur"},
        verifier=_en_piece_jointe, ne_revele_pas=_ne_revele_pas,
    ),
    "conventions:version": Cas(
        VOIT, objet=lambda ctx: {**_convention()(ctx), "numero": 1}, ne_revele_pas=_ne_revele_pas,
    ),
}

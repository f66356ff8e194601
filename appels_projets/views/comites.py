"""Les pages du comité : liste, planification, séance (ordre du jour, décisions, PV), dossier et documents.

Droits : qui ne voit pas un comité (porteur, référent, membre d'un autre comité) reçoit 404 ; qui le voit
sans pouvoir agir reçoit 403 (préparer l'ordre du jour : l'animation ; décider : les membres de ce comité).
"""
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import Role, a_role
from annuaire.tri import Colonne, Tri, rang_dans
from operations.documents import documents_de
from operations.models import DocumentGenere
from operations.options import Etat
from operations.views.edition import resume_erreurs
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses, vue_de_transition
from operations.workflow import ActionRefusee, historique, transitions_offertes

from .. import services
from ..documents import dossier_comite_generer
from ..forms_comites import AjoutPointsForm, ComiteForm, TableauDecisions, figures_du_point
from ..models import Comite, PointOrdreDuJour, Reponse
from ..options import Decision, EtatComite
from ..selectors import comites_visibles, enveloppe_consommee, montant_fse_demande, montant_propose, note_moyenne, peut_voir_analyses

EN_PREPARATION = (EtatComite.PLANIFIE, EtatComite.CONVOQUE)
EN_SEANCE = (EtatComite.CONVOQUE, EtatComite.TENU)
ORDRE_DU_JOUR_OUVERT = (EtatComite.PLANIFIE, EtatComite.CONVOQUE, EtatComite.TENU)


def voit_les_comites(user) -> bool:
    return a_role(user, Role.ANIMATION, Role.COMITE, Role.GESTIONNAIRE, Role.ADMINISTRATEUR)


def comite_visible(request, pk) -> Comite:
    """Un comité hors du périmètre de l'utilisateur répond 404 : on ne révèle pas qu'il existe."""
    return get_object_or_404(comites_visibles(user=request.user), pk=pk)


def siege(user, comite: Comite) -> bool:
    return a_role(user, Role.COMITE) and any(m.pk == user.pk for m in comite.membres.all())


def points_de(comite: Comite) -> list[PointOrdreDuJour]:
    return list(
        comite.points.select_related("reponse__appel", "reponse__operation__porteur", "decidee_par")
        .prefetch_related("reponse__analyses__notes__critere")
    )


def reponses_inscriptibles(user, comite: Comite):
    """Les réponses instruites du PLIE du comité qui ne sont à l'ordre du jour d'aucun comité en cours."""
    return (
        Reponse.objects.visible_to(user).filter(operation__etat=Etat.INSTRUITE, operation__plie_id=comite.plie_id)
        .exclude(points__comite__etat__in=ORDRE_DU_JOUR_OUVERT)
        .select_related("operation__porteur", "appel").prefetch_related("analyses__notes__critere")
    )


def _telecharger(document: DocumentGenere):
    return telecharger(document.fichier, document.nom)


# --- Liste et planification ---

# Les colonnes de la liste des comités ; l'état se trie dans l'ordre de la séance, pas dans celui de ses codes.
COLONNES_DES_COMITES = [
    Colonne("date", "Date", ("date",), classe="date"),
    Colonne("type", "Type", ("type",)),
    Colonne("lieu", "Lieu", ("lieu",)),
    Colonne("etat", "État", ("rang_etat",)),
    Colonne("points", "Opérations à l'ordre du jour", ("nombre_points",), classe="nombre"),
    Colonne("membres", "Membres", ("nombre_membres",), classe="nombre"),
]


def liste(request):
    if not voit_les_comites(request.user):
        raise Http404
    # Les membres se comptent à part : pour un membre, le périmètre filtre déjà sur eux (sa seule ligne compterait).
    membres = (Comite.membres.through.objects.filter(comite=OuterRef("pk")).values("comite")
               .annotate(n=Count("pk")).values("n"))
    comites = comites_visibles(user=request.user).annotate(
        nombre_points=Count("points", distinct=True), nombre_membres=Coalesce(Subquery(membres), 0),
        rang_etat=rang_dans("etat", EtatComite.values))
    tri = Tri(request, COLONNES_DES_COMITES, defaut="-date")
    return render(request, "appels_projets/comites.html", {
        "comites": tri.paginer(tri.ordonner(comites), 50), "entetes": tri.entetes, "requete": tri.requete,
        "peut_creer": a_role(request.user, Role.ANIMATION),
    })


def creer(request):
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("Seule l'équipe d'animation planifie les comités.")
    plie = plie_courant(request.user)
    if plie is None:
        messages.error(request, CHOISIR_UN_PLIE)
        return redirect("appels_projets:comites")
    formulaire = ComiteForm(request.POST or None, plie=plie)
    if request.method == "POST" and formulaire.is_valid():
        with transaction.atomic():
            comite = formulaire.save()
        messages.success(request, f"Le {comite} est planifié. Préparez son ordre du jour.")
        return redirect(comite)
    return render(request, "appels_projets/comite_nouveau.html", {
        "formulaire": formulaire,
        # Les cases des membres n'ont pas d'identifiant commun : le lien de l'erreur mène à la première.
        "erreurs": [{**e, "ancre": "id_membres_0"} if e["libelle"] == "Membres" else e for e in resume_erreurs(formulaire, [])]
        if request.method == "POST" else [],
    })


# --- La séance ---

def _page(request, comite: Comite, *, tableau: TableauDecisions | None = None):
    user = request.user
    points = points_de(comite)
    if tableau is None and siege(user, comite) and comite.etat in EN_SEANCE:
        tableau = TableauDecisions(comite, points)
    lignes = {ligne.point.pk: ligne for ligne in tableau.lignes} if tableau else {}
    rangs = [{"point": p, "figures": figures_du_point(p), "ligne": lignes.get(p.pk)} for p in points]
    enveloppes = (tableau or TableauDecisions(comite, points)).enveloppes()
    prepare = a_role(user, Role.ANIMATION) and comite.etat in EN_PREPARATION
    inscriptibles = []
    if prepare:
        inscriptibles = [
            {"reponse": r, "demande": montant_fse_demande(r.operation), "propose": montant_propose(r), "note": note_moyenne(r)}
            for r in reponses_inscriptibles(user, comite)
        ]
    documents = None
    if comite.etat == EtatComite.PV_VALIDE:
        documents = {
            "pv": documents_de(comite, "pv_comite").first(),
            "lettres": [(p, documents_de(p, "lettre_notification").first()) for p in points],
        }
    return render(request, "appels_projets/comite.html", {
        "comite": comite,
        "membres": comite.membres.order_by("last_name", "first_name"),
        "rangs": rangs,
        "tableau": tableau,
        "erreurs": tableau.erreurs() if tableau and tableau.est_lie else [],
        "confirmations": tableau.confirmation_pertinente() if tableau else set(),
        "enveloppes": enveloppes,
        "prepare": prepare,
        "inscriptibles": inscriptibles,
        "voit_analyses": peut_voir_analyses(user),
        "transitions": avec_adresses(transitions_offertes(comite, user=user), "appels_projets:transition_comite", comite.pk),
        "historique": historique(comite),
        "documents": documents,
        "decisions_visibles": any(p.decision for p in points),
    })


def comite(request, pk):
    return _page(request, comite_visible(request, pk))


@require_POST
def ordre_du_jour(request, pk):
    """`action=ajouter` (cases `reponses`, tout ou rien) ou `action=retirer` (`point`)."""
    comite = comite_visible(request, pk)
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("Seule l'équipe d'animation prépare l'ordre du jour.")
    retour = redirect(comite)  # en haut de page, là où s'affichent le résultat et les refus
    action = request.POST.get("action")
    if action == "retirer":
        point = get_object_or_404(comite.points.select_related("reponse__operation"), pk=request.POST.get("point") or 0)
        try:
            services.point_retirer(point=point, user=request.user)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, f"{point.reponse.operation.code} est retirée de l'ordre du jour.")
        return retour
    if action != "ajouter":
        messages.error(request, "Action inconnue sur l'ordre du jour.")
        return retour
    formulaire = AjoutPointsForm(request.POST, user=request.user)
    if not formulaire.is_valid():
        for erreur in formulaire.errors.get("reponses", []):
            messages.error(request, erreur)
        return retour
    refus, inscrites = [], []
    with transaction.atomic():
        for reponse in formulaire.cleaned_data["reponses"]:
            try:
                services.point_ajouter(comite=comite, reponse=reponse, user=request.user)
            except ActionRefusee as exc:
                refus.append(str(exc))
            else:
                inscrites.append(reponse.operation.code)
        if refus:
            transaction.set_rollback(True)
    if refus:
        messages.error(request, "Aucune opération n'a été inscrite : " + " ".join(refus))
    else:
        messages.success(request, f"Inscrite{'s' if len(inscrites) > 1 else ''} à l'ordre du jour : {', '.join(inscrites)}.")
    return retour


def _enregistrer(tableau: TableauDecisions, user) -> int | None:
    """Tout ou rien : chaque ligne modifiée passe par le service ; un seul refus annule toutes les autres.

    Toutes les lignes sont tentées, pour lister tous les refus en une fois. Le comité est verrouillé :
    deux membres qui enregistrent en même temps calculent l'enveloppe l'un après l'autre.
    """
    a_faire = tableau.a_enregistrer
    with transaction.atomic():
        comite = Comite.objects.select_for_update().get(pk=tableau.comite.pk)
        if comite.etat not in EN_SEANCE:
            raise ActionRefusee(f"Le comité est maintenant « {comite.get_etat_display()} » : ses décisions ne se modifient plus.")
        refuse = False
        for ligne in a_faire:
            point, donnees = ligne.point, ligne.cleaned_data
            point.comite = comite
            vote = donnees["montant"] if donnees["decision"] == Decision.PROGRAMMEE else None
            appel = point.reponse.appel
            depasse = vote is not None and enveloppe_consommee(appel, sauf_point=point) + vote > appel.enveloppe_fse
            try:
                services.decision_enregistrer(
                    point=point, decision=donnees["decision"], montant_vote=vote, motivation=donnees["motivation"],
                    confirmer_depassement=donnees["confirmer"], user=user,
                )
            except ActionRefusee as refus:
                ligne.add_error("confirmer" if depasse and not donnees["confirmer"] else "decision", str(refus))
                refuse = True
        if refuse:
            transaction.set_rollback(True)
    if refuse:
        for ligne in a_faire:  # les lignes acceptées avant le refus ne sont plus vraies : on relit la base
            ligne.point.refresh_from_db()
        return None
    return len(a_faire)


@require_POST
def decisions(request, pk):
    comite = comite_visible(request, pk)
    if not siege(request.user, comite):
        raise PermissionDenied("Seuls les membres de ce comité enregistrent ses décisions.")
    if comite.etat not in EN_SEANCE:
        messages.error(request, f"Les décisions s'enregistrent pendant la séance ; le comité est « {comite.get_etat_display()} ».")
        return redirect(comite)
    tableau = TableauDecisions(comite, points_de(comite), request.POST)
    if tableau.is_valid():
        try:
            nombre = _enregistrer(tableau, request.user)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
            return redirect(comite)
        if nombre is not None:
            if nombre:
                messages.success(request, f"{nombre} décision{'s' if nombre > 1 else ''} enregistrée{'s' if nombre > 1 else ''}.")
            else:
                messages.info(request, "Aucune décision n'a changé : rien n'a été enregistré.")
            return redirect(comite)
    return _page(request, comite, tableau=tableau)


def _apres_la_transition(comite) -> str:
    message = f"Le comité est maintenant « {comite.get_etat_display()} »."
    if comite.etat == EtatComite.PV_VALIDE:
        message += (" Les opérations ont pris l'état décidé ; le procès-verbal et les lettres de notification sont "
                    "produits et envoyés aux porteurs.")
    return message


transition = vue_de_transition(
    trouver=comite_visible,
    tirer=lambda comite, **action: services.comite_transition(comite=comite, **action),
    apres=_apres_la_transition,
)


# --- Documents ---

def dossier(request, pk):
    """Le dossier de séance, produit avec les données du moment (un même contenu n'est stocké qu'une fois)."""
    comite = comite_visible(request, pk)
    return _telecharger(dossier_comite_generer(comite, request.user))


def document(request, pk, document):
    """PV, dossier ou lettre de notification du comité ; seul un document de ce comité ou de ses points est servi."""
    comite = comite_visible(request, pk)
    documents = documents_de(comite) | DocumentGenere.objects.filter(
        content_type=ContentType.objects.get_for_model(PointOrdreDuJour), object_id__in=comite.points.values("pk"),
    )
    return _telecharger(get_object_or_404(documents, pk=document))

"""Pages de la réponse à un appel : la créer (porteur), la suivre, y déposer les pièces, répondre aux compléments."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annuaire.roles import Role, a_role
from operations.options import ETATS_MODIFIABLES, Etat
from operations.selectors import historique, refus_de_modification, transitions_offertes
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses
from operations.workflow import ActionRefusee

from .. import selectors
from ..forms import ComplementsFournisForm, DemandeComplementsForm, PieceDeposeeForm, ReponseForm
from ..models import Reponse
from ..services import complements_demander, complements_fournir, piece_deposer, piece_retirer, reponse_creer
from .communs import appel_visible, exiger_role, reponse_visible, resume_erreurs_de
from .instruction import TRANSITIONS_D_INSTRUCTION, analyse, page_recevabilite, recevabilite  # noqa: F401  (urls.py)


def _vers_la_reponse(reponse: Reponse, ancre: str = "") -> str:
    return reverse("appels_projets:reponse", args=[reponse.pk]) + (f"#{ancre}" if ancre else "")


def repondre(request, pk):
    appel = appel_visible(request, pk)
    exiger_role(request, Role.PORTEUR, message="Seul un porteur rattaché à une structure peut répondre à un appel à projets.")
    refus = selectors.refus_de_reponse(appel, user=request.user)
    if refus:
        messages.error(request, refus)
        return redirect(appel)
    formulaire = ReponseForm(request.POST if request.method == "POST" else None, appel=appel)
    if formulaire.is_valid():
        donnees = formulaire.cleaned_data
        try:
            reponse = reponse_creer(
                appel=appel, user=request.user, intitule=donnees["intitule"], type_operation=donnees["type"],
                date_debut=donnees["date_debut"], date_fin=donnees["date_fin"], description=donnees["description"],
            )
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, f"Votre réponse {reponse.operation.code} est créée en brouillon : complétez le plan de "
                                      "financement et les pièces, puis déposez-la avant la date limite.")
            return redirect(_vers_la_reponse(reponse))
    return render(request, "appels_projets/reponse_creation.html", {
        "appel": appel,
        "formulaire": formulaire,
        "erreurs": resume_erreurs_de(formulaire) if formulaire.is_bound else [],
    })


# --- La page de la réponse ---

def _pieces(reponse: Reponse) -> tuple[list[dict], list]:
    """Chaque pièce demandée par l'appel avec ses dépôts ; puis les autres fichiers déposés."""
    depots = list(reponse.pieces.select_related("deposee_par"))
    requises = [
        {"piece": piece, "depots": [d for d in depots if d.piece_requise_id == piece.pk]}
        for piece in reponse.appel.pieces_requises.all()
    ]
    connues = {p["piece"].pk for p in requises}
    return requises, [d for d in depots if d.piece_requise_id not in connues]


def page_reponse(request, reponse: Reponse, *, complements_form=None):
    user, operation = request.user, reponse.operation
    analyses_visibles = selectors.peut_voir_analyses(user)
    porteur = a_role(user, Role.PORTEUR) and user.structure_id == operation.porteur_id
    requises, autres = _pieces(reponse)
    demandes = list(reponse.demandes_complements.select_related("demandee_par", "repondue_par"))
    en_attente = operation.etat == Etat.INCOMPLETE and any(d.repondue_le is None for d in demandes)
    analyses = list(reponse.analyses.select_related("analyste").prefetch_related("notes__critere")) if analyses_visibles else []
    instruction = [t for t in transitions_offertes(operation=operation, user=user) if t.nom in TRANSITIONS_D_INSTRUCTION]
    return render(request, "appels_projets/reponse_fiche.html", {
        "reponse": reponse,
        "appel": reponse.appel,
        "operation": operation,
        "porteur": porteur,
        "animation": a_role(user, Role.ANIMATION),
        "modifiable": refus_de_modification(operation=operation, user=user) is None,
        "pieces_modifiables": porteur and operation.etat in ETATS_MODIFIABLES,
        "requises": requises,
        "autres": autres,
        "checklist": selectors.checklist_recevabilite(reponse),
        "demandes": demandes,
        "complements_form": (complements_form or ComplementsFournisForm()) if porteur and en_attente else None,
        "erreurs": resume_erreurs_de(complements_form) if complements_form is not None else [],
        "documents": selectors.documents_visibles(reponse, user=user),
        "historique": historique(operation),
        "analyses_visibles": analyses_visibles,
        "analyses": analyses,
        "note_moyenne": selectors.note_moyenne(reponse) if analyses_visibles else None,
        "montant_propose": selectors.montant_propose(reponse) if analyses_visibles else None,
        "decision": selectors.decision_de(reponse) if analyses_visibles else None,
        "transitions": avec_adresses(instruction, "appels_projets:analyse", reponse.pk, nom_dans_l_adresse=False),
    })


def reponse(request, pk):
    return page_reponse(request, reponse_visible(request, pk))


# --- Pièces déposées ---

@require_POST
def deposer_piece(request, pk):
    reponse = reponse_visible(request, pk)
    formulaire = PieceDeposeeForm(request.POST, request.FILES)
    piece_requise = None
    if formulaire.is_valid() and formulaire.cleaned_data["piece_requise"]:
        piece_requise = reponse.appel.pieces_requises.filter(pk=formulaire.cleaned_data["piece_requise"]).first()
        if piece_requise is None:
            formulaire.add_error(None, "Cette pièce n'est pas demandée par l'appel.")
    libelle = piece_requise.libelle if piece_requise else "Autre pièce"
    if not formulaire.is_valid():
        for erreur in formulaire.errors.values():
            messages.error(request, f"{libelle} : {' '.join(erreur)}")
        return redirect(_vers_la_reponse(reponse, "pieces"))
    try:
        depot = piece_deposer(reponse=reponse, fichier=formulaire.cleaned_data["fichier"], user=request.user,
                              piece_requise=piece_requise)
    except ActionRefusee as refus:
        messages.error(request, f"{libelle} : {refus}")
    else:
        messages.success(request, f"{libelle} : le fichier « {depot.nom_original} » est déposé.")
    return redirect(_vers_la_reponse(reponse, "pieces"))


def piece(request, pk, piece):
    reponse = reponse_visible(request, pk)
    depot = get_object_or_404(reponse.pieces, pk=piece)
    return telecharger(depot.fichier, depot.nom_original, depot.type_mime)


@require_POST
def retirer_piece(request, pk, piece):
    reponse = reponse_visible(request, pk)
    depot = get_object_or_404(reponse.pieces, pk=piece)
    try:
        piece_retirer(piece=depot, user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Le fichier « {depot.nom_original} » est retiré.")
    return redirect(_vers_la_reponse(reponse, "pieces"))


def document(request, pk, document):
    reponse = reponse_visible(request, pk)
    trouve = next((d for d in selectors.documents_visibles(reponse, user=request.user) if d.pk == document), None)
    if trouve is None:
        raise Http404
    return telecharger(trouve.fichier, trouve.nom)


# --- Compléments : l'animation les demande, le porteur les fournit ---

@require_POST
def complements(request, pk):
    reponse = reponse_visible(request, pk)
    if request.POST.get("action") == "demander":
        return _demander(request, reponse)
    if not a_role(request.user, Role.PORTEUR):
        messages.error(request, "Seul le porteur de la demande fournit les compléments.")
        return redirect(_vers_la_reponse(reponse))
    formulaire = ComplementsFournisForm(request.POST)
    if not formulaire.is_valid():
        return page_reponse(request, reponse, complements_form=formulaire)
    try:
        complements_fournir(reponse=reponse, texte=formulaire.cleaned_data["texte"], user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Vos compléments sont transmis : la demande {reponse.operation.code} est de nouveau "
                                  f"« {reponse.operation.get_etat_display()} ».")
    return redirect(_vers_la_reponse(reponse, "complements"))


def _demander(request, reponse: Reponse):
    if not a_role(request.user, Role.ANIMATION):
        messages.error(request, "Seule l'équipe d'animation demande des compléments.")
        return redirect(_vers_la_reponse(reponse))
    formulaire = DemandeComplementsForm(request.POST)
    if not formulaire.is_valid():
        return page_recevabilite(request, reponse, demande_form=formulaire)
    try:
        demande = complements_demander(reponse=reponse, objet=formulaire.cleaned_data["objet"],
                                       date_limite=formulaire.cleaned_data["date_limite"], user=request.user)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return redirect("appels_projets:recevabilite", pk=reponse.pk)
    messages.success(request, f"Compléments demandés à {reponse.operation.porteur}, à fournir avant le "
                              f"{demande.date_limite:%d/%m/%Y} : la demande {reponse.operation.code} est "
                              f"« {reponse.operation.get_etat_display()} ».")
    return redirect(_vers_la_reponse(reponse, "complements"))

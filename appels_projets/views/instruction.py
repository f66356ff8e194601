"""Écrans de l'équipe d'animation sur une réponse : recevabilité (liste calculée, vérifications, décision), analyse."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from annuaire.formats import nombre
from annuaire.roles import Role
from operations.options import Etat
from operations.selectors import transitions_offertes
from operations.services import operation_transition
from operations.views.transitions import avec_adresses
from operations.workflow import ActionRefusee

from .. import selectors
from ..documents import rapport_instruction_generer
from ..forms import AnalyseForm, DemandeComplementsForm, VerificationForm
from ..models import Reponse
from ..services import analyse_enregistrer, verification_enregistrer
from .communs import exiger_role, reponse_visible, resume_erreurs_de

# Les transitions de l'opération que ces écrans proposent (les autres restent sur la fiche de l'opération).
TRANSITIONS_DE_RECEVABILITE = ("declarer_recevable", "declarer_irrecevable")
TRANSITIONS_D_INSTRUCTION = ("instruire", "clore_instruction")


def _transitions(request, reponse: Reponse, noms, nom_url: str):
    offertes = [t for t in transitions_offertes(operation=reponse.operation, user=request.user) if t.nom in noms]
    return avec_adresses(offertes, nom_url, reponse.pk, nom_dans_l_adresse=False)


def _tirer(request, reponse: Reponse, noms) -> bool:
    """Tire la transition postée (parmi `noms`) sur l'opération de la réponse ; le message dit ce qui s'est passé."""
    nom = request.POST.get("transition")
    if nom not in noms:
        messages.error(request, "Cette action n'est pas proposée sur cet écran.")
        return False
    operation = reponse.operation
    try:
        operation_transition(operation=operation, nom=nom, user=request.user, motivation=request.POST.get("motivation", ""))
    except ActionRefusee as refus:
        messages.error(request, str(refus))
        return False
    messages.success(request, f"La demande {operation.code} est maintenant « {operation.get_etat_display()} ».")
    return True


# --- Recevabilité ---

def page_recevabilite(request, reponse: Reponse, *, verification_form=None, demande_form=None):
    formulaires = [f for f in (verification_form, demande_form) if f is not None and f.is_bound]
    return render(request, "appels_projets/reponse_recevabilite.html", {
        "reponse": reponse,
        "appel": reponse.appel,
        "operation": reponse.operation,
        "deposee": reponse.operation.etat == Etat.DEPOSEE,
        "checklist": selectors.checklist_recevabilite(reponse),
        "pieces": reponse.pieces.select_related("piece_requise"),
        "verifications": reponse.verifications.select_related("par"),
        "demandes": reponse.demandes_complements.select_related("demandee_par"),
        "verification_form": verification_form or VerificationForm(),
        "demande_form": demande_form or DemandeComplementsForm(),
        "transitions": _transitions(request, reponse, TRANSITIONS_DE_RECEVABILITE, "appels_projets:recevabilite"),
        "erreurs": [e for f in formulaires for e in resume_erreurs_de(f)],
    })


def recevabilite(request, pk):
    reponse = reponse_visible(request, pk)
    exiger_role(request, Role.ANIMATION, message="Seule l'équipe d'animation vérifie la recevabilité des demandes.")
    if request.method != "POST":
        return page_recevabilite(request, reponse)
    if "transition" in request.POST:
        if _tirer(request, reponse, TRANSITIONS_DE_RECEVABILITE):
            return redirect("appels_projets:reponse", pk=reponse.pk)
        return redirect("appels_projets:recevabilite", pk=reponse.pk)
    formulaire = VerificationForm(request.POST)
    if not formulaire.is_valid():
        return page_recevabilite(request, reponse, verification_form=formulaire)
    try:
        verification = verification_enregistrer(reponse=reponse, user=request.user, **formulaire.cleaned_data)
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Vérification « {verification.libelle} » enregistrée.")
    return redirect("appels_projets:recevabilite", pk=reponse.pk)


# --- Analyse ---

def analyse(request, pk):
    reponse = reponse_visible(request, pk)
    exiger_role(request, Role.ANIMATION, message="Seule l'équipe d'animation analyse les demandes.")
    if request.method == "POST" and "transition" in request.POST:
        fait = _tirer(request, reponse, TRANSITIONS_D_INSTRUCTION)
        if fait and request.POST["transition"] == "instruire":
            return redirect("appels_projets:analyse", pk=reponse.pk)
        return redirect("appels_projets:reponse", pk=reponse.pk)
    if request.method == "POST" and "rapport" in request.POST:
        document = rapport_instruction_generer(reponse, request.user)
        messages.success(request, f"Le rapport d'instruction « {document.nom} » est prêt.")
        return redirect(reverse("appels_projets:reponse", args=[reponse.pk]) + "#documents")

    operation = reponse.operation
    mienne = reponse.analyses.filter(analyste=request.user).first()
    formulaire = AnalyseForm(
        request.POST if request.method == "POST" else None,
        criteres=reponse.appel.criteres.all(), montant_demande=operation.montant_fse_demande, analyse=mienne,
    )
    if formulaire.is_valid():
        donnees = formulaire.cleaned_data
        try:
            mienne = analyse_enregistrer(
                reponse=reponse, user=request.user, avis=donnees["avis"], montant_fse_propose=donnees["montant_fse_propose"],
                commentaire=donnees["commentaire"], notes=formulaire.notes(),
            )
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, f"Votre analyse est enregistrée : note pondérée {nombre(mienne.note_ponderee)} / 5.")
            return redirect("appels_projets:analyse", pk=reponse.pk)
    analyses = list(reponse.analyses.select_related("analyste").prefetch_related("notes__critere"))
    return render(request, "appels_projets/reponse_analyse.html", {
        "reponse": reponse,
        "appel": reponse.appel,
        "operation": operation,
        "en_instruction": operation.etat == Etat.EN_INSTRUCTION,
        "formulaire": formulaire,
        "erreurs": resume_erreurs_de(formulaire) if formulaire.is_bound else [],
        "mienne": mienne,
        "analyses": analyses,
        "note_moyenne": selectors.note_moyenne(reponse),
        "montant_propose": selectors.montant_propose(reponse),
        "montant_demande": operation.montant_fse_demande,
        "transitions": _transitions(request, reponse, ("clore_instruction",), "appels_projets:analyse"),
    })

"""Pages des appels à projets : liste, rédaction par l'équipe d'animation, page de l'appel, export des réponses."""
from pathlib import Path

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig

from annuaire.exports import ExportFr
from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import Role, a_role
from operations.views.fichiers import telecharger
from operations.views.transitions import avec_adresses, vue_de_transition
from operations.workflow import ActionRefusee, historique, transitions_offertes

from .. import selectors
from ..forms import AppelForm, CriteresFormSet, ExportForm, PiecesJointesFormSet, PiecesRequisesFormSet
from ..models import AppelAProjets
from ..options import EtatAppel
from ..services import appel_enregistrer, appel_transition
from ..tables import COLONNES_D_ANALYSE, COLONNES_DE_LA_PAGE, ReponseTable, colonnes_de
from .communs import appel_visible, exiger_role, resume_erreurs_de

COLONNES_EXPORTEES_PAR_DEFAUT = ["code", "porteur", "intitule", "etat", "deposee_le", "cout_total", "fse_demande",
                                 "fse_propose", "note", "decision", "montant_vote"]


def liste(request):
    appels = list(selectors.appels_list(user=request.user))
    porteur = a_role(request.user, Role.PORTEUR) and bool(request.user.structure_id)
    for appel in appels:
        appel.peut_repondre = porteur and appel.depot_ouvert
    return render(request, "appels_projets/appel_liste.html", {
        "appels": appels,
        "peut_creer": a_role(request.user, Role.ANIMATION),
        "de_structure": bool(request.user.structure_id),
        "porteur": porteur,
    })


# --- Rédaction (équipe d'animation, brouillon seulement) ---

def _editer(request, appel: AppelAProjets):
    donnees = request.POST if request.method == "POST" else None
    fichiers = request.FILES if request.method == "POST" else None
    formulaire = AppelForm(donnees, instance=appel)
    formsets = [
        PiecesRequisesFormSet(donnees, instance=appel, prefix="pieces"),
        CriteresFormSet(donnees, instance=appel, prefix="criteres"),
        PiecesJointesFormSet(donnees, fichiers, instance=appel, prefix="jointes"),
    ]
    if donnees is not None and formulaire.is_valid() and all(f.is_valid() for f in formsets):
        try:
            appel = appel_enregistrer(appel=appel, user=request.user, formulaire=formulaire, formsets=formsets)
        except ActionRefusee as refus:
            messages.error(request, str(refus))
        else:
            messages.success(request, f"L'appel « {appel} » est enregistré.")
            if "continuer" in request.POST:
                return redirect("appels_projets:modifier", pk=appel.pk)
            return redirect(appel)
    return render(request, "appels_projets/appel_edition.html", {
        "appel": appel,
        "formulaire": formulaire,
        "pieces": formsets[0],
        "criteres": formsets[1],
        "jointes": formsets[2],
        "erreurs": resume_erreurs_de(formulaire, formsets) if donnees is not None else [],
    })


def _exiger_animation(request):
    exiger_role(request, Role.ANIMATION, message="Seule l'équipe d'animation rédige les appels à projets.")


def creer(request):
    _exiger_animation(request)
    plie = plie_courant(request.user)
    if plie is None:
        messages.error(request, CHOISIR_UN_PLIE)
        return redirect("appels_projets:liste")
    return _editer(request, AppelAProjets(plie=plie))


def modifier(request, pk):
    appel = appel_visible(request, pk)
    _exiger_animation(request)
    if appel.etat != EtatAppel.BROUILLON:
        messages.error(request, f"Un appel à l'état « {appel.get_etat_display()} » n'est plus modifiable.")
        return redirect(appel)
    return _editer(request, appel)


# --- Page de l'appel ---

def _colonnes_masquees(noms_affiches, *, analyses: bool) -> list[str]:
    return [nom for nom in ReponseTable.base_columns
            if nom not in noms_affiches or (not analyses and nom in COLONNES_D_ANALYSE)]


def appel(request, pk):
    appel = appel_visible(request, pk)
    user = request.user
    analyses = selectors.peut_voir_analyses(user)
    table = ReponseTable(selectors.reponses_tableau(appel, user=user),
                         exclude=_colonnes_masquees(COLONNES_DE_LA_PAGE, analyses=analyses))
    RequestConfig(request).configure(table)
    pipeline = selectors.pipeline(appel, user=user)
    criteres = list(appel.criteres.all())
    porteur = a_role(user, Role.PORTEUR)
    return render(request, "appels_projets/appel_fiche.html", {
        "appel": appel,
        "pieces_jointes": appel.pieces_jointes.all(),
        "pieces_requises": appel.pieces_requises.all(),
        "criteres": criteres,
        "total_poids": sum(c.poids for c in criteres),
        "transitions": avec_adresses(transitions_offertes(appel, user=user), "appels_projets:transition", appel.pk),
        "historique": historique(appel),
        "modifiable": a_role(user, Role.ANIMATION) and appel.etat == EtatAppel.BROUILLON,
        "pipeline": pipeline,
        # Le FSE voté et le reste de l'enveloppe restent entre l'animation, le comité et le gestionnaire.
        "depassement": pipeline["vote"] - appel.enveloppe_fse if analyses and pipeline["vote"] > appel.enveloppe_fse else None,
        "table": table,
        "analyses": analyses,
        "porteur": porteur,
        "refus_de_reponse": selectors.refus_de_reponse(appel, user=user) if porteur else None,
    })


transition = vue_de_transition(
    trouver=appel_visible,
    tirer=lambda appel, **action: appel_transition(appel=appel, **action),
    apres=lambda appel: f"L'appel « {appel} » est maintenant « {appel.get_etat_display()} ».",
)


def piece_jointe(request, pk, piece):
    appel = appel_visible(request, pk)
    piece = get_object_or_404(appel.pieces_jointes, pk=piece)
    return telecharger(piece.fichier, Path(piece.fichier.name).name)


# --- Export des réponses, avec les colonnes choisies ---

def export(request, pk):
    appel = appel_visible(request, pk)
    analyses = selectors.peut_voir_analyses(request.user)
    colonnes = colonnes_de(analyses=analyses)
    formulaire = ExportForm(
        request.GET if "_export" in request.GET else None,
        colonnes=colonnes, initiales=[c for c in COLONNES_EXPORTEES_PAR_DEFAUT if c in colonnes],
    )
    if formulaire.is_valid():
        choisies = formulaire.cleaned_data["colonnes"]
        masquees = _colonnes_masquees(choisies, analyses=analyses)
        table = ReponseTable(selectors.reponses_tableau(appel, user=request.user), exclude=masquees)
        format_ = formulaire.cleaned_data["_export"]
        nom = f"reponses-appel-{appel.pk}-{timezone.localdate():%Y-%m-%d}.{format_}"
        return ExportFr(format_, table, exclude_columns=masquees).response(filename=nom)
    return render(request, "appels_projets/appel_export.html", {
        "appel": appel,
        "formulaire": formulaire,
        "champ_format": formulaire["_export"],
        "erreurs": resume_erreurs_de(formulaire) if formulaire.is_bound else [],
        "nombre": selectors.reponses_de(appel, user=request.user).count(),
    })

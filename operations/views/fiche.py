from itertools import groupby

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annuaire.roles import Role, a_role

from ..forms import ChangerProgrammeForm
from ..models import Operation
from ..options import CategorieDepense
from ..selectors import historique, refus_de_modification, transitions_offertes
from ..services import ActionRefusee, operation_changer_programme, operation_transition, refus_de_changer_programme
from .erreurs import resume_erreurs
from .transitions import avec_adresses, vue_de_transition


# Ce que les apps de plus haut niveau ajoutent à la fiche (lien vers la réponse à l'appel, la convention...) :
# des fonctions (operation, user) -> [(libellé, adresse)], enregistrées dans leur AppConfig.ready().
LIENS_DE_LA_FICHE = []
# Des encarts entiers (la réalisation au regard des objectifs...) : fonctions (operation, user) -> dict ou None, le dict
# portant `gabarit` (le gabarit à inclure) et ce qu'il affiche.
ENCARTS_DE_LA_FICHE = []


def operation_visible(request, code) -> Operation:
    """Une opération hors du périmètre de l'utilisateur répond 404 : on ne révèle pas son existence."""
    return get_object_or_404(Operation.objects.visible_to(request.user).select_related("type", "porteur", "programme"),
                             code=code)


def _changement_de_programme(operation: Operation, user, formulaire=None) -> dict | None:
    """Pour l'équipe d'animation : le formulaire qui change le programme, ou la raison pour laquelle il ne change plus."""
    if not a_role(user, Role.ANIMATION):
        return None
    refus = refus_de_changer_programme(operation, user)
    if refus:
        return {"refus": refus}
    formulaire = formulaire or ChangerProgrammeForm(operation=operation)
    return {"formulaire": formulaire, "erreurs": resume_erreurs(formulaire, []) if formulaire.is_bound else []}


def fiche(request, code, *, formulaire_programme=None):
    operation = operation_visible(request, code)
    depenses = list(operation.depenses.all())
    categories = [
        {"libelle": CategorieDepense(cat).label, "lignes": list(lignes)}
        for cat, lignes in groupby(depenses, key=lambda ligne: ligne.categorie)
    ]
    for categorie in categories:
        categorie["total"] = sum(ligne.montant for ligne in categorie["lignes"])
    total_depenses = operation.total_depenses
    total_ressources = operation.total_ressources
    ressources = list(operation.ressources.select_related("financeur"))
    for ressource in ressources:
        ressource.part = ressource.montant / total_depenses if total_depenses else None
    return render(
        request,
        "operations/fiche.html",
        {
            "operation": operation,
            "categories": categories,
            "ressources": ressources,
            "total_depenses": total_depenses,
            "total_ressources": total_ressources,
            "ecart": total_ressources - total_depenses,
            "objectifs": operation.objectifs.select_related("indicateur"),
            "historique": historique(operation),
            "liens": [lien for fournir in LIENS_DE_LA_FICHE for lien in fournir(operation, request.user)],
            "encarts": [e for fournir in ENCARTS_DE_LA_FICHE if (e := fournir(operation, request.user))],
            "transitions": avec_adresses(transitions_offertes(operation=operation, user=request.user),
                                         "operations:transition", operation.code),
            "modifiable": refus_de_modification(operation=operation, user=request.user) is None,
            "changement_programme": _changement_de_programme(operation, request.user, formulaire_programme),
        },
    )


@require_POST
def changer_programme(request, code):
    """Refusé (porteur, convention signée...) : retour à la fiche avec la raison ; formulaire incomplet : la fiche
    avec le résumé des erreurs, rien n'est changé."""
    operation = operation_visible(request, code)
    refus = refus_de_changer_programme(operation, request.user)
    if refus:
        messages.error(request, refus)
        return redirect(operation)
    formulaire = ChangerProgrammeForm(request.POST, operation=operation)
    if not formulaire.is_valid():
        return fiche(request, code, formulaire_programme=formulaire)
    try:
        operation = operation_changer_programme(operation=operation, programme=formulaire.cleaned_data["programme"],
                                                user=request.user, motivation=formulaire.cleaned_data["motivation"])
    except ActionRefusee as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"{operation.code} relève maintenant du programme {operation.programme.libelle} : "
                                  "les documents produits désormais portent ses mentions.")
    return redirect(operation)


transition = vue_de_transition(
    trouver=operation_visible,
    tirer=lambda operation, **action: operation_transition(operation=operation, **action),
    apres=lambda operation: f"L'opération {operation.code} est maintenant « {operation.get_etat_display()} ».",
)

from itertools import groupby

from django.shortcuts import get_object_or_404, render

from ..models import Operation
from ..options import CategorieDepense
from ..selectors import historique, refus_de_modification, transitions_offertes
from ..services import operation_transition
from .transitions import avec_adresses, vue_de_transition


# Ce que les apps de plus haut niveau ajoutent à la fiche (lien vers la réponse à l'appel, la convention...) :
# des fonctions (operation, user) -> [(libellé, adresse)], enregistrées dans leur AppConfig.ready().
LIENS_DE_LA_FICHE = []
# Des encarts entiers (la réalisation au regard des objectifs...) : fonctions (operation, user) -> dict ou None, le dict
# portant `gabarit` (le gabarit à inclure) et ce qu'il affiche.
ENCARTS_DE_LA_FICHE = []


def operation_visible(request, code) -> Operation:
    """Une opération hors du périmètre de l'utilisateur répond 404 : on ne révèle pas son existence."""
    return get_object_or_404(Operation.objects.visible_to(request.user).select_related("type", "porteur"), code=code)


def fiche(request, code):
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
        },
    )


transition = vue_de_transition(
    trouver=operation_visible,
    tirer=lambda operation, **action: operation_transition(operation=operation, **action),
    apres=lambda operation: f"L'opération {operation.code} est maintenant « {operation.get_etat_display()} ».",
)

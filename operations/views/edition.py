from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from annuaire.models import Financeur
from annuaire.roles import Role, a_role

from ..forms import DepensesFormSet, ObjectifsFormSet, OperationForm, RessourcesFormSet
from ..models import ZERO, Operation
from ..selectors import refus_de_modification
from ..services import ActionRefusee, operation_enregistrer
from .erreurs import resume_erreurs
from .fiche import operation_visible


def totaux_du_budget(operation: Operation, depenses, ressources) -> dict:
    """Les totaux montrés sous le budget : ceux de la saisie renvoyée (montants lisibles, lignes non supprimées), sinon
    ceux du plan enregistré. `static/js/budget.js` refait ce calcul pendant la saisie."""
    if depenses.is_bound:
        def lignes(formset):
            return [f.cleaned_data for f in formset.forms
                    if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("montant")]

        total_depenses = sum((d["montant"] for d in lignes(depenses)), ZERO)
        total_ressources = sum((r["montant"] for r in lignes(ressources)), ZERO)
        fse = sum((r["montant"] for r in lignes(ressources) if r.get("financeur") and r["financeur"].est_fse), ZERO)
    elif operation.pk:
        total_depenses, total_ressources, fse = operation.total_depenses, operation.total_ressources, operation.montant_fse
    else:
        total_depenses = total_ressources = fse = ZERO
    return {"depenses": total_depenses, "ressources": total_ressources, "fse": fse,
            "ecart": total_ressources - total_depenses, "taux": fse / total_depenses if total_depenses else None}


def _editer(request, operation: Operation):
    donnees = request.POST if request.method == "POST" else None
    formulaire = OperationForm(donnees, instance=operation)
    formsets = [
        DepensesFormSet(donnees, instance=operation, prefix="depenses"),
        RessourcesFormSet(donnees, instance=operation, prefix="ressources"),
        ObjectifsFormSet(donnees, instance=operation, prefix="objectifs"),
    ]
    if donnees is not None:
        if formulaire.is_valid() and all(f.is_valid() for f in formsets):
            try:
                operation = operation_enregistrer(operation=operation, user=request.user, formulaire=formulaire, formsets=formsets)
            except ActionRefusee as refus:
                messages.error(request, str(refus))
            else:
                messages.success(request, f"La demande {operation.code} est enregistrée.")
                if "continuer" in request.POST:
                    return redirect("operations:modifier", code=operation.code)
                return redirect(operation)
    return render(
        request,
        "operations/edition.html",
        {
            "operation": operation,
            "formulaire": formulaire,
            "depenses": formsets[0],
            "ressources": formsets[1],
            "objectifs": formsets[2],
            "erreurs": resume_erreurs(formulaire, formsets) if donnees is not None else [],
            "totaux": totaux_du_budget(operation, formsets[0], formsets[1]),
            "financeurs_fse": Financeur.objects.filter(est_fse=True).values_list("pk", flat=True),
        },
    )


def creer(request):
    if not (a_role(request.user, Role.PORTEUR) and request.user.structure_id):
        raise PermissionDenied("Seul un porteur rattaché à une structure peut créer une demande.")
    return _editer(request, Operation(porteur=request.user.structure))


def modifier(request, code):
    operation = operation_visible(request, code)
    refus = refus_de_modification(operation=operation, user=request.user)
    if refus:
        messages.error(request, refus)
        return redirect(operation)
    return _editer(request, operation)

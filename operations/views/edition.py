from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from annuaire.roles import Role, a_role

from ..forms import DepensesFormSet, ObjectifsFormSet, OperationForm, RessourcesFormSet
from ..models import Operation
from ..selectors import refus_de_modification
from ..services import ActionRefusee, operation_enregistrer
from .erreurs import resume_erreurs
from .fiche import operation_visible


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

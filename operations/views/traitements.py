from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from ..models import Traitement


def _traitement(request, pk) -> Traitement:
    """Le traitement de quelqu'un d'autre répond 404."""
    return get_object_or_404(Traitement, pk=pk, demande_par=request.user)


def traitement(request, pk):
    return render(request, "operations/traitement.html", {"traitement": _traitement(request, pk)})


def etat(request, pk):
    """Lu toutes les secondes par la page (static/js/traitement.js) pour faire avancer la barre."""
    t = _traitement(request, pk)
    return JsonResponse({"etat": t.etat, "libelle_etat": t.get_etat_display(), "faits": t.faits, "total": t.total,
                         "pourcentage": t.pourcentage, "message": t.message, "resultat": t.resultat})

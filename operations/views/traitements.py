from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from ..models import Traitement
from .fichiers import telecharger


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


def fichier(request, pk):
    """Le fichier produit (archive...), au seul demandeur : celui d'un autre répond 404 comme le traitement."""
    t = _traitement(request, pk)
    if not t.fichier:
        raise Http404("Ce traitement n'a pas (encore) produit de fichier.")
    return telecharger(t.fichier, t.fichier.name.rsplit("/", 1)[-1])

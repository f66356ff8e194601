from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Plie
from .plies import choisir


@require_POST
def choisir_plie(request):
    """Le sélecteur de l'organisme pivot : un PLIE, ou tous (valeur vide) ; on revient à la page d'où l'on vient."""
    valeur = request.POST.get("plie", "")
    if valeur and not valeur.isdigit():
        return HttpResponseBadRequest("PLIE inconnu.")
    if not choisir(request, int(valeur) if valeur else None):
        messages.error(request, "Ce PLIE n'est pas de ceux pour lesquels vous travaillez.")
    elif valeur:
        messages.success(request, f"Vous travaillez maintenant sur {Plie.objects.get(pk=valeur)}.")
    else:
        messages.success(request, "Vous voyez maintenant tous vos PLIE ensemble (vue consolidée).")
    suite = request.POST.get("suite", "")
    if not url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        suite = "/"
    return redirect(suite)

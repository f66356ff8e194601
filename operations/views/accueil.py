from django.shortcuts import render
from django.utils import timezone

from annuaire.roles import Role, a_role

from ..bureau import bureau
from ..options import Etat
from ..selectors import compte_par_etat


def accueil(request):
    """Le bureau : ce qui attend l'utilisateur, trié par urgence, chaque ligne menant à la page où l'action se fait."""
    aujourdhui = timezone.localdate()
    compte = compte_par_etat(user=request.user)
    return render(
        request,
        "operations/accueil.html",
        {
            "aujourdhui": aujourdhui,
            "rubriques": bureau(user=request.user, aujourdhui=aujourdhui),
            "par_etat": [(Etat(e), compte[e]) for e in Etat.values if compte.get(e)],
            "total": sum(compte.values()),
            "notifications": request.user.notifications.select_related("operation")[:8],
            "peut_creer": a_role(request.user, Role.PORTEUR) and request.user.structure_id,
        },
    )
